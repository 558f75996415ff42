// Invokes Nexus operations for caller workflows: after every commit it looks for operations whose start
// (or cancel) is due, calls the handler (a worker task for worker endpoints, HTTP for external ones),
// classifies the reply once, and applies the outcome to the caller in an engine transaction. Attempts
// are at-least-once: the scheduled event's request id makes them idempotent at the handler.
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { temporal, type Failure, long } from '../common/proto';
import { timestampFromMs } from '../common/time';
import type { HistoryEngine } from '../engine/history-engine';
import type { Workflow } from '../engine/workflow';
import type { RunKey } from '../engine/tasks';
import { runKeyString } from '../engine/tasks';
import { NexusCancelStatus, NexusOperationStatus, type NexusOperationState } from '../engine/mutable-state';
import {
  nexusAttemptBlocked,
  nexusAttemptFailed,
  nexusCancelAttemptFailed,
  nexusCancelCompleted,
  nexusCancelFailed,
  nexusOperationEnded,
  nexusOperationStarted,
  nexusOperationSucceeded,
} from '../engine/nexus-operations';
import { CALLBACK_TOKEN_HEADER, SYSTEM_CALLBACK_URL, encodeCallbackToken } from '../engine/nexus-completion';
import type { EndpointRegistry, ResolvedEndpoint } from './endpoint-registry';
import type { CircuitBreakers } from './circuit-breaker';
import type { NexusTaskDispatcher } from './nexus-task-dispatcher';
import {
  classifyCancelReply,
  classifyStartReply,
  countsAgainstBreaker,
  handlerErrorFailure,
  type CancelOutcome,
  type HandlerReply,
  type StartOutcome,
} from './handler-outcome';
import { nexusLinksToTemporal, workflowEventLinkToNexus } from './links';
import { nextNexusRetryDelayMs } from './retry';

export const NEXUS_REQUEST_TIMEOUT_MS = 10_000;

export interface NexusExecutorSettings {
  readonly retryInitialIntervalMs: number;
  /** Deadline of one attempt at the handler (the Temporal server's 10 s). */
  readonly requestTimeoutMs: number;
}
export const CIRCUIT_BREAKER_OPEN_REASON = 'The circuit breaker is open.';

/** Calls an external (HTTP) Nexus endpoint; provided by the Nexus HTTP client. */
export interface ExternalNexusClient {
  /** The completion callback URL external handlers are given (worker targets get `temporal://system`). */
  callbackUrl(callerNamespace: string): string;
  start(url: string, request: temporal.api.nexus.v1.IRequest, timeoutMs: number): Promise<HandlerReply>;
  cancel(url: string, request: temporal.api.nexus.v1.IRequest, timeoutMs: number): Promise<HandlerReply>;
}

export class NexusOperationExecutor {
  private readonly inFlight = new Set<string>();
  private isStopped = false;

  constructor(
    private readonly engine: HistoryEngine,
    private readonly endpoints: EndpointRegistry,
    private readonly dispatcher: NexusTaskDispatcher,
    private readonly breakers: CircuitBreakers,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly external: ExternalNexusClient | undefined,
    private readonly settings: NexusExecutorSettings,
  ) {}

  stop(): void {
    this.isStopped = true;
  }

  /**
   * Engine hook: the caller closed. Requested cancels of started operations are still sent once (a
   * TRY_CANCEL caller may finish right after asking); their outcome has no run left to record in.
   */
  onRunClosed(workflow: Workflow): void {
    if (this.isStopped) return;
    for (const op of Object.values(workflow.state.nexusOperations)) {
      if (op.status === NexusOperationStatus.Started && op.cancel?.status === NexusCancelStatus.Scheduled)
        this.launch(workflow, op, 'cancel');
    }
  }

  /** Engine hook: called after every commit of an open run. */
  onSettled(workflow: Workflow): void {
    if (this.isStopped) return;
    for (const op of Object.values(workflow.state.nexusOperations)) {
      if (op.status === NexusOperationStatus.Scheduled) this.launch(workflow, op, 'start');
      if (op.status === NexusOperationStatus.Started && op.cancel?.status === NexusCancelStatus.Scheduled)
        this.launch(workflow, op, 'cancel');
    }
  }

  private launch(workflow: Workflow, op: NexusOperationState, kind: 'start' | 'cancel'): void {
    const attempt = kind === 'start' ? op.attempt : (op.cancel?.attempt ?? 0);
    const id = `${runKeyString(workflow.key)}\u0000${op.scheduledEventId}\u0000${kind}\u0000${attempt}`;
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    const key = workflow.key;
    const request = this.buildRequest(workflow, op, kind);
    const snapshot = {
      scheduledEventId: op.scheduledEventId,
      attempt,
      endpointId: op.endpointId,
      endpoint: op.endpoint,
    };
    void this.invoke(key, snapshot, request, kind)
      .catch((error: unknown) => this.logger.error('nexus invocation failed', { error: String(error) }))
      .finally(() => this.inFlight.delete(id));
  }

  private buildRequest(
    workflow: Workflow,
    op: NexusOperationState,
    kind: 'start' | 'cancel',
  ): { request: temporal.api.nexus.v1.IRequest; timeoutMs: number; callerNamespace: string } {
    const s = workflow.state;
    const now = this.clock.nowMs();
    const scheduled = workflow.events[op.scheduledEventId - 1]?.nexusOperationScheduledEventAttributes;
    const remaining: number[] = [this.settings.requestTimeoutMs];
    if (op.scheduleToCloseTimeoutMs > 0) remaining.push(op.scheduledTimeMs + op.scheduleToCloseTimeoutMs - now);
    if (kind === 'start' && op.scheduleToStartTimeoutMs > 0)
      remaining.push(op.scheduledTimeMs + op.scheduleToStartTimeoutMs - now);
    if (kind === 'cancel' && op.startToCloseTimeoutMs > 0)
      remaining.push(op.startedTimeMs + op.startToCloseTimeoutMs - now);
    const timeoutMs = Math.max(0, Math.min(...remaining));
    const header: Record<string, string> = { ...(scheduled?.nexusHeader ?? {}), 'request-timeout': `${timeoutMs}ms` };
    const operationTimeouts = [
      op.startToCloseTimeoutMs,
      op.scheduleToCloseTimeoutMs > 0 ? op.scheduledTimeMs + op.scheduleToCloseTimeoutMs - now : 0,
    ].filter((ms) => ms > 0);
    if (operationTimeouts.length > 0 && !header['operation-timeout'])
      header['operation-timeout'] = `${Math.min(...operationTimeouts)}ms`;
    const callerNamespace = this.engine.ctx.namespaces.getById(s.namespaceId).name;
    const base = {
      header,
      scheduledTime: timestampFromMs(now),
      endpoint: op.endpoint,
      capabilities: { temporalFailureResponses: true },
    };
    if (kind === 'cancel') {
      return {
        request: {
          ...base,
          cancelOperation: {
            service: op.service,
            operation: op.operation,
            operationToken: op.operationToken,
            operationId: op.operationToken,
          },
        },
        timeoutMs,
        callerNamespace,
      };
    }
    const token = encodeCallbackToken({
      namespaceId: s.namespaceId,
      workflowId: s.workflowId,
      runId: s.runId,
      scheduledEventId: op.scheduledEventId,
      requestId: op.requestId,
    });
    const link = workflowEventLinkToNexus({
      namespace: callerNamespace,
      workflowId: s.workflowId,
      runId: s.runId,
      eventRef: {
        eventId: long(op.scheduledEventId),
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
      },
    });
    return {
      request: {
        ...base,
        startOperation: {
          service: op.service,
          operation: op.operation,
          requestId: op.requestId,
          callback: SYSTEM_CALLBACK_URL,
          payload: scheduled?.input ?? null,
          callbackHeader: { [CALLBACK_TOKEN_HEADER]: token },
          links: [link],
        },
      },
      timeoutMs,
      callerNamespace,
    };
  }

  private async invoke(
    key: RunKey,
    op: { scheduledEventId: number; attempt: number; endpointId: string; endpoint: string },
    built: { request: temporal.api.nexus.v1.IRequest; timeoutMs: number; callerNamespace: string },
    kind: 'start' | 'cancel',
  ): Promise<void> {
    const endpoint = this.endpoints.resolve(op.endpointId, op.endpoint);
    const breakerKey = `${key.namespaceId}\u0000${op.endpoint}`;
    let reply: HandlerReply;
    const refusal = endpoint
      ? this.refusal(endpoint, built.callerNamespace)
      : handlerErrorFailure('NOT_FOUND', `endpoint "${op.endpoint}" not found`);
    if (refusal) {
      reply = { kind: 'handler-error', failure: refusal };
    } else {
      const decision = this.breakers.tryAcquire(breakerKey);
      if (!decision.allowed) {
        this.apply(key, op.scheduledEventId, kind, op.attempt, (_workflow, current) =>
          nexusAttemptBlocked(current, CIRCUIT_BREAKER_OPEN_REASON, decision.retryAtMs),
        );
        return;
      }
      reply = await this.call(endpoint as ResolvedEndpoint, built, kind);
    }
    if (kind === 'start') this.applyStart(key, op, reply, refusal ? undefined : breakerKey);
    else this.applyCancel(key, op, reply, refusal ? undefined : breakerKey);
  }

  /** The allowlist: once an endpoint has one, only listed caller namespaces may use it. */
  private refusal(endpoint: ResolvedEndpoint, callerNamespace: string): Failure | undefined {
    if (endpoint.allowedCallerNamespaces === null || endpoint.allowedCallerNamespaces.includes(callerNamespace))
      return undefined;
    return handlerErrorFailure(
      'UNAUTHORIZED',
      `caller namespace "${callerNamespace}" is not allowed to use Nexus endpoint "${endpoint.name}"`,
    );
  }

  private call(
    endpoint: ResolvedEndpoint,
    built: { request: temporal.api.nexus.v1.IRequest; timeoutMs: number; callerNamespace: string },
    kind: 'start' | 'cancel',
  ): Promise<HandlerReply> {
    const target = endpoint.spec.target;
    if (target?.worker) {
      const namespace = this.engine.ctx.namespaces.findByName(target.worker.namespace ?? '');
      if (!namespace)
        return Promise.resolve({
          kind: 'handler-error',
          failure: handlerErrorFailure('NOT_FOUND', `target namespace "${target.worker.namespace}" not found`),
        });
      return this.dispatcher.dispatch(namespace.id, target.worker.taskQueue ?? '', built.request, built.timeoutMs);
    }
    const url = target?.external?.url ?? '';
    if (!this.external)
      return Promise.resolve({
        kind: 'handler-error',
        failure: handlerErrorFailure('NOT_IMPLEMENTED', 'external Nexus endpoints are not available'),
      });
    if (kind === 'cancel') return this.external.cancel(url, built.request, built.timeoutMs);
    const start = built.request.startOperation;
    const request = start
      ? { ...built.request, startOperation: { ...start, callback: this.external.callbackUrl(built.callerNamespace) } }
      : built.request;
    return this.external.start(url, request, built.timeoutMs);
  }

  private applyStart(
    key: RunKey,
    op: { scheduledEventId: number; attempt: number },
    reply: HandlerReply,
    breakerKey: string | undefined,
  ): void {
    const outcome = classifyStartReply(reply);
    this.recordOutcome(breakerKey, outcome);
    const ctx = this.engine.ctx;
    this.apply(key, op.scheduledEventId, 'start', op.attempt, (workflow, current, nowMs) => {
      switch (outcome.kind) {
        case 'sync-success':
          return nexusOperationSucceeded(
            ctx,
            workflow,
            current,
            outcome.payload,
            nexusLinksToTemporal(outcome.links),
            nowMs,
          );
        case 'async-started':
          return nexusOperationStarted(
            ctx,
            workflow,
            current,
            outcome.operationToken,
            nexusLinksToTemporal(outcome.links),
            nowMs,
          );
        case 'operation-failed':
          return nexusOperationEnded(ctx, workflow, current, outcome.state, outcome.failure, nowMs);
        case 'retry':
          return nexusAttemptFailed(
            current,
            outcome.failure,
            nowMs,
            nextNexusRetryDelayMs(current.attempt, this.settings.retryInitialIntervalMs),
          );
        case 'fail':
          return nexusOperationEnded(ctx, workflow, current, 'failed', outcome.failure, nowMs);
      }
    });
  }

  private applyCancel(
    key: RunKey,
    op: { scheduledEventId: number; attempt: number },
    reply: HandlerReply,
    breakerKey: string | undefined,
  ): void {
    const outcome = classifyCancelReply(reply);
    this.recordOutcome(breakerKey, outcome);
    const ctx = this.engine.ctx;
    this.apply(key, op.scheduledEventId, 'cancel', op.attempt, (workflow, current, nowMs) => {
      switch (outcome.kind) {
        case 'cancel-requested':
          return nexusCancelCompleted(ctx, workflow, current, nowMs);
        case 'retry':
          return nexusCancelAttemptFailed(
            current,
            outcome.failure,
            nowMs,
            nextNexusRetryDelayMs(current.cancel?.attempt ?? 1, this.settings.retryInitialIntervalMs),
          );
        case 'fail':
          return nexusCancelFailed(ctx, workflow, current, outcome.failure, nowMs);
      }
    });
  }

  private recordOutcome(breakerKey: string | undefined, outcome: StartOutcome | CancelOutcome): void {
    if (!breakerKey) return;
    if (countsAgainstBreaker(outcome)) this.breakers.recordFailure(breakerKey);
    else this.breakers.recordSuccess(breakerKey);
  }

  /** Applies an outcome if the operation is still at the attempt it answers (else the answer is stale). */
  private apply(
    key: RunKey,
    scheduledEventId: number,
    kind: 'start' | 'cancel',
    attempt: number,
    fn: (workflow: Workflow, op: NexusOperationState, nowMs: number) => void,
  ): void {
    if (this.isStopped) return;
    this.engine.run((tx) => {
      const workflow = tx.get(key);
      const current = workflow?.state.nexusOperations[String(scheduledEventId)];
      if (!workflow || !current) return;
      const isCurrent =
        kind === 'start'
          ? current.status === NexusOperationStatus.Scheduled && current.attempt === attempt
          : current.cancel?.status === NexusCancelStatus.Scheduled && current.cancel.attempt === attempt;
      if (isCurrent) fn(workflow, current, tx.nowMs);
    });
  }
}
