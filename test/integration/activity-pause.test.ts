// Goal: PauseActivity, UnpauseActivity, ResetActivity and UpdateActivityOptions of a workflow's
// activities through the official TypeScript SDK's client (and the `temporal` CLI, when installed) answer
// as the Temporal server does: a paused activity that waits for a worker is not dispatched until it is
// unpaused, and describe shows it PAUSED with who paused it and why; a running one hears of its pause
// from its heartbeat, the SDK stops it, and its failed attempt is not retried until the unpause; a reset
// starts the attempts over (keep_paused keeps it paused); new options (timeouts, retry policy, task queue)
// show in describe and apply, restore_original brings the scheduled ones back; TemporalPauseInfo lists
// the paused types; none of it writes history events; a pause survives a SIGKILL; bad requests get the
// server's errors. Setup: one Causeway (a child process of its own for the SIGKILL); SDK workers run the
// workflows, and where a test must see that nothing is dispatched it polls the activity's task queue by
// hand with a short deadline instead of running a worker there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import Long from 'long';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, workflowBundle, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';
import { eventTypeNames, historyEvents } from '../helpers/history';
import { spawnServer } from '../helpers/server-process';
import * as activities from '../fixtures/activities';

type PendingActivity = temporal.api.workflow.v1.IPendingActivityInfo;
type WorkflowService = Client['workflowService'];

const NAMESPACE = 'default';
/** How long a hand-made poll waits to show that nothing is dispatched. */
const QUIET_POLL_MS = 1500;
const CLI_PATH = process.env.TEMPORAL_CLI ?? '/tmp/temporal-1.9.1';
const CLI_TIMEOUT_MS = 30_000;
const NOT_FOUND_ACTIVITY = "Can't find pending activity with such ID. Invalid activityID or activity already completed";

const State = temporal.api.enums.v1.PendingActivityState;
const PendingState = {
  Scheduled: State.PENDING_ACTIVITY_STATE_SCHEDULED,
  Paused: State.PENDING_ACTIVITY_STATE_PAUSED,
  PauseRequested: State.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED,
} as const;

function seconds(n: number): { seconds: Long } {
  return { seconds: Long.fromNumber(n) };
}

function msOf(time: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

async function pendingActivity(ws: WorkflowService, workflowId: string): Promise<PendingActivity | undefined> {
  const described = await ws.describeWorkflowExecution({ namespace: NAMESPACE, execution: { workflowId } });
  return described.pendingActivities?.[0];
}

async function searchAttribute(ws: WorkflowService, workflowId: string, name: string): Promise<unknown> {
  const described = await ws.describeWorkflowExecution({ namespace: NAMESPACE, execution: { workflowId } });
  const payload = described.workflowExecutionInfo?.searchAttributes?.indexedFields?.[name];
  return payload?.data ? JSON.parse(Buffer.from(payload.data).toString()) : undefined;
}

/** One hand-made poll of an activity task queue: the task, or undefined when none came within `ms`. */
async function pollOnce(
  connection: Connection,
  taskQueue: string,
  ms = QUIET_POLL_MS,
): Promise<temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse | undefined> {
  try {
    const response = await connection.withDeadline(Date.now() + ms, () =>
      connection.workflowService.pollActivityTaskQueue({
        namespace: NAMESPACE,
        taskQueue: { name: taskQueue },
        identity: 'hand-made-worker',
      }),
    );
    return response.taskToken?.length ? response : undefined;
  } catch (error) {
    if ((error as { code?: number }).code === grpcStatus.DEADLINE_EXCEEDED) return undefined;
    throw error;
  }
}

/** Asserts the call fails with this gRPC code and message. */
async function rejectsWith(call: Promise<unknown>, code: number, details: string | RegExp): Promise<void> {
  await assert.rejects(call, (error: { code?: number; details?: string }) => {
    assert.equal(error.code, code, `code of: ${error.details}`);
    if (typeof details === 'string') assert.equal(error.details, details);
    else assert.match(error.details ?? '', details);
    return true;
  });
}

describe('activity pause, unpause, reset and options with the TypeScript SDK', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  const ws = (): WorkflowService => env.client.workflowService;

  /** Starts a workflow that runs one activity (on `options.taskQueue`) and waits until it is scheduled. */
  async function startWithActivity(
    workflowTaskQueue: string,
    activity: string,
    options: Record<string, unknown>,
    args: unknown[] = [],
  ): Promise<WorkflowHandle> {
    const handle = await env.client.workflow.start('activityOutcome', {
      taskQueue: workflowTaskQueue,
      workflowId: uniqueId('pause'),
      args: [activity, options, args],
    });
    await eventually(() => pendingActivity(ws(), handle.workflowId));
    return handle;
  }

  test('a paused activity waiting for a worker is not dispatched until it is unpaused', async () => {
    await env.withWorker(async (taskQueue) => {
      const activityQueue = `${taskQueue}-activities`;
      const handle = await startWithActivity(
        taskQueue,
        'greet',
        { taskQueue: activityQueue, startToCloseTimeout: '10s' },
        ['paused'],
      );
      const execution = { workflowId: handle.workflowId };
      await ws().pauseActivity({
        namespace: NAMESPACE,
        execution,
        id: '1',
        identity: 'operator',
        reason: 'maintenance',
      });
      const paused = await pendingActivity(ws(), handle.workflowId);
      assert.equal(paused?.state, PendingState.Paused);
      assert.equal(paused?.paused, true);
      assert.equal(paused?.attempt, 1);
      assert.equal(paused?.pauseInfo?.manual?.identity, 'operator');
      assert.equal(paused?.pauseInfo?.manual?.reason, 'maintenance');
      assert.ok(msOf(paused?.pauseInfo?.pauseTime) > 0);
      assert.equal(paused?.nextAttemptScheduleTime, null);
      assert.deepEqual(await searchAttribute(ws(), handle.workflowId, 'TemporalPauseInfo'), [
        'property:activityType=greet',
      ]);
      const listed = await eventually(async () => {
        const { executions } = await ws().listWorkflowExecutions({
          namespace: NAMESPACE,
          query: `TemporalPauseInfo = 'property:activityType=greet' AND WorkflowId = '${handle.workflowId}'`,
        });
        return executions?.length === 1;
      });
      assert.ok(listed);
      assert.equal(await pollOnce(env.connection, activityQueue), undefined, 'a paused activity is not dispatched');

      await ws().unpauseActivity({ namespace: NAMESPACE, execution, id: '1' });
      assert.equal(await searchAttribute(ws(), handle.workflowId, 'TemporalPauseInfo'), undefined);
      const outcome = await env.withWorker(() => handle.result(), { taskQueue: activityQueue });
      assert.deepEqual(outcome, { result: 'Hello, paused!' });
      assert.deepEqual(eventTypeNames(await historyEvents(handle)), [
        'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
        'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
        'EVENT_TYPE_WORKFLOW_TASK_STARTED',
        'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
        'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
        'EVENT_TYPE_ACTIVITY_TASK_STARTED',
        'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
        'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
        'EVENT_TYPE_WORKFLOW_TASK_STARTED',
        'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
        'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
      ]);
    });
  });

  test('a running activity hears of its pause from its heartbeat; its failed attempt waits for the unpause', async () => {
    await env.withWorker(async (taskQueue) => {
      const activityQueue = `${taskQueue}-activities`;
      const handle = await startWithActivity(taskQueue, 'greet', {
        taskQueue: activityQueue,
        startToCloseTimeout: '1m',
        heartbeatTimeout: '30s',
        retry: { initialInterval: '100ms', maximumAttempts: 3 },
      });
      const execution = { workflowId: handle.workflowId };
      const first = await pollOnce(env.connection, activityQueue, 5000);
      assert.equal(first?.attempt, 1);
      const heartbeat = () => ws().recordActivityTaskHeartbeat({ namespace: NAMESPACE, taskToken: first?.taskToken });
      assert.equal((await heartbeat()).activityPaused, false);
      await ws().pauseActivity({ namespace: NAMESPACE, execution, id: '1' });
      assert.equal((await pendingActivity(ws(), handle.workflowId))?.state, PendingState.PauseRequested);
      assert.equal((await heartbeat()).activityPaused, true);
      await ws().respondActivityTaskFailed({
        namespace: NAMESPACE,
        taskToken: first?.taskToken,
        failure: { message: 'stopped for the pause', applicationFailureInfo: { type: 'ActivityPause' } },
      });
      const paused = await pendingActivity(ws(), handle.workflowId);
      assert.equal(paused?.state, PendingState.Paused);
      assert.equal(paused?.attempt, 2);
      assert.equal(paused?.lastFailure?.message, 'stopped for the pause');
      assert.ok(msOf(paused?.lastAttemptCompleteTime) > 0);
      assert.equal(await pollOnce(env.connection, activityQueue), undefined, 'no retry while paused');

      await ws().unpauseActivity({ namespace: NAMESPACE, execution, id: '1' });
      const second = await pollOnce(env.connection, activityQueue, 5000);
      assert.equal(second?.attempt, 2);
      await ws().respondActivityTaskCompleted({ namespace: NAMESPACE, taskToken: second?.taskToken });
      assert.deepEqual(await handle.result(), {});
    });
  });

  test('the SDK stops a paused activity at its heartbeat, and after the unpause the next attempt runs', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await startWithActivity(taskQueue, 'heartbeatUntilStopped', {
        startToCloseTimeout: '1m',
        heartbeatTimeout: '1s',
        retry: { initialInterval: '100ms' },
      });
      await eventually(async () => (await pendingActivity(ws(), handle.workflowId))?.lastHeartbeatTime);
      await ws().pauseActivity({
        namespace: NAMESPACE,
        execution: { workflowId: handle.workflowId },
        type: 'heartbeatUntilStopped',
      });
      const paused = await eventually(async () => {
        const info = await pendingActivity(ws(), handle.workflowId);
        return info?.state === PendingState.Paused ? info : undefined;
      });
      assert.equal(paused.attempt, 2);
      assert.equal(paused.lastFailure?.message, 'Activity paused');
      assert.equal(paused.lastFailure?.applicationFailureInfo?.type, 'ActivityPause');
      await ws().unpauseActivity({
        namespace: NAMESPACE,
        execution: { workflowId: handle.workflowId },
        unpauseAll: true,
      });
      assert.deepEqual(await handle.result(), { result: 'attempt 2' });
    });
  });

  test('a reset starts the attempts over: at once when backing off, and keep_paused keeps it paused', async () => {
    await env.withWorker(async (taskQueue) => {
      const activityQueue = `${taskQueue}-activities`;
      const handle = await startWithActivity(taskQueue, 'greet', {
        taskQueue: activityQueue,
        startToCloseTimeout: '1m',
        retry: { initialInterval: '1h' },
      });
      const execution = { workflowId: handle.workflowId };
      const fail = (taskToken: Uint8Array | null | undefined) =>
        ws().respondActivityTaskFailed({
          namespace: NAMESPACE,
          taskToken,
          failure: { message: 'not yet', applicationFailureInfo: {} },
        });
      await fail((await pollOnce(env.connection, activityQueue, 5000))?.taskToken);
      const backingOff = await pendingActivity(ws(), handle.workflowId);
      assert.equal(backingOff?.attempt, 2);
      assert.equal(backingOff?.state, PendingState.Scheduled);
      assert.ok(msOf(backingOff?.nextAttemptScheduleTime) > Date.now() + 3_000_000, 'the next attempt is an hour away');
      assert.equal(Number(backingOff?.currentRetryInterval?.seconds), 3600);

      await ws().resetActivity({ namespace: NAMESPACE, execution, id: '1' });
      assert.equal((await pendingActivity(ws(), handle.workflowId))?.attempt, 1);
      const again = await pollOnce(env.connection, activityQueue, 5000);
      assert.equal(again?.attempt, 1, 'dispatched at once, at attempt 1');
      await ws().resetActivity({ namespace: NAMESPACE, execution, id: '1' });
      const heartbeat = await ws().recordActivityTaskHeartbeat({ namespace: NAMESPACE, taskToken: again?.taskToken });
      assert.equal(heartbeat.activityReset, true, 'a running attempt hears of the reset');
      await fail(again?.taskToken);
      await ws().pauseActivity({ namespace: NAMESPACE, execution, id: '1' });
      assert.equal((await pendingActivity(ws(), handle.workflowId))?.attempt, 2);
      await ws().resetActivity({ namespace: NAMESPACE, execution, matchAll: true, keepPaused: true });
      const kept = await pendingActivity(ws(), handle.workflowId);
      assert.equal(kept?.attempt, 1);
      assert.equal(kept?.state, PendingState.Paused);
      assert.equal(await pollOnce(env.connection, activityQueue), undefined);
      await ws().resetActivity({ namespace: NAMESPACE, execution, id: '1' });
      const resumed = await pollOnce(env.connection, activityQueue, 5000);
      assert.equal(resumed?.attempt, 1, 'a reset without keep_paused unpauses');
      await ws().respondActivityTaskCompleted({ namespace: NAMESPACE, taskToken: resumed?.taskToken });
      await handle.result();
    });
  });

  test('new options show in describe and apply; restore_original brings back the scheduled ones', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await startWithActivity(
        taskQueue,
        'greet',
        {
          taskQueue: `${taskQueue}-nobody`,
          startToCloseTimeout: '10s',
          retry: { initialInterval: '1s' },
        },
        ['moved'],
      );
      const execution = { workflowId: handle.workflowId };
      const updated = await ws().updateActivityOptions({
        namespace: NAMESPACE,
        execution,
        id: '1',
        activityOptions: {
          startToCloseTimeout: seconds(45),
          heartbeatTimeout: seconds(60),
          retryPolicy: { maximumAttempts: 4, backoffCoefficient: 1.5 },
        },
        updateMask: {
          paths: [
            'start_to_close_timeout',
            'heartbeat_timeout',
            'retry_policy.maximum_attempts',
            'retry_policy.backoff_coefficient',
          ],
        },
      });
      assert.equal(Number(updated.activityOptions?.startToCloseTimeout?.seconds), 45);
      assert.equal(Number(updated.activityOptions?.heartbeatTimeout?.seconds), 45, 'capped at the start-to-close');
      assert.equal(updated.activityOptions?.retryPolicy?.maximumAttempts, 4);
      const described = await pendingActivity(ws(), handle.workflowId);
      assert.equal(Number(described?.activityOptions?.startToCloseTimeout?.seconds), 45);
      assert.equal(described?.activityOptions?.retryPolicy?.backoffCoefficient, 1.5);
      assert.equal(Number(described?.activityOptions?.retryPolicy?.initialInterval?.seconds), 1);
      assert.equal(described?.maximumAttempts, 4);

      const restored = await ws().updateActivityOptions({
        namespace: NAMESPACE,
        execution,
        id: '1',
        restoreOriginal: true,
      });
      assert.equal(Number(restored.activityOptions?.startToCloseTimeout?.seconds), 10);
      assert.equal((await pendingActivity(ws(), handle.workflowId))?.maximumAttempts, 0);

      await ws().updateActivityOptions({
        namespace: NAMESPACE,
        execution,
        type: 'greet',
        activityOptions: { taskQueue: { name: taskQueue } },
        updateMask: { paths: ['task_queue.name'] },
      });
      assert.deepEqual(await handle.result(), { result: 'Hello, moved!' }, 'the worker of the new task queue runs it');
    });
  });

  test('bad requests get the Temporal server errors', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await startWithActivity(taskQueue, 'greet', {
        taskQueue: `${taskQueue}-nobody`,
        startToCloseTimeout: '10s',
      });
      const execution = { workflowId: handle.workflowId };
      const INVALID = grpcStatus.INVALID_ARGUMENT;
      const NOT_FOUND = grpcStatus.NOT_FOUND;
      const pause = (request: Partial<temporal.api.workflowservice.v1.IPauseActivityRequest>) =>
        ws().pauseActivity({ namespace: NAMESPACE, ...request });
      await rejectsWith(pause({ execution: {}, id: '1' }), INVALID, 'WorkflowId is not set on request.');
      await rejectsWith(pause({ execution }), INVALID, 'Either Activity.Id or Activity.Type should be set on request.');
      await rejectsWith(
        pause({ execution: { ...execution, runId: 'not-a-uuid' }, id: '1' }),
        INVALID,
        'RunId is not valid UUID.',
      );
      await rejectsWith(
        pause({ execution: { workflowId: 'no-such-workflow' }, id: '1' }),
        NOT_FOUND,
        'workflow not found for ID: no-such-workflow',
      );
      await rejectsWith(pause({ execution, id: 'no-such-activity' }), NOT_FOUND, NOT_FOUND_ACTIVITY);
      await rejectsWith(pause({ execution, type: 'noSuchType' }), NOT_FOUND, NOT_FOUND_ACTIVITY);
      await pause({ execution, id: '1', requestId: 'first' });
      await pause({ execution, id: '1', requestId: 'first' });
      await rejectsWith(
        pause({ execution, id: '1', requestId: 'second' }),
        grpcStatus.FAILED_PRECONDITION,
        'activity is already paused',
      );
      await ws().unpauseActivity({ namespace: NAMESPACE, execution, id: '1' });
      await ws().unpauseActivity({ namespace: NAMESPACE, execution, id: '1' });

      const update = (request: Partial<temporal.api.workflowservice.v1.IUpdateActivityOptionsRequest>) =>
        ws().updateActivityOptions({ namespace: NAMESPACE, execution, id: '1', ...request });
      const timeout = { startToCloseTimeout: seconds(30) };
      await rejectsWith(update({ activityOptions: timeout }), INVALID, 'UpdateMask is not provided');
      await rejectsWith(
        update({ updateMask: { paths: ['start_to_close_timeout'] } }),
        INVALID,
        'ActivityOptions are not provided',
      );
      await rejectsWith(
        update({ restoreOriginal: true, updateMask: { paths: ['start_to_close_timeout'] } }),
        INVALID,
        'Both UpdateMask and RestoreOriginal are provided',
      );
      await rejectsWith(
        update({
          activityOptions: { startToCloseTimeout: seconds(-1) },
          updateMask: { paths: ['start_to_close_timeout'] },
        }),
        INVALID,
        'invalid StartToCloseTimeout: negative duration',
      );
      await rejectsWith(
        update({ activityOptions: { startToCloseTimeout: {} }, updateMask: { paths: ['start_to_close_timeout'] } }),
        INVALID,
        'a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set on the activity. ActivityId=1 ActivityType=greet',
      );
      await rejectsWith(
        update({
          activityOptions: { retryPolicy: { backoffCoefficient: 0.5 } },
          updateMask: { paths: ['retry_policy.backoff_coefficient'] },
        }),
        INVALID,
        'BackoffCoefficient cannot be less than 1 on retry policy.',
      );
      await rejectsWith(
        update({ activityOptions: { priority: { priorityKey: -1 } }, updateMask: { paths: ['priority'] } }),
        INVALID,
        "priority key can't be negative",
      );
      await rejectsWith(
        update({ activityOptions: {}, updateMask: { paths: ['task_queue.name'] } }),
        INVALID,
        'TaskQueue is not provided',
      );

      // A standalone activity is no workflow's: the workflow commands do not find it.
      const standalone = await env.client.activity.start('greet', {
        id: uniqueId('standalone'),
        taskQueue: `${taskQueue}-nobody`,
        startToCloseTimeout: '10s',
        args: ['x'],
      });
      const standaloneWorkflowId = `\u0001activity:${standalone.activityId}`;
      await rejectsWith(
        pause({ execution: { workflowId: standaloneWorkflowId }, id: standalone.activityId }),
        NOT_FOUND,
        `workflow not found for ID: ${standaloneWorkflowId}`,
      );
      await rejectsWith(
        ws().pauseActivityExecution({ namespace: NAMESPACE, activityId: standalone.activityId }),
        grpcStatus.UNIMPLEMENTED,
        'Standalone activity operator commands are disabled',
      );

      await handle.terminate('done');
      const closed = 'workflow execution already completed';
      await rejectsWith(pause({ execution, id: '1' }), NOT_FOUND, closed);
      await rejectsWith(ws().unpauseActivity({ namespace: NAMESPACE, execution, id: '1' }), NOT_FOUND, closed);
      await rejectsWith(ws().resetActivity({ namespace: NAMESPACE, execution, id: '1' }), NOT_FOUND, closed);
      await rejectsWith(update({ activityOptions: timeout, updateMask: { paths: [] } }), NOT_FOUND, closed);
    });
  });

  test(
    'the temporal CLI pauses, re-options, resets and unpauses an activity',
    { skip: existsSync(CLI_PATH) ? false : `the temporal CLI is not at ${CLI_PATH} (set TEMPORAL_CLI to its path)` },
    async () => {
      const cli = (args: readonly string[]) =>
        new Promise<{ code: number; output: string }>((resolve) => {
          execFile(
            CLI_PATH,
            [...args, '--address', env.server.address, '--namespace', NAMESPACE],
            { timeout: CLI_TIMEOUT_MS },
            (error, stdout, stderr) => {
              resolve({
                code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
                output: stdout + stderr,
              });
            },
          );
        });
      await env.withWorker(async (taskQueue) => {
        const activityQueue = `${taskQueue}-activities`;
        const handle = await startWithActivity(
          taskQueue,
          'greet',
          { taskQueue: activityQueue, startToCloseTimeout: '10s' },
          ['cli'],
        );
        const ids = ['--workflow-id', handle.workflowId, '--activity-id', '1'];
        const paused = await cli(['activity', 'pause', ...ids, '--reason', 'from the cli', '--identity', 'cli-user']);
        assert.equal(paused.code, 0, paused.output);
        const info = await pendingActivity(ws(), handle.workflowId);
        assert.equal(info?.state, PendingState.Paused);
        assert.equal(info?.pauseInfo?.manual?.reason, 'from the cli');
        const again = await cli(['activity', 'pause', ...ids]);
        assert.equal(again.code, 1);
        assert.match(again.output, /unable to pause Activity: activity is already paused/);

        const options = await cli([
          'activity',
          'update-options',
          ...ids,
          '--start-to-close-timeout',
          '45s',
          '--retry-maximum-attempts',
          '4',
          '-o',
          'json',
        ]);
        assert.equal(options.code, 0, options.output);
        const printed = JSON.parse(options.output) as { StartToCloseTimeout: number; MaximumAttempts: number };
        assert.equal(printed.StartToCloseTimeout, 45e9);
        assert.equal(printed.MaximumAttempts, 4);
        assert.equal(
          Number((await pendingActivity(ws(), handle.workflowId))?.activityOptions?.startToCloseTimeout?.seconds),
          45,
        );

        const reset = await cli(['activity', 'reset', ...ids, '--keep-paused', '--restore-original-options']);
        assert.equal(reset.code, 0, reset.output);
        const restored = await pendingActivity(ws(), handle.workflowId);
        assert.equal(Number(restored?.activityOptions?.startToCloseTimeout?.seconds), 10);
        assert.equal(restored?.state, PendingState.Paused);

        const unpaused = await cli(['activity', 'unpause', ...ids]);
        assert.equal(unpaused.code, 0, unpaused.output);
        assert.deepEqual(await env.withWorker(() => handle.result(), { taskQueue: activityQueue }), {
          result: 'Hello, cli!',
        });
        const missing = await cli(['activity', 'pause', '--workflow-id', 'no-such-workflow', '--activity-id', '1']);
        assert.match(missing.output, /workflow not found for ID: no-such-workflow/);
      });
    },
  );
});

describe('a paused activity across a SIGKILL', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'causeway-pause-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('stays paused after a restart and runs once unpaused', async () => {
    const db = path.join(directory, 'pause.db');
    const taskQueue = `tq-${uniqueId()}`;
    const activityQueue = `${taskQueue}-activities`;
    const { code } = await workflowBundle();
    const first = await spawnServer(0, db);
    let connection = await Connection.connect({ address: first.address });
    let nativeConnection = await NativeConnection.connect({ address: first.address });
    let client = new Client({ connection, namespace: NAMESPACE });
    const worker = (queue: string) =>
      Worker.create({
        connection: nativeConnection,
        namespace: NAMESPACE,
        taskQueue: queue,
        workflowBundle: { code },
        activities,
      });
    const workflowId = uniqueId('durable-pause');
    try {
      await (
        await worker(taskQueue)
      ).runUntil(async () => {
        await client.workflow.start('activityOutcome', {
          taskQueue,
          workflowId,
          args: ['greet', { taskQueue: activityQueue, startToCloseTimeout: '10s' }, ['again']],
        });
        await eventually(() => pendingActivity(client.workflowService, workflowId));
      });
      await client.workflowService.pauseActivity({
        namespace: NAMESPACE,
        execution: { workflowId },
        id: '1',
        reason: 'across a crash',
      });
      await connection.close();
      await nativeConnection.close();
      await first.kill();

      const second = await spawnServer(first.port, db);
      try {
        connection = await Connection.connect({ address: second.address });
        nativeConnection = await NativeConnection.connect({ address: second.address });
        client = new Client({ connection, namespace: NAMESPACE });
        const info = await pendingActivity(client.workflowService, workflowId);
        assert.equal(info?.state, PendingState.Paused);
        assert.equal(info?.pauseInfo?.manual?.reason, 'across a crash');
        assert.equal(await pollOnce(connection, activityQueue), undefined, 'not dispatched after the restart');
        await client.workflowService.unpauseActivity({ namespace: NAMESPACE, execution: { workflowId }, id: '1' });
        const handle = client.workflow.getHandle(workflowId);
        const outcome = await (
          await worker(taskQueue)
        ).runUntil(async () => (await worker(activityQueue)).runUntil(handle.result()));
        assert.deepEqual(outcome, { result: 'Hello, again!' });
      } finally {
        await connection.close();
        await nativeConnection.close();
        await second.kill();
      }
    } finally {
      await first.kill();
    }
  });
});
