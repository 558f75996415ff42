// Executes the Nexus start and cancel attempts of caller workflows (outbox tasks nexus-start and
// nexus-cancel): reads the attempt in a transaction, calls the handler (a worker task for worker
// endpoints, HTTP for external ones), classifies the reply once (handler-outcome.ts), and reports the
// outcome, which the engine applies (with the task's deletion) in a transaction. Attempts are
// at-least-once: the scheduled event's request id makes them idempotent at the handler. The circuit
// breaker of the caller namespace + endpoint is asked outside any transaction; when it holds calls back
// the task waits (defer) and nothing in the operation changes. With tracing on, each attempt is a span
// whose context the request to the handler carries (nexus-tracing.ts).
import { temporal, type Failure, long } from '../common/proto';
import { timestampFromMs } from '../common/time';
import type { Metrics } from '../common/metrics';
import type { Logger } from '../common/logger';
import { NO_TRACING, withTraceContext, type Tracing } from '../common/tracing';
import type { HistoryEngine } from '../engine/history-engine';
import type { Workflow } from '../engine/workflow';
import { isRunning, NexusCancelStatus, NexusOperationStatus, type NexusOperationState } from '../engine/mutable-state';
import { RELEASED, TaskKind, type QueuedTask, type TaskOutcome } from '../engine/outbox';
import {
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
import type { DestinationLimiter } from './destination-limiter';
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
import { nexusLinksToTemporal, nexusOperationLinkToNexus, workflowEventLinkToNexus } from './links';
import { nextNexusRetryDelayMs } from './retry';
import { endOutcomeSpan, startAttemptSpan } from './nexus-tracing';
import { systemStartOutcome } from './system-operation';
import { SYSTEM_ENDPOINT } from '../engine/system-nexus';

export const NEXUS_REQUEST_TIMEOUT_MS = 10_000;

export interface NexusExecutorSettings {
  readonly retryInitialIntervalMs: number;
  /** Deadline of one attempt at the handler (the Temporal server's 10 s). */
  readonly requestTimeoutMs: number;
  /** Worker targets get `temporal://system` (else the callback URL external handlers get). */
  readonly useSystemCallbackUrl: boolean;
}

/** Calls an external (HTTP) Nexus endpoint; provided by the Nexus HTTP client. */
export interface ExternalNexusClient {
  /** The completion callback URL external handlers are given (worker targets get `temporal://system`). */
  callbackUrl(callerNamespace: string): string;
  start(url: string, request: temporal.api.nexus.v1.IRequest, timeoutMs: number): Promise<HandlerReply>;
  cancel(url: string, request: temporal.api.nexus.v1.IRequest, timeoutMs: number): Promise<HandlerReply>;
}

type Kind = 'start' | 'cancel';

/** One attempt, as read from the caller's state. */
interface Attempt {
  readonly request: temporal.api.nexus.v1.IRequest;
  readonly timeoutMs: number;
  readonly callerNamespace: string;
  readonly endpointId: string;
  readonly endpoint: string;
  /** A cancel sent for a caller that has closed: its outcome has no run left to record in. */
  readonly isCallerClosed: boolean;
}

/** The outcome label of an attempt (successful, pending, operation-failed, retryable-failure, failure). */
const OUTCOME_LABELS: Readonly<Record<StartOutcome['kind'] | CancelOutcome['kind'], string>> = {
  'sync-success': 'successful',
  'async-started': 'pending',
  'cancel-requested': 'successful',
  'operation-failed': 'operation-failed',
  retry: 'retryable-failure',
  fail: 'failure',
};

export function breakerKey(callerNamespaceId: string, endpoint: string): string {
  return `${callerNamespaceId}\u0000${endpoint}`;
}

export class NexusOperationExecutor {
  constructor(
    private readonly engine: HistoryEngine,
    private readonly endpoints: EndpointRegistry,
    private readonly dispatcher: Pick<NexusTaskDispatcher, 'dispatch'>,
    private readonly breakers: CircuitBreakers,
    private readonly destinations: DestinationLimiter,
    private readonly external: ExternalNexusClient | undefined,
    private readonly settings: NexusExecutorSettings,
    private readonly metrics?: Metrics,
    private readonly tracing: Tracing = NO_TRACING,
    private readonly logger?: Logger,
  ) {}

  /** Registers the executors of the nexus-start and nexus-cancel tasks with the engine. */
  register(): void {
    this.engine.executors[TaskKind.NexusStart] = (queued) => this.execute(queued, 'start');
    this.engine.executors[TaskKind.NexusCancel] = (queued) => this.execute(queued, 'cancel');
  }

  private async execute(queued: QueuedTask, kind: Kind): Promise<TaskOutcome> {
    const task = queued.task;
    if (task.kind !== TaskKind.NexusStart && task.kind !== TaskKind.NexusCancel)
      throw new Error(`not a Nexus task: ${task.kind}`);
    const { scheduledEventId, attempt } = task;
    const planned = await this.engine.run(queued.key, async (tx) => {
      const workflow = await tx.get(queued.key);
      const op = workflow?.state.nexusOperations[String(scheduledEventId)];
      if (!workflow || !op || !isAttemptCurrent(workflow, op, kind, attempt)) {
        workflow?.completeTask(queued.taskId);
        return undefined;
      }
      const scheduled = (await tx.event(workflow, scheduledEventId))?.nexusOperationScheduledEventAttributes;
      return this.attemptOf(workflow, op, kind, scheduled, tx.nowMs);
    });
    if (!planned) return RELEASED;
    const startedMs = this.engine.ctx.clock.nowMs();
    if (planned.endpoint === SYSTEM_ENDPOINT) {
      // Synchronous in this server: there is nothing to cancel once it has started.
      const start = planned.request.startOperation;
      const outcome = await this.traced(queued, planned, kind, attempt, async () =>
        kind === 'start' && start
          ? await systemStartOutcome(this.engine, queued.key, scheduledEventId, start)
          : { kind: 'fail', failure: handlerErrorFailure('NOT_IMPLEMENTED', 'the operation cannot be canceled') },
      );
      this.record(planned, kind, outcome, startedMs);
      this.logFailure(queued, planned, kind, attempt, outcome);
      await this.report(queued, scheduledEventId, attempt, kind, outcome);
      return RELEASED;
    }
    const endpoint = this.endpoints.resolve(planned.endpointId, planned.endpoint);
    const refusal = endpoint
      ? this.refusal(endpoint, planned.callerNamespace)
      : handlerErrorFailure('NOT_FOUND', `endpoint "${planned.endpoint}" not found`);
    const key = breakerKey(queued.key.namespaceId, planned.endpoint);
    let slot: (() => void) | undefined;
    if (!refusal && endpoint) {
      const admission = await this.destinations.acquire(queued.key.namespaceId, planned.endpoint);
      if (admission.kind === 'defer') return admission;
      const decision = this.breakers.tryAcquire(key);
      if (!decision.allowed) {
        admission.release();
        return { kind: 'defer', atMs: decision.retryAtMs };
      }
      slot = () => admission.release();
    }
    const outcome = await this.traced(queued, planned, kind, attempt, async (traced) => {
      const reply: HandlerReply =
        refusal || !endpoint
          ? { kind: 'handler-error', failure: refusal ?? handlerErrorFailure('NOT_FOUND', 'endpoint not found') }
          : await this.call(endpoint, traced, kind);
      return kind === 'start' ? classifyStartReply(reply) : classifyCancelReply(reply);
    }).finally(slot);
    if (!refusal) this.recordBreaker(key, outcome);
    this.record(planned, kind, outcome, startedMs);
    this.logFailure(queued, planned, kind, attempt, outcome);
    await this.report(queued, scheduledEventId, attempt, kind, outcome);
    return RELEASED;
  }

  /**
   * Runs one attempt; with tracing on, in a span (nexus-tracing.ts) whose context the request to the
   * handler carries in place of the caller's.
   */
  private async traced(
    queued: QueuedTask,
    planned: Attempt,
    kind: Kind,
    attempt: number,
    run: (attempt: Attempt) => Promise<StartOutcome | CancelOutcome>,
  ): Promise<StartOutcome | CancelOutcome> {
    if (!this.tracing.isEnabled) return run(planned);
    const operation = kind === 'start' ? planned.request.startOperation : planned.request.cancelOperation;
    const span = startAttemptSpan(this.tracing, {
      kind,
      callerNamespace: planned.callerNamespace,
      workflowId: queued.key.workflowId,
      runId: queued.key.runId,
      endpoint: planned.endpoint,
      service: operation?.service ?? '',
      operation: operation?.operation ?? '',
      attempt,
      header: planned.request.header,
    });
    try {
      const header = withTraceContext(planned.request.header, span.context());
      const outcome = await run({ ...planned, request: { ...planned.request, header } });
      endOutcomeSpan(span, OUTCOME_LABELS[outcome.kind], 'failure' in outcome ? outcome.failure : undefined);
      return outcome;
    } catch (error) {
      endOutcomeSpan(span, 'error', { message: String(error) });
      throw error;
    }
  }

  /** nexus_requests and nexus_latency of one attempt, by caller namespace, endpoint, service, operation and outcome. */
  private record(planned: Attempt, kind: Kind, outcome: StartOutcome | CancelOutcome, startedMs: number): void {
    if (!this.metrics) return;
    const request = kind === 'start' ? planned.request.startOperation : planned.request.cancelOperation;
    const labels = {
      namespace: planned.callerNamespace,
      endpoint: planned.endpoint,
      service: request?.service ?? '',
      operation: request?.operation ?? '',
      method: kind === 'start' ? 'StartOperation' : 'CancelOperation',
      outcome: OUTCOME_LABELS[outcome.kind],
    };
    this.metrics.count('nexus_requests', 'Nexus start and cancel attempts a caller made.', labels);
    this.metrics.observe(
      'nexus_latency',
      'Latency of Nexus start and cancel attempts in seconds.',
      labels,
      Math.max(0, this.engine.ctx.clock.nowMs() - startedMs) / 1000,
    );
  }

  /** A failed attempt, in a log line with its run, endpoint, service and operation. */
  private logFailure(
    queued: QueuedTask,
    planned: Attempt,
    kind: Kind,
    attempt: number,
    outcome: StartOutcome | CancelOutcome,
  ): void {
    if (!this.logger || (outcome.kind !== 'retry' && outcome.kind !== 'fail')) return;
    const request = kind === 'start' ? planned.request.startOperation : planned.request.cancelOperation;
    this.logger.warn(outcome.kind === 'retry' ? 'Nexus attempt failed; it will be retried' : 'Nexus attempt failed', {
      namespace: planned.callerNamespace,
      workflowId: queued.key.workflowId,
      runId: queued.key.runId,
      endpoint: planned.endpoint,
      service: request?.service ?? '',
      operation: request?.operation ?? '',
      method: kind === 'start' ? 'StartOperation' : 'CancelOperation',
      attempt,
      error: outcome.failure.message ?? '',
    });
  }

  private attemptOf(
    workflow: Workflow,
    op: NexusOperationState,
    kind: Kind,
    scheduled: temporal.api.history.v1.INexusOperationScheduledEventAttributes | null | undefined,
    now: number,
  ): Attempt {
    const s = workflow.state;
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
    const common = {
      timeoutMs,
      callerNamespace,
      endpointId: op.endpointId,
      endpoint: op.endpoint,
      isCallerClosed: !isRunning(s),
    };
    if (kind === 'cancel') {
      const cancelOperation = {
        service: op.service,
        operation: op.operation,
        operationToken: op.operationToken,
        operationId: op.operationToken,
      };
      return { request: { ...base, cancelOperation }, ...common };
    }
    const token = encodeCallbackToken({
      namespaceId: s.namespaceId,
      workflowId: s.workflowId,
      runId: s.runId,
      scheduledEventId: op.scheduledEventId,
      requestId: op.requestId,
    });
    // A standalone operation links to itself; a workflow's operation to its NexusOperationScheduled event.
    const link = s.standalone
      ? nexusOperationLinkToNexus({
          namespace: callerNamespace,
          operationId: s.standalone.operationId,
          runId: s.runId,
        })
      : workflowEventLinkToNexus({
          namespace: callerNamespace,
          workflowId: s.workflowId,
          runId: s.runId,
          eventRef: {
            eventId: long(op.scheduledEventId),
            eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
          },
        });
    const startOperation = {
      service: op.service,
      operation: op.operation,
      requestId: op.requestId,
      callback:
        this.settings.useSystemCallbackUrl || !this.external
          ? SYSTEM_CALLBACK_URL
          : this.external.callbackUrl(callerNamespace),
      payload: scheduled?.input ?? null,
      callbackHeader: { [CALLBACK_TOKEN_HEADER]: token },
      links: [link],
    };
    return { request: { ...base, startOperation }, ...common };
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

  private call(endpoint: ResolvedEndpoint, attempt: Attempt, kind: Kind): Promise<HandlerReply> {
    const target = endpoint.spec.target;
    if (target?.worker) {
      const namespace = this.engine.ctx.namespaces.findByName(target.worker.namespace ?? '');
      if (!namespace) {
        const failure = handlerErrorFailure('NOT_FOUND', `target namespace "${target.worker.namespace}" not found`);
        return Promise.resolve({ kind: 'handler-error', failure });
      }
      return this.dispatcher.dispatch(namespace.id, target.worker.taskQueue ?? '', attempt.request, attempt.timeoutMs);
    }
    const url = target?.external?.url ?? '';
    if (!this.external) {
      return Promise.resolve({
        kind: 'handler-error',
        failure: handlerErrorFailure('NOT_IMPLEMENTED', 'external Nexus endpoints are not available'),
      });
    }
    if (kind === 'cancel') return this.external.cancel(url, attempt.request, attempt.timeoutMs);
    const start = attempt.request.startOperation;
    const request = start
      ? {
          ...attempt.request,
          startOperation: { ...start, callback: this.external.callbackUrl(attempt.callerNamespace) },
        }
      : attempt.request;
    return this.external.start(url, request, attempt.timeoutMs);
  }

  private recordBreaker(key: string, outcome: StartOutcome | CancelOutcome): void {
    if (countsAgainstBreaker(outcome)) this.breakers.recordFailure(key);
    else this.breakers.recordSuccess(key);
  }

  /** Applies the outcome if the operation is still at the attempt it answers (else it is stale), and deletes the task. */
  private report(
    queued: QueuedTask,
    scheduledEventId: number,
    attempt: number,
    kind: Kind,
    outcome: StartOutcome | CancelOutcome,
  ): Promise<void> {
    return this.engine.run(queued.key, async (tx) => {
      const workflow = await tx.get(queued.key);
      if (!workflow) return;
      workflow.completeTask(queued.taskId);
      const op = workflow.state.nexusOperations[String(scheduledEventId)];
      if (!op || !isAttemptCurrent(workflow, op, kind, attempt)) return;
      if (!isRunning(workflow.state)) {
        // The cancel of a closed caller was sent once; the operation ends with the caller.
        workflow.removeItem('nexusOperations', String(scheduledEventId));
        return;
      }
      if (kind === 'start') this.applyStart(workflow, op, outcome as StartOutcome, tx.nowMs);
      else this.applyCancel(workflow, op, outcome as CancelOutcome, tx.nowMs);
    });
  }

  private applyStart(workflow: Workflow, op: NexusOperationState, outcome: StartOutcome, nowMs: number): void {
    const ctx = this.engine.ctx;
    switch (outcome.kind) {
      case 'sync-success':
        return nexusOperationSucceeded(ctx, workflow, op, outcome.payload, nexusLinksToTemporal(outcome.links), nowMs);
      case 'async-started':
        return nexusOperationStarted(
          ctx,
          workflow,
          op,
          outcome.operationToken,
          nexusLinksToTemporal(outcome.links),
          nowMs,
        );
      case 'operation-failed':
        return nexusOperationEnded(ctx, workflow, op, outcome.state, outcome.failure, nowMs);
      case 'retry':
        return nexusAttemptFailed(
          workflow,
          op,
          outcome.failure,
          nowMs,
          nextNexusRetryDelayMs(op.attempt, this.settings.retryInitialIntervalMs),
        );
      case 'fail':
        return nexusOperationEnded(ctx, workflow, op, 'failed', outcome.failure, nowMs);
    }
  }

  private applyCancel(workflow: Workflow, op: NexusOperationState, outcome: CancelOutcome, nowMs: number): void {
    const ctx = this.engine.ctx;
    switch (outcome.kind) {
      case 'cancel-requested':
        return nexusCancelCompleted(ctx, workflow, op, nowMs);
      case 'retry':
        return nexusCancelAttemptFailed(
          workflow,
          op,
          outcome.failure,
          nowMs,
          nextNexusRetryDelayMs(op.cancel?.attempt ?? 1, this.settings.retryInitialIntervalMs),
        );
      case 'fail':
        return nexusCancelFailed(ctx, workflow, op, outcome.failure, nowMs);
    }
  }
}

/** Whether the task's attempt is still the one the operation waits for. */
function isAttemptCurrent(workflow: Workflow, op: NexusOperationState, kind: Kind, attempt: number): boolean {
  if (kind === 'start')
    return isRunning(workflow.state) && op.status === NexusOperationStatus.Scheduled && op.attempt === attempt;
  return op.cancel?.status === NexusCancelStatus.Scheduled && op.cancel.attempt === attempt;
}
