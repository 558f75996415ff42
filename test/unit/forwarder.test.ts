// Goal: the forwarder keeps at most CLIENTS_MAX clients (one per member address, the least recently used
// closed first), passes a member's failure on with its status, and once closed refuses to forward with
// UNAVAILABLE (the SDK retries that, on another process). Setup: addresses on loopback ports nothing
// listens on, so every call fails at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { CLIENTS_MAX, ForwardError, Forwarder } from '../../src/api/forwarding/forwarder';

function forwardTo(forwarder: Forwarder, port: number): Promise<unknown> {
  return forwarder
    .forward({
      address: `127.0.0.1:${port}`,
      path: '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
      request: new Uint8Array(),
      metadata: new grpc.Metadata(),
      deadline: Date.now() + 2000,
      signal: new AbortController().signal,
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

test('at most CLIENTS_MAX clients; failures keep their status; a closed forwarder answers UNAVAILABLE', async () => {
  const forwarder = new Forwarder('me');
  try {
    const errors = await Promise.all(
      Array.from({ length: CLIENTS_MAX + 6 }, (_, index) => forwardTo(forwarder, 9 + index)),
    );
    assert.equal(forwarder.clientCount, CLIENTS_MAX);
    for (const error of errors) {
      assert.ok(error instanceof ForwardError);
      assert.equal(error.status.code, grpc.status.UNAVAILABLE, 'nobody listens: UNAVAILABLE, as from grpc-js');
    }
  } finally {
    forwarder.close();
  }
  const refused = await forwardTo(forwarder, 9);
  assert.ok(refused instanceof ForwardError);
  assert.equal(refused.status.code, grpc.status.UNAVAILABLE);
  assert.match(refused.status.details, /stopping/);
  assert.equal(forwarder.clientCount, 0);
});
