// Goal: the engine pauses, unpauses, resets and re-options a workflow's activities as the Temporal
// server does, on a fake clock: a paused activity's dispatch is stale and nothing is dispatched or times
// out until it is unpaused (also across a restart); a paused attempt's failure waits for the unpause
// whatever the policy's attempts; an unpause with jitter dispatches within it; a reset starts over at
// attempt 1 (a running attempt hears of it from its heartbeats); new options move a dispatch to its new
// task queue and a retry to the new policy's backoff. No event is written. Setup: the engine alone
// (EngineHarness) on an in-memory store; the test plays the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness, scheduleActivity } from '../../helpers/engine-harness';
import {
  heartbeatActivity,
  recordActivityTaskStarted,
  respondActivityFailed,
} from '../../../src/engine/activity-task-api';
import { pauseActivity, resetActivity, unpauseActivity } from '../../../src/engine/activity-pause';
import { updateActivityOptions } from '../../../src/engine/activity-options';
import type { ActivitySelector } from '../../../src/engine/activity-operator';
import { decodeTaskToken, type MatchTask, type RunKey } from '../../../src/engine/tasks';
import { durationFromMs } from '../../../src/common/time';
import { temporal, type Command } from '../../../src/common/proto';

const State = temporal.api.enums.v1.PendingActivityState;
const BY_ID: ActivitySelector = { kind: 'id', activityId: 'a1' };

function activityCommand(
  retry: temporal.api.common.v1.IRetryPolicy,
  timeouts: Partial<temporal.api.command.v1.IScheduleActivityTaskCommandAttributes> = {},
): Command {
  const command = scheduleActivity('a1', retry);
  Object.assign(command.scheduleActivityTaskCommandAttributes ?? {}, timeouts);
  return command;
}

function offeredActivities(h: EngineHarness): { taskQueue: string; task: MatchTask }[] {
  return h.offered.filter((o) => o.kind === 'activity');
}

async function pending(h: EngineHarness, key: RunKey): Promise<temporal.api.workflow.v1.IPendingActivityInfo> {
  const info = (await h.describe(key)).pendingActivities?.[0];
  assert.ok(info, 'the activity is pending');
  return info;
}

async function pause(h: EngineHarness, key: RunKey, requestId = 'pause-1'): Promise<void> {
  await pauseActivity(h.engine, h.namespace, {
    execution: key,
    selector: BY_ID,
    identity: 'operator',
    reason: 'maintenance',
    requestId,
  });
  await h.clock.settle();
}

async function unpause(
  h: EngineHarness,
  key: RunKey,
  options: { resetAttempts?: boolean; jitterMs?: number } = {},
): Promise<void> {
  await unpauseActivity(h.engine, h.namespace, {
    execution: key,
    selector: BY_ID,
    resetAttempts: options.resetAttempts ?? false,
    resetHeartbeat: false,
    jitterMs: options.jitterMs ?? 0,
  });
  await h.clock.settle();
}

async function failAttempt(h: EngineHarness, taskToken: Uint8Array | null | undefined): Promise<void> {
  const token = decodeTaskToken(taskToken);
  assert.equal(token.k, 'act');
  if (token.k !== 'act') return;
  await respondActivityFailed(
    h.engine,
    { kind: 'token', token },
    { message: 'boom', applicationFailureInfo: {} },
    'w',
    null,
  );
  await h.clock.settle();
}

function tokenTarget(taskToken: Uint8Array | null | undefined) {
  const token = decodeTaskToken(taskToken);
  assert.ok(token.k === 'act');
  return { kind: 'token', token } as const;
}

test('a paused activity is not dispatched nor timed out, also across a restart, until it is unpaused', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('pause-scheduled');
    await h.runWorkflowTask(key, [activityCommand({}, { scheduleToCloseTimeout: durationFromMs(60_000) })]);
    const before = await h.eventTypes(key);
    const staleTask = h.take('activity-task', key) as Extract<MatchTask, { kind: 'activity-task' }>;
    await pause(h, key);
    const paused = await pending(h, key);
    assert.equal(paused.state, State.PENDING_ACTIVITY_STATE_PAUSED);
    assert.equal(paused.paused, true);
    assert.deepEqual(paused.pauseInfo?.manual, { identity: 'operator', reason: 'maintenance' });
    assert.equal(
      await recordActivityTaskStarted(h.engine, staleTask, {
        identity: 'w',
        namespace: 'default',
        sdk: { name: 'harness', version: '0' },
      }),
      undefined,
      'the task dispatched before the pause is stale',
    );
    await h.restart();
    await h.clock.advance(120_000);
    assert.equal(offeredActivities(h).length, 0, 'nothing is dispatched after a restart');
    assert.equal((await pending(h, key)).state, State.PENDING_ACTIVITY_STATE_PAUSED, 'no timeout while paused');
    await unpause(h, key);
    assert.equal(offeredActivities(h).length, 1, 'unpaused: dispatched again');
    assert.deepEqual(await h.eventTypes(key), [...before, 'ACTIVITY_TASK_TIMED_OUT', 'WORKFLOW_TASK_SCHEDULED']);
  } finally {
    await h.stop();
  }
});

test('a paused attempt that fails waits for the unpause, past its maximum attempts', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('pause-running');
    await h.runWorkflowTask(key, [activityCommand({ initialInterval: durationFromMs(100), maximumAttempts: 1 })]);
    const attempt = await h.startActivity(key);
    const target = tokenTarget(attempt.taskToken);
    assert.equal((await heartbeatActivity(h.engine, target, null)).activityPaused, false);
    await pause(h, key);
    assert.equal((await pending(h, key)).state, State.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED);
    assert.equal((await heartbeatActivity(h.engine, target, null)).activityPaused, true);
    await failAttempt(h, attempt.taskToken);
    const paused = await pending(h, key);
    assert.equal(paused.state, State.PENDING_ACTIVITY_STATE_PAUSED);
    assert.equal(paused.attempt, 2);
    assert.equal(paused.lastFailure?.message, 'boom');
    assert.equal(paused.nextAttemptScheduleTime, undefined);
    await h.clock.advance(60_000);
    assert.equal(offeredActivities(h).length, 0, 'no retry while paused');
    await unpause(h, key);
    const resumed = await h.startActivity(key);
    assert.equal(resumed.attempt, 2);
    await failAttempt(h, resumed.taskToken);
    assert.deepEqual((await h.eventTypes(key)).slice(-3), [
      'ACTIVITY_TASK_STARTED',
      'ACTIVITY_TASK_FAILED',
      'WORKFLOW_TASK_SCHEDULED',
    ]);
  } finally {
    await h.stop();
  }
});

test('an unpause with jitter dispatches within it; a second pause of the same request is no error', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('pause-jitter');
    await h.runWorkflowTask(key, [activityCommand({})]);
    h.take('activity-task', key);
    await pause(h, key, 'same');
    await pause(h, key, 'same');
    await assert.rejects(pause(h, key, 'other'), /activity is already paused/);
    await unpause(h, key, { jitterMs: 10_000 });
    const waiting = await pending(h, key);
    assert.equal(waiting.state, State.PENDING_ACTIVITY_STATE_SCHEDULED);
    await h.clock.advance(10_000);
    assert.equal(offeredActivities(h).length, 1, 'dispatched within the jitter');
  } finally {
    await h.stop();
  }
});

test('a reset starts over at attempt 1: at once when backing off, after its attempt when running', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('reset');
    await h.runWorkflowTask(key, [activityCommand({ initialInterval: durationFromMs(3_600_000) })]);
    await failAttempt(h, (await h.startActivity(key)).taskToken);
    const backingOff = await pending(h, key);
    assert.equal(backingOff.attempt, 2);
    assert.ok(backingOff.nextAttemptScheduleTime && backingOff.currentRetryInterval);
    const reset = (keepPaused: boolean) =>
      resetActivity(h.engine, h.namespace, {
        execution: key,
        selector: { kind: 'all' },
        resetHeartbeat: true,
        keepPaused,
        restoreOriginalOptions: false,
        jitterMs: 0,
      });
    await reset(false);
    await h.clock.settle();
    const running = await h.startActivity(key);
    assert.equal(running.attempt, 1, 'dispatched at once, at attempt 1');
    const target = tokenTarget(running.taskToken);
    await heartbeatActivity(h.engine, target, { payloads: [{ data: Buffer.from('"progress"') }] });
    await reset(false);
    assert.equal((await heartbeatActivity(h.engine, target, null)).activityReset, true);
    await failAttempt(h, running.taskToken);
    const retried = await pending(h, key);
    assert.equal(retried.attempt, 2);
    assert.equal(retried.heartbeatDetails, undefined, 'the reset asked the heartbeat details to go');
    await pause(h, key);
    await reset(true);
    const kept = await pending(h, key);
    assert.equal(kept.state, State.PENDING_ACTIVITY_STATE_PAUSED);
    assert.equal(kept.attempt, 1);
  } finally {
    await h.stop();
  }
});

test('new options move the dispatch to the new task queue and a retry to the new backoff', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('options');
    await h.runWorkflowTask(key, [activityCommand({ initialInterval: durationFromMs(60_000) })]);
    const before = await h.eventTypes(key);
    const update = (options: temporal.api.activity.v1.IActivityOptions, paths: string[]) =>
      updateActivityOptions(h.engine, h.namespace, {
        execution: key,
        selector: BY_ID,
        options,
        paths,
        restoreOriginal: false,
      });
    const staleTask = h.take('activity-task', key) as Extract<MatchTask, { kind: 'activity-task' }>;
    const updated = await update({ taskQueue: { name: 'other-tq' } }, ['task_queue.name']);
    await h.clock.settle();
    assert.equal(updated.taskQueue?.name, 'other-tq');
    assert.equal(
      await recordActivityTaskStarted(h.engine, staleTask, {
        identity: 'w',
        namespace: 'default',
        sdk: { name: 'harness', version: '0' },
      }),
      undefined,
    );
    assert.deepEqual(
      offeredActivities(h).map((o) => o.taskQueue),
      ['other-tq'],
    );
    const failedAtMs = h.clock.nowMs();
    await failAttempt(h, (await h.startActivity(key)).taskToken);
    // As the server: the backoff of this attempt number (2) under the new policy, 5 s * 2^(2-1).
    await update({ retryPolicy: { initialInterval: durationFromMs(5000) } }, ['retry_policy.initial_interval']);
    await h.clock.settle();
    const info = await pending(h, key);
    assert.equal(Number(info.nextAttemptScheduleTime?.seconds) * 1000, failedAtMs + 10_000);
    await h.clock.advance(failedAtMs + 9_999 - h.clock.nowMs());
    assert.equal(offeredActivities(h).length, 0);
    await h.clock.advance(1);
    assert.equal((await h.startActivity(key)).attempt, 2);
    assert.deepEqual(await h.eventTypes(key), before, 'no events');
  } finally {
    await h.stop();
  }
});
