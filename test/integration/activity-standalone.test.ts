// Goal: standalone activities (started by a client, not a workflow) with the official TypeScript SDK's
// client.activity against Causeway: an activity runs on a worker and returns its result, and the worker
// sees it belongs to no workflow; retries follow the policy; a non-retryable failure fails it;
// describe shows its state; a start delay holds the first attempt back; a duplicate id is ActivityExecutionAlreadyStartedError and USE_EXISTING
// joins the running one; a cancel reaches the worker through its heartbeat and ends the activity
// CANCELED; a terminate closes it at once; completion by id completes it; a schedule-to-close timeout
// times it out; list and count find activities by type, id and status (GROUP BY ExecutionStatus) and
// no workflow is among them, nor they among workflows; bad input gets the Temporal server's errors.
// Setup: one Causeway, a worker per test on its own task queue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as grpcStatus } from '@grpc/grpc-js';
import Long from 'long';
import {
  ActivityExecutionAlreadyStartedError,
  ActivityExecutionFailedError,
  ActivityNotFoundError,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';

describe('standalone activities with the TypeScript SDK', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  const activity = () => env.client.activity;

  test('an activity returns its result, retries by its policy, and describe shows it closed', async () => {
    await env.withWorker(async (taskQueue) => {
      const greeting = await activity().execute('greet', {
        id: uniqueId('greet'),
        taskQueue,
        args: ['standalone'],
        startToCloseTimeout: '10s',
      });
      assert.equal(greeting, 'Hello, standalone!');

      const here = await activity().start('whereAmI', { id: uniqueId('where'), taskQueue, startToCloseTimeout: '10s' });
      assert.deepEqual(await here.result(), { inWorkflow: false, activityRunId: here.runId });

      const flaky = await activity().start('flaky', {
        id: uniqueId('flaky'),
        taskQueue,
        args: [uniqueId('key'), 3],
        startToCloseTimeout: '10s',
        retry: { initialInterval: '50ms', backoffCoefficient: 1 },
      });
      assert.equal(await flaky.result(), 3);
      const described = await flaky.describe({ includeOutcome: true, includeInput: true });
      assert.equal(described.status, 'COMPLETED');
      assert.equal(described.activityType, 'flaky');
      assert.equal(described.taskQueue, taskQueue);
      assert.equal(described.attempt, 3);
      assert.equal(described.activityRunId, flaky.runId);
      assert.equal(described.startToCloseTimeoutMs, 10_000);
      assert.equal(described.retryPolicy.initialInterval, 50);
      assert.ok(described.closeTime && described.lastAttemptCompleteTime && described.lastStartedTime);
      assert.ok(described.lastWorkerIdentity, 'the worker that completed it');
      assert.equal(await described.getResult(), 3);
      assert.equal((await described.getInput())?.[1], 3);
      // The raw answer also names the worker's SDK (its client-name header) and carries a long poll token.
      const raw = await env.client.workflowService.describeActivityExecution({
        namespace: 'default',
        activityId: flaky.activityId,
      });
      assert.equal(raw.info?.sdkName, 'temporal-typescript');
      assert.ok(raw.info?.sdkVersion, 'the SDK version');
      assert.ok(Number(raw.info?.stateSizeBytes) > 0, 'the state size');
      assert.ok(raw.longPollToken?.length, 'a long poll token');
    });
  });

  test('a non-retryable failure fails the activity with the worker failure as cause', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await activity().start('failNonRetryable', {
        id: uniqueId('fail'),
        taskQueue,
        args: ['bad order'],
        startToCloseTimeout: '10s',
      });
      await assert.rejects(handle.result(), (error: unknown) => {
        assert.ok(error instanceof ActivityExecutionFailedError);
        assert.ok(error.cause instanceof ApplicationFailure);
        assert.equal(error.cause.type, 'BadInput');
        assert.equal(error.cause.message, 'bad order');
        return true;
      });
      assert.equal((await handle.describe()).status, 'FAILED');
    });
  });

  test('a duplicate id is refused, USE_EXISTING joins, and a cancel ends it CANCELED through the worker', async () => {
    await env.withWorker(async (taskQueue) => {
      const id = uniqueId('beat');
      const options = { id, taskQueue, startToCloseTimeout: '1m', heartbeatTimeout: '1s' } as const;
      const first = await activity().start('heartbeatUntilCancelled', options);
      await assert.rejects(
        activity().start('heartbeatUntilCancelled', options),
        (error: unknown) => error instanceof ActivityExecutionAlreadyStartedError && error.runId === first.runId,
      );
      const joined = await activity().start('heartbeatUntilCancelled', {
        ...options,
        idConflictPolicy: 'USE_EXISTING',
      });
      assert.equal(joined.runId, first.runId);
      await eventually(async () => ((await first.describe()).totalHeartbeatCount ?? 0) > 0 || undefined);
      assert.equal((await first.describe()).runState, 'STARTED');
      await first.cancel('no longer needed');
      await assert.rejects(first.result(), (error: unknown) => {
        assert.ok(error instanceof ActivityExecutionFailedError);
        assert.ok(error.cause instanceof CancelledFailure, String(error.cause));
        return true;
      });
      const described = await first.describe();
      assert.equal(described.status, 'CANCELED');
      assert.equal(described.canceledReason, 'no longer needed');
      // A second cancel of a closed activity is the Temporal server's FAILED_PRECONDITION.
      await assert.rejects(
        env.client.workflowService.requestCancelActivityExecution({ namespace: 'default', activityId: id }),
        (error: { code?: number; details?: string }) =>
          error.code === grpcStatus.FAILED_PRECONDITION &&
          /activity is in terminal state Canceled/.test(error.details ?? ''),
      );
    });
  });

  test('an activity no worker takes: a cancel ends it at once, a terminate closes it, a timeout times it out', async () => {
    const taskQueue = uniqueId('nobody');
    const canceled = await activity().start('greet', { id: uniqueId('c'), taskQueue, startToCloseTimeout: '1m' });
    await canceled.cancel('changed my mind');
    await assert.rejects(
      canceled.result(),
      (e: unknown) => e instanceof ActivityExecutionFailedError && e.cause instanceof CancelledFailure,
    );

    const terminated = await activity().start('greet', { id: uniqueId('t'), taskQueue, startToCloseTimeout: '1m' });
    await terminated.terminate('enough');
    await assert.rejects(terminated.result(), (e: unknown) => {
      assert.ok(e instanceof ActivityExecutionFailedError && e.cause instanceof TerminatedFailure);
      assert.equal(e.cause.message, 'enough');
      return true;
    });
    assert.equal((await terminated.describe()).status, 'TERMINATED');

    const timedOut = await activity().start('greet', {
      id: uniqueId('to'),
      taskQueue,
      scheduleToCloseTimeout: '500ms',
    });
    await assert.rejects(timedOut.result(), (e: unknown) => {
      assert.ok(e instanceof ActivityExecutionFailedError && e.cause instanceof TimeoutFailure);
      assert.equal(e.cause.timeoutType, 'SCHEDULE_TO_CLOSE');
      return true;
    });
    assert.equal((await timedOut.describe()).status, 'TIMED_OUT');
  });

  test('DeleteActivityExecution terminates a running activity and deletes it', async () => {
    const service = env.client.workflowService;
    const running = await activity().start('greet', {
      id: uniqueId('d'),
      taskQueue: uniqueId('nobody'),
      startToCloseTimeout: '1m',
    });
    const outcome = running.result().catch((e: unknown) => e);
    await service.deleteActivityExecution({ namespace: 'default', activityId: running.activityId });
    const error = await outcome;
    assert.ok(error instanceof ActivityExecutionFailedError && error.cause instanceof TerminatedFailure, String(error));
    assert.equal(error.cause.message, 'Delete activity execution');
    await eventually(
      async () => (await running.describe().catch((e: unknown) => e)) instanceof ActivityNotFoundError || undefined,
    );
    const { count } = await service.countActivityExecutions({
      namespace: 'default',
      query: `ActivityId = '${running.activityId}'`,
    });
    assert.equal(Number(count), 0, 'visibility forgets a deleted activity');
    await assert.rejects(
      service.deleteActivityExecution({ namespace: 'default', activityId: running.activityId }),
      (e: { code?: number }) => e.code === grpcStatus.NOT_FOUND,
    );
    await assert.rejects(
      service.deleteActivityExecution({ namespace: 'default', activityId: '' }),
      (e: { code?: number; details?: string }) =>
        e.code === grpcStatus.INVALID_ARGUMENT && e.details === 'activity ID is required',
    );
  });

  test('a start delay holds the first attempt back', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await activity().start('greet', {
        id: uniqueId('delayed'),
        taskQueue,
        args: ['later'],
        startToCloseTimeout: '10s',
        startDelay: '300ms',
      });
      const waiting = await handle.describe();
      assert.equal(waiting.runState, 'SCHEDULED');
      assert.equal(waiting.startDelayMs, 300);
      assert.equal(await handle.result(), 'Hello, later!');
      const done = await handle.describe();
      assert.ok((done.lastStartedTime?.getTime() ?? 0) - (done.scheduleTime?.getTime() ?? 0) >= 300);
    });
  });

  test('completion by id completes an activity its worker left to someone else', async () => {
    await env.withWorker(async (taskQueue) => {
      const id = uniqueId('async');
      const handle = await activity().start('completeAsync', { id, taskQueue, startToCloseTimeout: '1m' });
      await eventually(async () => (await handle.describe()).runState === 'STARTED' || undefined);
      await activity().complete({ activityId: id }, 'done by hand');
      assert.equal(await handle.result(), 'done by hand');
    });
  });

  test('list and count see activities by type, id and status; workflows and activities stay apart', async () => {
    const activityType = `typed${uniqueId('').replace(/-/g, '')}`;
    const ids: string[] = [];
    await env.withWorker(async (taskQueue) => {
      await env.client.workflow.execute('greeting', { taskQueue, workflowId: uniqueId('wf'), args: ['list'] });
      for (let i = 0; i < 3; i += 1) {
        const id = uniqueId('listed');
        ids.push(id);
        await activity().start(activityType, { id, taskQueue: uniqueId('idle'), startToCloseTimeout: '1m' });
      }
    });
    await activity().getHandle(ids[0]!).terminate('one closed');
    const listed: string[] = [];
    for await (const info of activity().list(`ActivityType = "${activityType}"`)) listed.push(info.activityId);
    assert.deepEqual(listed.sort(), [...ids].sort());
    const one: string[] = [];
    for await (const info of activity().list(`ActivityId = "${ids[1]}"`)) one.push(info.activityId);
    assert.deepEqual(one, [ids[1]]);
    const counted = await activity().count(`ActivityType = "${activityType}" GROUP BY ExecutionStatus`);
    assert.equal(counted.count, 3);
    const groups = Object.fromEntries((counted.groups ?? []).map((g) => [String(g.groupValues?.[0]), g.count]));
    assert.deepEqual(groups, { Running: 2, Terminated: 1 });
    for await (const info of env.client.workflow.list({ query: `WorkflowType = "${activityType}"` }))
      assert.fail(`an activity listed as a workflow: ${info.workflowId}`);
    for await (const info of activity().list('ActivityType = "greeting"'))
      assert.fail(`a workflow listed: ${info.activityId}`);
    for (const id of ids.slice(1)) await activity().getHandle(id).terminate('done');
  });

  test('bad input gets the Temporal server errors', async () => {
    const service = env.client.workflowService;
    const base = {
      namespace: 'default',
      activityId: uniqueId('bad'),
      activityType: { name: 'greet' },
      taskQueue: { name: 'q' },
      startToCloseTimeout: { seconds: Long.fromNumber(10) },
    };
    const invalid = async (request: object, message: RegExp) =>
      assert.rejects(
        service.startActivityExecution({ ...base, ...request }),
        (error: { code?: number; details?: string }) =>
          error.code === grpcStatus.INVALID_ARGUMENT && message.test(error.details ?? ''),
      );
    await invalid({ startToCloseTimeout: null }, /a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set/);
    await invalid({ activityId: '' }, /activityId is not set/);
    await invalid({ activityType: { name: '' } }, /activityType is not set/);
    await invalid({ taskQueue: { name: '/_sys/q' } }, /reserved prefix/);
    await invalid({ retryPolicy: { backoffCoefficient: 0.5 } }, /BackoffCoefficient cannot be less than 1/);
    await assert.rejects(activity().getHandle(uniqueId('missing')).describe(), ActivityNotFoundError);
    await assert.rejects(
      service.describeActivityExecution({ namespace: 'default', activityId: 'a', longPollToken: Buffer.from('t') }),
      (error: { code?: number; details?: string }) =>
        error.code === grpcStatus.INVALID_ARGUMENT &&
        error.details === 'run id is required when long poll token is provided',
    );
  });
});
