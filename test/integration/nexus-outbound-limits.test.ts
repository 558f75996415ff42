// Goal: the outbound limit per destination reaches the handler: with
// history.outboundQueue.groupLimiter.concurrency at 1, operations that several callers start at once reach
// the handler one at a time (one per member in a cluster), and all of them complete.
// Setup: caller and handler namespaces, an endpoint, a handler whose sync operation counts the calls that
// run at once and takes 300 ms each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';
import { uniqueId } from '../helpers/test-env';
import { countedCalls } from '../fixtures/nexus/handler';
import { isClusterRun } from '../helpers/test-server';

const CALLERS = 4;
const MEMBERS = isClusterRun ? 2 : 1;

let env: NexusEnv;
before(async () => {
  env = await startNexusEnv({ dynamicConfig: { 'history.outboundQueue.groupLimiter.concurrency': 1 } });
});
after(async () => {
  await env?.stop();
});

test('with a concurrency of 1, an endpoint gets one request at a time and every operation completes', async () => {
  const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
  const results = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
    Promise.all(
      Array.from({ length: CALLERS }, () =>
        env.caller.workflow.execute('probeCaller', {
          taskQueue,
          workflowId: uniqueId('limited'),
          args: [endpoint, 'countedSync', 300, {}],
        }),
      ),
    ),
  );
  assert.deepEqual(results, Array(CALLERS).fill('ok: "counted"'));
  assert.equal(countedCalls.total, CALLERS);
  // The limit is per process, as the Temporal server's is per host: a cluster run has two members.
  assert.ok(countedCalls.maxInFlight <= MEMBERS, `${countedCalls.maxInFlight} at once`);
  if (MEMBERS === 1) assert.equal(countedCalls.maxInFlight, 1);
});
