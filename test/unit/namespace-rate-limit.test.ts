// Goal: the request rate limit per namespace on an injected time: a burst of rps x burstRatio, then rps a
// second; visibility calls and calls without a namespace outside it; the namespace map bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NamespaceRateLimiter } from '../../src/api/namespace-rate-limit';
import { ErrorCode, ServiceError } from '../../src/common/errors';

function isRefused(error: unknown): boolean {
  return error instanceof ServiceError && error.code === ErrorCode.ResourceExhausted;
}

test('a burst of rps x burstRatio, then rps a second; other namespaces and visibility calls apart', () => {
  let nowMs = 0;
  const limiter = new NamespaceRateLimiter({ rps: 2, burstRatio: 2 }, () => nowMs);
  for (let i = 0; i < 4; i++) limiter.admit('StartWorkflowExecution', 'ns');
  assert.throws(() => limiter.admit('SignalWorkflowExecution', 'ns'), isRefused);
  limiter.admit('StartWorkflowExecution', 'other');
  limiter.admit('ListWorkflowExecutions', 'ns');
  limiter.admit('GetSystemInfo', undefined);
  nowMs += 499;
  assert.throws(() => limiter.admit('StartWorkflowExecution', 'ns'), isRefused);
  nowMs += 1;
  limiter.admit('StartWorkflowExecution', 'ns');
  assert.throws(() => limiter.admit('StartWorkflowExecution', 'ns'), isRefused);
});

test('the namespaces kept are bounded', () => {
  const limiter = new NamespaceRateLimiter({ rps: 1, burstRatio: 1 }, () => 0, 5);
  for (let i = 0; i < 20; i++) limiter.admit('DescribeNamespace', `ns-${i}`);
  assert.equal(limiter.namespaceCount, 5);
});
