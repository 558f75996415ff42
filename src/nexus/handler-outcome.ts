// Decides, in one place, what a handler's answer means: success, async start, operation failure,
// a retryable attempt failure, or a final failure; and whether it counts against the circuit breaker.
// Retryable handler error types follow the Nexus spec; an explicit retry behavior overrides the type.
import { type Failure, temporal } from '../common/proto';
import { nexusFailureToTemporal, nexusProtoFailureToJson } from './http/nexus-failure';

const RetryBehavior = temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;

export const RETRYABLE_HANDLER_ERRORS: ReadonlySet<string> = new Set([
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
  'UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'REQUEST_TIMEOUT',
]);
export const NON_RETRYABLE_HANDLER_ERRORS: ReadonlySet<string> = new Set([
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'NOT_IMPLEMENTED',
  'CONFLICT',
]);

/** What came back from one attempt at a handler (worker task or HTTP call). */
export type HandlerReply =
  | { readonly kind: 'response'; readonly response: temporal.api.nexus.v1.IResponse }
  | { readonly kind: 'handler-error'; readonly failure: Failure }
  | { readonly kind: 'timeout' };

export type StartOutcome =
  | {
      readonly kind: 'sync-success';
      readonly payload: temporal.api.common.v1.IPayload | null;
      readonly links: temporal.api.nexus.v1.ILink[];
    }
  | { readonly kind: 'async-started'; readonly operationToken: string; readonly links: temporal.api.nexus.v1.ILink[] }
  | { readonly kind: 'operation-failed'; readonly state: 'failed' | 'canceled'; readonly failure: Failure }
  | { readonly kind: 'retry'; readonly failure: Failure }
  | { readonly kind: 'fail'; readonly failure: Failure };

export type CancelOutcome =
  | { readonly kind: 'cancel-requested' }
  | { readonly kind: 'retry'; readonly failure: Failure }
  | { readonly kind: 'fail'; readonly failure: Failure };

export function handlerErrorFailure(type: string, message: string, retryBehavior = 0): Failure {
  return { message, nexusHandlerFailureInfo: { type, retryBehavior } };
}

export function isRetryableHandlerFailure(failure: Failure): boolean {
  const info = failure.nexusHandlerFailureInfo;
  if (!info) return true;
  if (info.retryBehavior === RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE) return true;
  if (info.retryBehavior === RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE) return false;
  return !NON_RETRYABLE_HANDLER_ERRORS.has(info.type ?? '');
}

/**
 * A handler failure as the Temporal server records it: it travels as a Nexus failure, which carries a
 * handler failure's message, stack trace, type, retry behavior, attributes and cause, but not the
 * `source` (SDK name) the worker set, so the server (1.32) drops it.
 */
export function asNexusHandlerFailure(failure: Failure): Failure {
  if (!failure.nexusHandlerFailureInfo) return failure;
  const copy: Failure = { ...failure, ...(failure.cause ? { cause: asNexusHandlerFailure(failure.cause) } : {}) };
  delete copy.source;
  return copy;
}

const TIMEOUT_FAILURE = handlerErrorFailure('UPSTREAM_TIMEOUT', 'upstream timeout: the handler did not answer in time');

export function classifyStartReply(reply: HandlerReply): StartOutcome {
  if (reply.kind === 'timeout') return { kind: 'retry', failure: TIMEOUT_FAILURE };
  if (reply.kind === 'handler-error') {
    const failure = asNexusHandlerFailure(reply.failure);
    return isRetryableHandlerFailure(failure) ? { kind: 'retry', failure } : { kind: 'fail', failure };
  }
  const start = reply.response.startOperation;
  if (start?.syncSuccess)
    return { kind: 'sync-success', payload: start.syncSuccess.payload ?? null, links: start.syncSuccess.links ?? [] };
  if (start?.asyncSuccess) {
    const token = start.asyncSuccess.operationToken || start.asyncSuccess.operationId || '';
    if (!token) return { kind: 'fail', failure: handlerErrorFailure('BAD_REQUEST', 'invalid operation token: empty') };
    return { kind: 'async-started', operationToken: token, links: start.asyncSuccess.links ?? [] };
  }
  if (start?.failure) {
    return {
      kind: 'operation-failed',
      state: start.failure.canceledFailureInfo ? 'canceled' : 'failed',
      failure: start.failure,
    };
  }
  if (start?.operationError) {
    const state = start.operationError.operationState === 'canceled' ? 'canceled' : 'failed';
    return { kind: 'operation-failed', state, failure: legacyOperationFailure(state, start.operationError.failure) };
  }
  return { kind: 'fail', failure: handlerErrorFailure('INTERNAL', 'the handler returned an empty start response') };
}

/**
 * The cause an operation error in the older format stands for, as the Temporal server reads it: the
 * worker's failure converted whole (an ApplicationError keeps its type, details and cause), or the cause
 * it wraps when it says `unwrap-error`; a canceled operation's cause is a CanceledFailure.
 */
function legacyOperationFailure(
  state: 'failed' | 'canceled',
  failure: temporal.api.nexus.v1.IFailure | null | undefined,
): Failure {
  const original = nexusProtoFailureToJson(failure);
  const source = original.metadata?.['unwrap-error'] === 'true' && original.cause ? original.cause : original;
  let cause: Failure;
  try {
    cause = nexusFailureToTemporal(source);
  } catch {
    cause = { message: original.message ?? 'operation failed', applicationFailureInfo: {} };
  }
  const hasInfo = Object.keys(cause).some((key) => key.endsWith('FailureInfo'));
  if (state === 'failed' && !hasInfo) return { ...cause, applicationFailureInfo: {} };
  if (state === 'canceled' && !cause.canceledFailureInfo) {
    return {
      message: cause.message ?? '',
      stackTrace: cause.stackTrace ?? '',
      canceledFailureInfo: {},
      cause: cause.cause ?? null,
    };
  }
  return cause;
}

export function classifyCancelReply(reply: HandlerReply): CancelOutcome {
  if (reply.kind === 'timeout') return { kind: 'retry', failure: TIMEOUT_FAILURE };
  if (reply.kind === 'handler-error') {
    const failure = asNexusHandlerFailure(reply.failure);
    return isRetryableHandlerFailure(failure) ? { kind: 'retry', failure } : { kind: 'fail', failure };
  }
  return { kind: 'cancel-requested' };
}

/** Destination-down outcomes trip the breaker; operation errors and successes do not. */
export function countsAgainstBreaker(outcome: StartOutcome | CancelOutcome): boolean {
  return outcome.kind === 'retry';
}
