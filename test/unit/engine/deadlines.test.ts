// Goal: everything that comes due at a time happens at that time, driven by a fake clock with no real
// waiting: timers, workflow task timeouts, activity retries after their backoff, Nexus attempts after
// theirs; and a restart loads no run until one of them comes due. Setup: the engine alone
// (EngineHarness) on an in-memory store; the test plays the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness, scheduleActivity, scheduleNexusOperation, startTimer } from '../../helpers/engine-harness';
import { respondActivityFailed } from '../../../src/engine/activity-task-api';
import { decodeTaskToken } from '../../../src/engine/tasks';
import { durationFromMs } from '../../../src/common/time';
import { temporal } from '../../../src/common/proto';

test('a timer fires at its time, also across a restart that loads nothing at start', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('timer-wf');
    await h.runWorkflowTask(key, [startTimer('t1', 60_000)]);
    await h.clock.advance(30_000);
    assert.ok(!(await h.eventTypes(key)).includes('TIMER_FIRED'));
    await h.restart();
    assert.equal(h.engine.cachedRuns, 0, 'no run is loaded at start');
    await h.clock.advance(29_999);
    assert.ok(!(await h.eventTypes(key)).includes('TIMER_FIRED'), 'not a millisecond early');
    await h.clock.advance(1);
    assert.deepEqual((await h.eventTypes(key)).slice(-2), ['TIMER_FIRED', 'WORKFLOW_TASK_SCHEDULED']);
    h.take('workflow-task', key);
  } finally {
    await h.stop();
  }
});

test('a started workflow task not completed in time times out and is tried again', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('wft-timeout', { workflowTaskTimeout: durationFromMs(5000) });
    await h.startWorkflowTask(key);
    await h.clock.advance(5000);
    const events = await h.history(key);
    assert.deepEqual((await h.eventTypes(key)).slice(-2), ['WORKFLOW_TASK_TIMED_OUT', 'WORKFLOW_TASK_SCHEDULED']);
    assert.equal(events[events.length - 1]?.workflowTaskScheduledEventAttributes?.attempt, 2);
    const retry = await h.startWorkflowTask(key);
    assert.equal(retry.attempt, 2);
  } finally {
    await h.stop();
  }
});

test('a failed activity attempt backs off, then is dispatched again, with no events in between', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('activity-retry');
    await h.runWorkflowTask(key, [
      scheduleActivity('a1', { initialInterval: durationFromMs(5000), maximumAttempts: 3 }),
    ]);
    const attempt = await h.startActivity(key);
    const token = decodeTaskToken(attempt.taskToken);
    assert.equal(token.k, 'act');
    if (token.k !== 'act') return;
    const before = (await h.history(key)).length;
    await respondActivityFailed(
      h.engine,
      { kind: 'token', token },
      { message: 'boom', applicationFailureInfo: {} },
      'worker',
      null,
    );
    await h.clock.settle();
    const pending = (await h.describe(key)).pendingActivities?.[0];
    assert.equal(pending?.attempt, 2);
    assert.equal(pending?.state, temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    assert.ok(pending?.nextAttemptScheduleTime, 'describe says when the next attempt comes');
    assert.equal(h.offered.filter((o) => o.kind === 'activity').length, 0, 'nothing dispatched while backing off');
    await h.clock.advance(4999);
    assert.equal(h.offered.filter((o) => o.kind === 'activity').length, 0);
    await h.clock.advance(1);
    assert.equal((await h.startActivity(key)).attempt, 2);
    assert.equal((await h.history(key)).length, before, 'retries write no events');
  } finally {
    await h.stop();
  }
});

test('a retryable Nexus handler error backs the operation off; the next attempt succeeds', async () => {
  const h = await EngineHarness.start();
  try {
    await h.endpoints.create({ name: 'ep', target: { worker: { namespace: 'handler-ns', taskQueue: 'htq' } } }, null);
    h.dispatcher.reply(
      { kind: 'handler-error', failure: { message: 'try later', nexusHandlerFailureInfo: { type: 'INTERNAL' } } },
      { kind: 'response', response: { startOperation: { syncSuccess: { payload: { data: Buffer.from('"ok"') } } } } },
    );
    const key = await h.startWorkflow('nexus-retry');
    await h.runWorkflowTask(key, [scheduleNexusOperation('ep')]);
    const pending = (await h.describe(key)).pendingNexusOperations?.[0];
    assert.equal(
      pending?.state,
      temporal.api.enums.v1.PendingNexusOperationState.PENDING_NEXUS_OPERATION_STATE_BACKING_OFF,
    );
    assert.equal(pending?.attempt, 2);
    assert.equal(pending?.lastAttemptFailure?.message, 'try later');
    assert.equal(h.dispatcher.requests.length, 1);
    await h.clock.advance(1000);
    assert.equal(h.dispatcher.requests.length, 2);
    assert.deepEqual((await h.eventTypes(key)).slice(-3), [
      'NEXUS_OPERATION_SCHEDULED',
      'NEXUS_OPERATION_COMPLETED',
      'WORKFLOW_TASK_SCHEDULED',
    ]);
  } finally {
    await h.stop();
  }
});
