// Retry schedule of Nexus start and cancel attempts: exponential from 1 s, doubling, capped at 1 h, no
// expiry of its own (the operation's timeouts bound it).
export const NEXUS_RETRY_INITIAL_INTERVAL_MS = 1000;
export const NEXUS_RETRY_BACKOFF_COEFFICIENT = 2;
export const NEXUS_RETRY_MAXIMUM_INTERVAL_MS = 60 * 60 * 1000;

/** Delay before the next attempt, after `failedAttempt` (1-based) failed. */
export function nextNexusRetryDelayMs(
  failedAttempt: number,
  initialIntervalMs = NEXUS_RETRY_INITIAL_INTERVAL_MS,
): number {
  const delay = initialIntervalMs * Math.pow(NEXUS_RETRY_BACKOFF_COEFFICIENT, Math.max(0, failedAttempt - 1));
  return Math.min(delay, NEXUS_RETRY_MAXIMUM_INTERVAL_MS);
}
