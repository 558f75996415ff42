// Goal: durable timers and the run's own timeouts behave as on the Temporal server: timers fire (one,
// hundreds in one run, one in each of many runs), a cancelled timer writes TimerCanceled, a run past
// its run timeout times out, and a workflow task whose worker never answers is retried after its
// start-to-close timeout. Setup: one in-process server, a worker per test on a fresh task queue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';
import { EventType, assertWellFormed, eventsOfType, historyEvents } from '../helpers/history';

const TimeoutType = temporal.api.enums.v1.TimeoutType;

function msOf(time: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

describe('timers and workflow timeouts', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('a run that times out says why: TIMEOUT past its execution timeout, RETRY_POLICY_NOT_SET without a policy', async () => {
    const RetryState = temporal.api.enums.v1.RetryState;
    const cases = [
      [{ workflowExecutionTimeout: '1s' }, RetryState.RETRY_STATE_TIMEOUT],
      [{ workflowRunTimeout: '1s' }, RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET],
    ] as const;
    for (const [timeouts, expected] of cases) {
      const workflowId = uniqueId('timeout');
      // Nobody polls: the run stays open until its deadline.
      const handle = await env.client.workflow.start('waitForever', {
        taskQueue: `nobody-${workflowId}`,
        workflowId,
        ...timeouts,
      });
      const timedOut = await eventually(async () => {
        const events = await historyEvents(handle);
        return eventsOfType(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT)[0];
      });
      assert.equal(timedOut.workflowExecutionTimedOutEventAttributes?.retryState, expected, JSON.stringify(timeouts));
    }
  });

  test('a timer fires after its duration', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('sleeper', { taskQueue, workflowId: uniqueId(), args: [300] });
      assert.equal(await handle.result(), 'woke');
      const events = await historyEvents(handle);
      assertWellFormed(events);
      const [started] = eventsOfType(events, EventType.EVENT_TYPE_TIMER_STARTED);
      const [fired, ...more] = eventsOfType(events, EventType.EVENT_TYPE_TIMER_FIRED);
      assert.equal(more.length, 0);
      assert.equal(msOf(started?.timerStartedEventAttributes?.startToFireTimeout), 300);
      assert.equal(Number(fired?.timerFiredEventAttributes?.startedEventId), Number(started?.eventId));
      assert.ok(msOf(fired?.eventTime) - msOf(started?.eventTime) >= 300, 'fired no earlier than its duration');
    });
  });

  test('200 concurrent timers in one workflow all fire', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('manyTimers', { taskQueue, workflowId: uniqueId(), args: [200] });
      assert.equal(await handle.result(), 200);
      const events = await historyEvents(handle);
      assertWellFormed(events);
      const started = eventsOfType(events, EventType.EVENT_TYPE_TIMER_STARTED);
      const fired = eventsOfType(events, EventType.EVENT_TYPE_TIMER_FIRED);
      assert.equal(started.length, 200);
      assert.equal(fired.length, 200);
      assert.equal(new Set(fired.map((e) => e.timerFiredEventAttributes?.timerId)).size, 200, 'each timer fires once');
    });
  });

  test('50 workflows with a timer each all complete', async () => {
    await env.withWorker(async (taskQueue) => {
      const handles = await Promise.all(
        Array.from({ length: 50 }, () =>
          env.client.workflow.start('sleeper', { taskQueue, workflowId: uniqueId(), args: [300] }),
        ),
      );
      const results = await Promise.all(handles.map((handle) => handle.result()));
      assert.deepEqual(
        results,
        Array.from({ length: 50 }, () => 'woke'),
      );
    });
  });

  test('a timer cancelled by a cancellation scope writes TimerCanceled', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('timerCancelledByScope', { taskQueue, workflowId: uniqueId() });
      assert.equal(await handle.result(), 'timer cancelled');
      const events = await historyEvents(handle);
      assertWellFormed(events);
      const long = eventsOfType(events, EventType.EVENT_TYPE_TIMER_STARTED).find(
        (e) => msOf(e.timerStartedEventAttributes?.startToFireTimeout) === 60_000,
      );
      const canceled = eventsOfType(events, EventType.EVENT_TYPE_TIMER_CANCELED);
      assert.equal(canceled.length, 1);
      assert.equal(canceled[0]?.timerCanceledEventAttributes?.timerId, long?.timerStartedEventAttributes?.timerId);
      assert.equal(Number(canceled[0]?.timerCanceledEventAttributes?.startedEventId), Number(long?.eventId));
      assert.equal(eventsOfType(events, EventType.EVENT_TYPE_TIMER_FIRED).length, 1, 'only the scope timeout fires');
    });
  });

  test('a run past its run timeout times out and the client sees a TimeoutFailure', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('sleeper', {
        taskQueue,
        workflowId: uniqueId(),
        args: [60_000],
        workflowRunTimeout: '1s',
      });
      const error = await handle.result().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError, `expected WorkflowFailedError, got ${String(error)}`);
      assert.ok(error.cause instanceof TimeoutFailure);
      assert.equal(error.cause.timeoutType, 'START_TO_CLOSE');
      const events = await historyEvents(handle);
      assertWellFormed(events);
      assert.equal(events.at(-1)?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
      assert.equal((await handle.describe()).status.name, 'TIMED_OUT');
    });
  });

  test('a workflow task whose worker never answers times out and is retried by another worker', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const handle = await env.client.workflow.start('sleeper', {
      taskQueue,
      workflowId: uniqueId(),
      args: [10],
      workflowTaskTimeout: '1s',
    });
    const taken = await env.connection.workflowService.pollWorkflowTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      identity: 'silent-worker',
    });
    assert.ok(taken.taskToken?.length, 'the silent worker took the first workflow task');
    const result = await env.withWorker(() => handle.result(), { taskQueue });
    assert.equal(result, 'woke');
    const events = await historyEvents(handle);
    assertWellFormed(events);
    const timedOut = eventsOfType(events, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    assert.equal(timedOut.length, 1);
    assert.equal(
      timedOut[0]?.workflowTaskTimedOutEventAttributes?.timeoutType,
      TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    );
    const retried = eventsOfType(events, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)[1]
      ?.workflowTaskScheduledEventAttributes;
    assert.equal(retried?.attempt, 2);
    const started = eventsOfType(events, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    assert.equal(started[0]?.workflowTaskStartedEventAttributes?.identity, 'silent-worker');
    assert.notEqual(started[1]?.workflowTaskStartedEventAttributes?.identity, 'silent-worker');
  });

  test('once its sticky worker has shut down, a workflow task goes to the normal queue at once', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId() });
    await env.withWorker(
      async () => {
        await handle.signal('add', 1);
        assert.equal(await handle.query('total'), 1);
      },
      { taskQueue },
    );
    await handle.signal('done');
    const startedAtMs = Date.now();
    assert.equal(await env.withWorker(() => handle.result(), { taskQueue }), 1);
    assert.ok(Date.now() - startedAtMs < 5000, 'not held back until the sticky schedule-to-start timeout');
    const events = await historyEvents(handle);
    assertWellFormed(events);
    assert.equal(eventsOfType(events, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT).length, 0);
  });
});
