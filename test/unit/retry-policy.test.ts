// Goal: activity and workflow retry decisions follow the Temporal server's rules: defaults, backoff with
// cap, maximum attempts, non-retryable types, and expiration. Setup: pure functions; no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRetry, normalizeRetryPolicy, RetryState } from '../../src/engine/retry-policy';
import { long } from '../../src/common/proto';

test('defaults: 1 s initial interval, coefficient 2, maximum 100 x initial, unlimited attempts', () => {
  const policy = normalizeRetryPolicy(null, 'RetryPolicy');
  assert.deepEqual(policy, {
    initialIntervalMs: 1000,
    backoffCoefficient: 2,
    maximumIntervalMs: 100_000,
    maximumAttempts: 0,
    nonRetryableErrorTypes: [],
  });
});

test('invalid policies are rejected with INVALID_ARGUMENT messages', () => {
  assert.throws(
    () => normalizeRetryPolicy({ backoffCoefficient: 0.5 }, 'RetryPolicy'),
    /BackoffCoefficient cannot be less than 1/,
  );
  assert.throws(
    () => normalizeRetryPolicy({ maximumAttempts: -1 }, 'RetryPolicy'),
    /MaximumAttempts cannot be negative/,
  );
});

test('backoff grows by the coefficient, is capped, and stops at maximum attempts or expiration', () => {
  const policy = normalizeRetryPolicy({ maximumAttempts: 4 }, 'RetryPolicy');
  const delay = (attempt: number): number | undefined => {
    const decision = decideRetry({ policy, attempt, nowMs: 0, expirationMs: 0 });
    return decision.retry ? decision.delayMs : undefined;
  };
  assert.deepEqual([1, 2, 3].map(delay), [1000, 2000, 4000]);
  assert.deepEqual(decideRetry({ policy, attempt: 4, nowMs: 0, expirationMs: 0 }), {
    retry: false,
    retryState: RetryState.MaximumAttemptsReached,
  });
  const capped = normalizeRetryPolicy({ maximumInterval: { seconds: long(3) } }, 'RetryPolicy');
  const late = decideRetry({ policy: capped, attempt: 10, nowMs: 0, expirationMs: 0 });
  assert.deepEqual(late, { retry: true, delayMs: 3000 });
  assert.deepEqual(decideRetry({ policy, attempt: 1, nowMs: 0, expirationMs: 500 }), {
    retry: false,
    retryState: RetryState.Timeout,
  });
});

test('non-retryable failures and error types are never retried', () => {
  const policy = normalizeRetryPolicy({ nonRetryableErrorTypes: ['Fatal'] }, 'RetryPolicy');
  assert.deepEqual(decideRetry({ policy, attempt: 1, nowMs: 0, expirationMs: 0, errorType: 'Fatal' }), {
    retry: false,
    retryState: RetryState.NonRetryableFailure,
  });
  assert.deepEqual(decideRetry({ policy, attempt: 1, nowMs: 0, expirationMs: 0, isNonRetryable: true }), {
    retry: false,
    retryState: RetryState.NonRetryableFailure,
  });
});
