// Goal: the official TypeScript SDK runs workflows with activities, timers, signals, queries, updates,
// children and continue-as-new against Causeway. Setup: one in-process server, a worker per test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

describe('workflows with the TypeScript SDK', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('a workflow runs an activity and returns its result', async () => {
    const result = await env.withWorker((taskQueue) =>
      env.client.workflow.execute('greeting', { taskQueue, workflowId: uniqueId(), args: ['Causeway'] }),
    );
    assert.equal(result, 'Hello, Causeway!');
  });

  test('a timer fires', async () => {
    const result = await env.withWorker((taskQueue) =>
      env.client.workflow.execute('sleeper', { taskQueue, workflowId: uniqueId(), args: [100] }),
    );
    assert.equal(result, 'woke');
  });

  test('signals, queries and updates reach the workflow', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId() });
      await handle.signal('add', 2);
      await handle.signal('add', 3);
      assert.equal(await handle.query('total'), 5);
      assert.equal(await handle.executeUpdate('increment', { args: [10] }), 15);
      const rejected = await handle.executeUpdate('increment', { args: [5000] }).catch((e: unknown) => e);
      assert.ok(rejected instanceof WorkflowUpdateFailedError);
      assert.match(String((rejected.cause as Error).message), /too big/);
      await handle.signal('done');
      assert.equal(await handle.result(), 15);
    });
  });

  test('a child workflow returns to its parent', async () => {
    const result = await env.withWorker((taskQueue) =>
      env.client.workflow.execute('parent', { taskQueue, workflowId: uniqueId(), args: ['kid'] }),
    );
    assert.equal(result, 'parent got: Hello, kid!');
  });

  test('continue-as-new runs to the last iteration', async () => {
    const result = await env.withWorker((taskQueue) =>
      env.client.workflow.execute('looping', { taskQueue, workflowId: uniqueId(), args: [0, 3] }),
    );
    assert.equal(result, 3);
  });

  test('a failing workflow surfaces WorkflowFailedError with the cause', async () => {
    await env.withWorker(async (taskQueue) => {
      const error = await env.client.workflow
        .execute('failing', { taskQueue, workflowId: uniqueId(), args: ['kaput'] })
        .catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(String((error.cause as Error).message), /kaput/);
    });
  });
});
