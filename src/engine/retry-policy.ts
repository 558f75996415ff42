// Retry policies: defaults as the Temporal server applies them, and the one backoff rule for activity
// and workflow retries.
import type { RetryPolicy } from '../common/proto';
import { durationFromMs, msFromDuration } from '../common/time';
import { invalidArgument } from '../common/errors';
import type { RetryPolicyState } from './mutable-state';

export const DEFAULT_INITIAL_INTERVAL_MS = 1000;
export const DEFAULT_BACKOFF_COEFFICIENT = 2;
export const DEFAULT_MAXIMUM_INTERVAL_FACTOR = 100;

/** temporal.api.enums.v1.RetryState */
export const RetryState = {
  InProgress: 1,
  NonRetryableFailure: 2,
  Timeout: 3,
  MaximumAttemptsReached: 4,
  RetryPolicyNotSet: 5,
  CancelRequested: 7,
} as const;
export type RetryState = (typeof RetryState)[keyof typeof RetryState];

export function normalizeRetryPolicy(policy: RetryPolicy | null | undefined, field: string): RetryPolicyState {
  const initialIntervalMs = msFromDuration(policy?.initialInterval) || DEFAULT_INITIAL_INTERVAL_MS;
  const backoffCoefficient = policy?.backoffCoefficient || DEFAULT_BACKOFF_COEFFICIENT;
  const maximumIntervalMs =
    msFromDuration(policy?.maximumInterval) || initialIntervalMs * DEFAULT_MAXIMUM_INTERVAL_FACTOR;
  const maximumAttempts = policy?.maximumAttempts ?? 0;
  if (backoffCoefficient < 1) throw invalidArgument(`${field}: BackoffCoefficient cannot be less than 1.`);
  if (maximumAttempts < 0) throw invalidArgument(`${field}: MaximumAttempts cannot be negative.`);
  if (maximumIntervalMs < initialIntervalMs) {
    throw invalidArgument(`${field}: MaximumInterval cannot be less than InitialInterval.`);
  }
  return {
    initialIntervalMs,
    backoffCoefficient,
    maximumIntervalMs,
    maximumAttempts,
    nonRetryableErrorTypes: [...(policy?.nonRetryableErrorTypes ?? [])],
  };
}

export function retryPolicyToProto(policy: RetryPolicyState): RetryPolicy {
  return {
    initialInterval: durationFromMs(policy.initialIntervalMs),
    backoffCoefficient: policy.backoffCoefficient,
    maximumInterval: durationFromMs(policy.maximumIntervalMs),
    maximumAttempts: policy.maximumAttempts,
    nonRetryableErrorTypes: policy.nonRetryableErrorTypes,
  };
}

/** Whether the policy retries a failure of this kind at all (attempts and expiration aside). */
export function isRetryable(
  policy: RetryPolicyState,
  failure: { readonly errorType?: string | undefined; readonly isNonRetryable?: boolean },
): boolean {
  if (failure.isNonRetryable) return false;
  return !(failure.errorType && policy.nonRetryableErrorTypes.includes(failure.errorType));
}

export type RetryDecision =
  { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly retryState: RetryState };

/**
 * Whether attempt `attempt` (1-based, just failed) is retried and after how long. `expirationMs` is the
 * absolute deadline after which no retry may start (0 = none).
 */
export function decideRetry(params: {
  readonly policy: RetryPolicyState;
  readonly attempt: number;
  readonly nowMs: number;
  readonly expirationMs: number;
  readonly errorType?: string | undefined;
  readonly isNonRetryable?: boolean;
}): RetryDecision {
  const { policy, attempt } = params;
  if (!isRetryable(policy, params)) return { retry: false, retryState: RetryState.NonRetryableFailure };
  if (policy.maximumAttempts > 0 && attempt >= policy.maximumAttempts) {
    return { retry: false, retryState: RetryState.MaximumAttemptsReached };
  }
  const raw = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, attempt - 1);
  const delayMs = Math.min(raw, policy.maximumIntervalMs > 0 ? policy.maximumIntervalMs : raw);
  if (params.expirationMs > 0 && params.nowMs + delayMs >= params.expirationMs) {
    return { retry: false, retryState: RetryState.Timeout };
  }
  return { retry: true, delayMs };
}
