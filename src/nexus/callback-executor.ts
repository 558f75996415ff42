// Executes completion callback deliveries (outbox task `callback`): reads the attempt from the closed
// handler run, delivers it (to a caller run of this server for `temporal://system`, by HTTP POST for an
// http(s) URL), and reports the result, which moves the callback's state machine (engine/callbacks.ts)
// and deletes the task in one transaction. A failed attempt backs off exponentially (the
// `callback.retryPolicy` dynamic config); a non-retryable one fails the callback. With tracing on, each
// delivery attempt is a span (nexus-tracing.ts). Each attempt is counted and timed as the Temporal
// server's callback_outbound_requests and callback_outbound_latency (namespace, destination, outcome).
import type { Clock } from '../common/clock';
import type { Metrics } from '../common/metrics';
import { NO_TRACING, withTraceContext, type TraceContext, type Tracing } from '../common/tracing';
import type { HistoryEngine } from '../engine/history-engine';
import { RELEASED, TaskKind, type QueuedTask, type TaskOutcome } from '../engine/outbox';
import {
  readCallbackAttempt,
  recordCallbackResult,
  type CallbackAttempt,
  type CallbackResult,
} from '../engine/callbacks';
import {
  CALLBACK_TOKEN_HEADER,
  OPERATION_TOKEN_HEADER,
  SYSTEM_CALLBACK_URL,
  applyCompletion,
  decodeCallbackToken,
  headerValue,
} from '../engine/nexus-completion';
import { handlerErrorFailure } from './handler-outcome';
import { nextNexusRetryDelayMs } from './retry';
import { endOutcomeSpan, startCallbackSpan } from './nexus-tracing';
import type { DestinationLimiter } from './destination-limiter';
import {
  completionDelivery,
  isHttpCallbackUrl,
  postCompletion,
  type CallbackSenderSettings,
} from './http/http-callback';
import type { FetchFunction } from './http/nexus-http-client';

export class CallbackExecutor {
  constructor(
    private readonly engine: HistoryEngine,
    private readonly clock: Clock,
    private readonly destinations: DestinationLimiter,
    private readonly settings: CallbackSenderSettings,
    private readonly fetch: FetchFunction = globalThis.fetch,
    private readonly tracing: Tracing = NO_TRACING,
    private readonly metrics?: Metrics,
  ) {}

  register(): void {
    this.engine.executors[TaskKind.Callback] = (queued) => this.execute(queued);
  }

  private async execute(queued: QueuedTask): Promise<TaskOutcome> {
    const task = queued.task;
    if (task.kind !== TaskKind.Callback) throw new Error(`not a callback task: ${task.kind}`);
    const attempt = await readCallbackAttempt(this.engine, queued, task.callbackId, task.attempt);
    if (!attempt) return RELEASED;
    const admission = await this.destinations.acquire(
      queued.key.namespaceId,
      destinationOf(attempt.callback.nexus?.url ?? ''),
    );
    if (admission.kind === 'defer') return admission;
    const startedMs = this.clock.nowMs();
    const result = await (
      this.tracing.isEnabled
        ? this.tracedDelivery(attempt, task.attempt)
        : this.deliver(attempt, task.attempt, undefined)
    ).finally(() => admission.release());
    this.record(attempt, result, startedMs);
    await recordCallbackResult(this.engine, queued, task.callbackId, task.attempt, result);
    return RELEASED;
  }

  private record(attempt: CallbackAttempt, result: CallbackResult, startedMs: number): void {
    if (!this.metrics) return;
    const labels = {
      namespace: attempt.handlerNamespace,
      destination: destinationOf(attempt.callback.nexus?.url ?? ''),
      outcome: outcomeLabel(result),
    };
    this.metrics.count('callback_outbound_requests', 'Completion callback deliveries attempted.', labels);
    this.metrics.observe(
      'callback_outbound_latency',
      'Latency of completion callback deliveries in seconds.',
      labels,
      Math.max(0, this.clock.nowMs() - startedMs) / 1000,
    );
  }

  /** A delivery in a span of its own (nexus-tracing.ts); an HTTP delivery carries its context. */
  private async tracedDelivery(attempt: CallbackAttempt, attemptsSoFar: number): Promise<CallbackResult> {
    const url = attempt.callback.nexus?.url ?? '';
    const span = startCallbackSpan(this.tracing, {
      handlerNamespace: attempt.handlerNamespace,
      workflowId: attempt.handler.workflowId,
      runId: attempt.handler.runId,
      attempt: attemptsSoFar,
      target: url === SYSTEM_CALLBACK_URL ? 'system' : 'http',
      startHeader: attempt.startHeader,
      callbackHeader: attempt.callback.nexus?.header,
    });
    try {
      const result = await this.deliver(attempt, attemptsSoFar, span.context());
      endOutcomeSpan(span, result.kind, result.kind === 'succeeded' ? undefined : result.failure);
      return result;
    } catch (error) {
      endOutcomeSpan(span, 'error', { message: String(error) });
      throw error;
    }
  }

  private async deliver(
    attempt: CallbackAttempt,
    attemptsSoFar: number,
    traceContext: TraceContext | undefined,
  ): Promise<CallbackResult> {
    const url = attempt.callback.nexus?.url ?? '';
    if (url === SYSTEM_CALLBACK_URL) return this.deliverToCaller(attempt);
    if (!isHttpCallbackUrl(url)) {
      return { kind: 'failed', failure: handlerErrorFailure('BAD_REQUEST', `unsupported callback URL: "${url}"`) };
    }
    const delivery = completionDelivery(attempt);
    const posted = await postCompletion(
      traceContext ? { ...delivery, headers: withTraceContext(delivery.headers, traceContext) } : delivery,
      this.settings,
      this.clock,
      this.fetch,
    );
    switch (posted.kind) {
      case 'delivered':
        return { kind: 'succeeded' };
      case 'give-up':
        return { kind: 'failed', failure: posted.failure };
      case 'retry':
        return {
          kind: 'retry',
          failure: posted.failure,
          retryDelayMs: Math.min(
            nextNexusRetryDelayMs(attemptsSoFar + 1, this.settings.initialIntervalMs),
            this.settings.maxIntervalMs,
          ),
        };
    }
  }

  /** `temporal://system`: the token names a caller operation of this server. */
  private async deliverToCaller(attempt: CallbackAttempt): Promise<CallbackResult> {
    const header = attempt.callback.nexus?.header;
    const token = decodeCallbackToken(headerValue(header, CALLBACK_TOKEN_HEADER) ?? '');
    if (!token) return { kind: 'failed', failure: handlerErrorFailure('BAD_REQUEST', 'invalid callback token') };
    const isApplied = await applyCompletion(this.engine, token, attempt.outcome, {
      operationToken: headerValue(header, OPERATION_TOKEN_HEADER) ?? '',
      startTimeMs: attempt.startTimeMs,
      links: [attempt.link],
    });
    if (isApplied) return { kind: 'succeeded' };
    return { kind: 'failed', failure: handlerErrorFailure('NOT_FOUND', 'operation not found or already completed') };
  }
}

/** Where a callback goes, as a metric label: the scheme and host of an HTTP URL, or `temporal://system`. */
function destinationOf(url: string): string {
  if (url === SYSTEM_CALLBACK_URL) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'invalid';
  }
}

/** The Temporal server's outcome label: `success`, `handler-error:<TYPE>` or `unknown-error`. */
function outcomeLabel(result: CallbackResult): string {
  if (result.kind === 'succeeded') return 'success';
  const type = result.failure.nexusHandlerFailureInfo?.type;
  return type ? `handler-error:${type}` : 'unknown-error';
}
