// Goal: eager workflow start and eager activity dispatch, as the Temporal server offers them to the
// official TypeScript SDK. A client sharing a worker's NativeConnection that asks for an eager start gets
// the first workflow task in the start response (handle.eagerlyStarted; the history's started event says
// eagerExecutionAccepted), a delayed start does not; activities a workflow task asks to run eagerly run on
// the worker that completed it, not on another worker of the queue. Setup: one in-process server; the
// eager-activity case has two workers on one task queue, one with workflows and one with activities only
// (as the SDK's own "Worker requests Eager Activity Dispatch if possible" test).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startTestEnv, uniqueId, workflowBundle, type TestEnv } from '../helpers/test-env';

describe('eager start and dispatch', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env.stop();
  });

  test('a start that asks for it gets its first workflow task in the response', async () => {
    const client = new Client({ connection: env.nativeConnection, namespace: 'default' });
    await env.withWorker(async (taskQueue) => {
      const handle = await client.workflow.start('greeting', {
        args: ['eager'],
        workflowId: uniqueId('eager'),
        taskQueue,
        requestEagerStart: true,
        workflowTaskTimeout: '1h', // a task lost on its way to the worker would hang the test
      });
      assert.equal(handle.eagerlyStarted, true);
      assert.equal(await handle.result(), 'Hello, eager!');
      const { events } = await handle.fetchHistory();
      assert.equal(events?.[0]?.workflowExecutionStartedEventAttributes?.eagerExecutionAccepted, true);
      assert.equal(Number(events?.[2]?.eventId), 3);
      assert.ok(events?.[2]?.workflowTaskStartedEventAttributes, 'the third event is the started task');
    });
  });

  test('a delayed start is not eager', async () => {
    const client = new Client({ connection: env.nativeConnection, namespace: 'default' });
    const handle = await client.workflow.start('greeting', {
      args: ['later'],
      workflowId: uniqueId('eager-delayed'),
      taskQueue: uniqueId('nobody'),
      requestEagerStart: true,
      startDelay: '1h',
    });
    assert.equal(handle.eagerlyStarted, false);
    const { events } = await handle.fetchHistory();
    assert.equal(events?.[0]?.workflowExecutionStartedEventAttributes?.eagerExecutionAccepted, false);
    await handle.terminate();
  });

  test('activities asked for eagerly run on the worker that completed the workflow task', async () => {
    const taskQueue = uniqueId('eager-activities');
    const activityOnly = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: { whichWorker: () => Promise.resolve('activity-only-worker') },
    });
    const ownConnection = await NativeConnection.connect({ address: env.server.address });
    try {
      const workflowWorker = await Worker.create({
        connection: ownConnection,
        namespace: 'default',
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: { whichWorker: () => Promise.resolve('workflow-worker') },
      });
      const handle = await env.client.workflow.start('eagerActivities', { taskQueue, workflowId: uniqueId('eager') });
      await activityOnly.runUntil(workflowWorker.runUntil(handle.result()));
      const { events } = await handle.fetchHistory();
      const started = (events ?? []).filter((event) => event.activityTaskStartedEventAttributes);
      assert.equal(started.length, 30);
      assert.ok(started.every((event) => event.activityTaskStartedEventAttributes?.attempt === 1));
      assert.ok(!(events ?? []).some((event) => event.activityTaskTimedOutEventAttributes));
    } finally {
      await ownConnection.close();
    }
  });
});
