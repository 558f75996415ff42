// Goal: activities scheduled by SDK workflows retry, time out, heartbeat, cancel and complete
// asynchronously exactly as the Temporal server does it, as seen by the workflow, the client and the
// history. Setup: one in-process server, a worker per test on a fresh task queue; the generic
// `activityOutcome` workflow runs one activity with given options and reports what the workflow saw.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';
import { EventType, assertWellFormed, eventsOfType, firstPayloadValue, historyEvents } from '../helpers/history';
import type { ActivityOutcome } from '../fixtures/workflows';

const RetryState = temporal.api.enums.v1.RetryState;
const TimeoutType = temporal.api.enums.v1.TimeoutType;
const PendingActivityState = temporal.api.enums.v1.PendingActivityState;

describe('activities', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  function startOutcome(taskQueue: string, name: string, options: object, args: unknown[], workflowId = uniqueId()) {
    return env.client.workflow.start('activityOutcome', { taskQueue, workflowId, args: [name, options, args] });
  }

  test('a failing activity is retried by its retry policy until it succeeds', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('retrying', {
        taskQueue,
        workflowId: uniqueId(),
        args: [uniqueId('key'), 3],
      });
      assert.equal(await handle.result(), 3);
      const events = await historyEvents(handle);
      assertWellFormed(events);
      const [started, ...more] = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
      assert.equal(more.length, 0, 'retried attempts write no events of their own');
      const attributes = started?.activityTaskStartedEventAttributes;
      assert.equal(attributes?.attempt, 3);
      assert.match(String(attributes?.lastFailure?.message), /attempt 2 failed/);
      const completed = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)[0]
        ?.activityTaskCompletedEventAttributes;
      assert.equal(Number(completed?.startedEventId), Number(started?.eventId));
    });
  });

  test('a non-retryable application failure fails the activity at once with its type', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('nonRetryable', { taskQueue, workflowId: uniqueId() });
      assert.equal(await handle.result(), 'BadInput:no');
      const events = await historyEvents(handle);
      assert.equal(
        eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)[0]?.activityTaskStartedEventAttributes
          ?.attempt,
        1,
      );
      const failed = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)[0]
        ?.activityTaskFailedEventAttributes;
      assert.equal(failed?.retryState, RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
      assert.equal(failed?.failure?.applicationFailureInfo?.type, 'BadInput');
    });
  });

  test('an error type listed as non-retryable in the retry policy is not retried', async () => {
    await env.withWorker(async (taskQueue) => {
      const options = {
        startToCloseTimeout: '10s',
        retry: { initialInterval: '50ms', nonRetryableErrorTypes: ['Error'] },
      };
      const outcome = (await (
        await startOutcome(taskQueue, 'flaky', options, [uniqueId('key'), 3])
      ).result()) as ActivityOutcome;
      assert.equal(outcome.failure?.retryState, 'NON_RETRYABLE_FAILURE');
      assert.equal(outcome.failure?.cause?.message, 'attempt 1 failed');
    });
  });

  test('a retried attempt resumes from the heartbeat details of the failed one', async () => {
    await env.withWorker(async (taskQueue) => {
      const options = { startToCloseTimeout: '10s', retry: { initialInterval: '50ms' } };
      const handle = await startOutcome(taskQueue, 'resumable', options, [5]);
      assert.deepEqual(await handle.result(), { result: 2 });
      const events = await historyEvents(handle);
      assert.equal(
        eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)[0]?.activityTaskStartedEventAttributes
          ?.attempt,
        2,
      );
    });
  });

  test('DescribeWorkflowExecution shows a retrying activity with attempt, last failure and heartbeat details', async () => {
    await env.withWorker(async (taskQueue) => {
      const options = { startToCloseTimeout: '10s', retry: { initialInterval: '1500ms' } };
      const handle = await startOutcome(taskQueue, 'resumable', options, [5]);
      const pending = await eventually(async () => {
        const activity = (await handle.describe()).raw.pendingActivities?.[0];
        return activity?.attempt === 2 ? activity : undefined;
      });
      assert.equal(pending.activityType?.name, 'resumable');
      assert.equal(pending.state, PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
      assert.equal(pending.lastFailure?.message, 'crash midway');
      assert.equal(firstPayloadValue(pending.heartbeatDetails), 2);
      assert.ok(pending.nextAttemptScheduleTime, 'a backing-off activity reports when it runs next');
      assert.ok(pending.lastWorkerIdentity, 'the identity of the worker that ran the failed attempt');
      assert.deepEqual(await handle.result(), { result: 2 });
    });
  });

  test('an activity that stops heartbeating times out with TIMEOUT_TYPE_HEARTBEAT and its last details', async () => {
    await env.withWorker(async (taskQueue) => {
      const options = { startToCloseTimeout: '10s', heartbeatTimeout: '500ms', retry: { maximumAttempts: 1 } };
      const handle = await startOutcome(taskQueue, 'heartbeatOnceThenStall', options, [5000]);
      const outcome = (await handle.result()) as ActivityOutcome;
      assert.equal(outcome.failure?.cause?.timeoutType, 'HEARTBEAT');
      assert.equal(outcome.failure?.cause?.lastHeartbeatDetails, 'started');
      assert.equal(outcome.failure?.retryState, 'MAXIMUM_ATTEMPTS_REACHED');
      const events = await historyEvents(handle);
      const timedOut = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)[0]
        ?.activityTaskTimedOutEventAttributes;
      assert.equal(timedOut?.failure?.timeoutFailureInfo?.timeoutType, TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
      const started = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)[0];
      assert.equal(Number(timedOut?.startedEventId), Number(started?.eventId));
    });
  });

  test('an activity on a task queue no worker polls times out with TIMEOUT_TYPE_SCHEDULE_TO_START', async () => {
    await env.withWorker(async (taskQueue) => {
      const options = {
        taskQueue: `unpolled-${randomUUID()}`,
        scheduleToStartTimeout: '300ms',
        startToCloseTimeout: '10s',
      };
      const handle = await startOutcome(taskQueue, 'greet', options, ['nobody']);
      const outcome = (await handle.result()) as ActivityOutcome;
      assert.equal(outcome.failure?.cause?.timeoutType, 'SCHEDULE_TO_START');
      const events = await historyEvents(handle);
      assertWellFormed(events);
      assert.equal(eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).length, 0);
      const timedOut = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)[0]
        ?.activityTaskTimedOutEventAttributes;
      assert.equal(Number(timedOut?.startedEventId), 0);
      assert.equal(timedOut?.retryState, RetryState.RETRY_STATE_TIMEOUT);
    });
  });

  test('an activity running past its schedule-to-close timeout times out with TIMEOUT_TYPE_SCHEDULE_TO_CLOSE', async () => {
    await env.withWorker(async (taskQueue) => {
      const options = { scheduleToCloseTimeout: '700ms', startToCloseTimeout: '5s' };
      const outcome = (await (await startOutcome(taskQueue, 'sleepFor', options, [5000])).result()) as ActivityOutcome;
      assert.equal(outcome.failure?.cause?.timeoutType, 'SCHEDULE_TO_CLOSE');
      assert.equal(outcome.failure?.retryState, 'TIMEOUT');
    });
  });

  test('start-to-close timeouts are retried until the attempts run out', async () => {
    await env.withWorker(async (taskQueue) => {
      const options = { startToCloseTimeout: '300ms', retry: { maximumAttempts: 2, initialInterval: '50ms' } };
      const handle = await startOutcome(taskQueue, 'sleepFor', options, [5000]);
      const outcome = (await handle.result()) as ActivityOutcome;
      assert.equal(outcome.failure?.cause?.timeoutType, 'START_TO_CLOSE');
      assert.equal(outcome.failure?.retryState, 'MAXIMUM_ATTEMPTS_REACHED');
      const events = await historyEvents(handle);
      const started = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)[0]
        ?.activityTaskStartedEventAttributes;
      assert.equal(started?.attempt, 2);
      assert.equal(started?.lastFailure?.timeoutFailureInfo?.timeoutType, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
      const timedOut = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)[0]
        ?.activityTaskTimedOutEventAttributes;
      assert.equal(timedOut?.retryState, RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
      assert.equal(
        timedOut?.failure?.cause?.message,
        'activity StartToClose timeout',
        'the failure of the retried attempt is the cause',
      );
    });
  });

  test('cancelling the scope of a running activity reaches it through its heartbeat', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('cancelActivityAndWait', { taskQueue, workflowId: uniqueId() });
      assert.equal(await handle.result(), 'activity cancelled');
      const events = await historyEvents(handle);
      assertWellFormed(events);
      const requested = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)[0];
      const started = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)[0];
      const canceled = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED)[0]
        ?.activityTaskCanceledEventAttributes;
      assert.ok(requested && started && canceled, 'CancelRequested, Started and Canceled are all in history');
      assert.equal(Number(canceled.latestCancelRequestedEventId), Number(requested.eventId));
      assert.equal(Number(canceled.startedEventId), Number(started.eventId));
    });
  });

  test('an activity is completed asynchronously by workflow id and activity id', async () => {
    await env.withWorker(async (taskQueue) => {
      const workflowId = uniqueId();
      const handle = await startOutcome(
        taskQueue,
        'completeAsync',
        { activityId: 'async-1', startToCloseTimeout: '10s' },
        [],
        workflowId,
      );
      await eventually(
        async () =>
          (await handle.describe()).raw.pendingActivities?.[0]?.state ===
          PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
      );
      await env.client.activity.complete({ workflowId, activityId: 'async-1' }, 'done later');
      assert.deepEqual(await handle.result(), { result: 'done later' });
      const events = await historyEvents(handle);
      assertWellFormed(events);
      const completed = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)[0]
        ?.activityTaskCompletedEventAttributes;
      assert.equal(firstPayloadValue(completed?.result), 'done later');
    });
  });

  test('completion by id also resolves an activity no worker has picked up yet', async () => {
    await env.withWorker(async (taskQueue) => {
      const workflowId = uniqueId();
      const options = { activityId: 'never-polled', taskQueue: `unpolled-${randomUUID()}`, startToCloseTimeout: '10s' };
      const handle = await startOutcome(taskQueue, 'greet', options, ['x'], workflowId);
      await eventually(async () => (await handle.describe()).raw.pendingActivities?.length === 1);
      await env.client.activity.complete({ workflowId, activityId: 'never-polled' }, 'forced');
      assert.deepEqual(await handle.result(), { result: 'forced' });
      const events = await historyEvents(handle);
      assertWellFormed(events);
      const started = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)[0];
      const completed = eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)[0]
        ?.activityTaskCompletedEventAttributes;
      assert.ok(started, 'the server writes a Started event for the forced completion');
      assert.equal(Number(completed?.startedEventId), Number(started.eventId));
    });
  });
});
