// Goal: update-with-start (ExecuteMultiOperation) starts the workflow when it is absent and updates the
// running one when it exists, and the update is delivered with the first workflow task.
// Setup: one in-process server and a worker running the `counter` fixture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env?.stop();
});

test('update-with-start starts an absent workflow, then updates the running one', async () => {
  await env.withWorker(async (taskQueue) => {
    const workflowId = uniqueId('uws');
    const operation = () =>
      new WithStartWorkflowOperation('counter', { workflowId, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
    const firstOperation = operation();
    assert.equal(
      await env.client.workflow.executeUpdateWithStart('increment', {
        args: [2],
        startWorkflowOperation: firstOperation,
      }),
      2,
    );
    const handle = await firstOperation.workflowHandle();
    const secondOperation = operation();
    assert.equal(
      await env.client.workflow.executeUpdateWithStart('increment', {
        args: [3],
        startWorkflowOperation: secondOperation,
      }),
      5,
    );
    const runs = await Promise.all(
      [handle, await secondOperation.workflowHandle()].map(async (h) => (await h.describe()).runId),
    );
    assert.equal(runs[1], runs[0], 'the second call used the running workflow');
    const events = (await handle.fetchHistory()).events ?? [];
    assert.equal(events[1]?.eventType, 5, 'the update rides on the first workflow task');
    assert.equal(
      events.filter((e: { eventType?: number | null }) => e.eventType === 41).length,
      2,
      'two updates accepted',
    );
    await handle.signal('done');
    assert.equal(await handle.result(), 5);
  });
});
