// Goal: the Temporal server's blob size limit (limit.blobSize.error), each case answered as it answers:
// a start, a signal-with-start and a signal whose input is past it are INVALID_ARGUMENT "Blob data size
// exceeds limit."; a workflow that completes with a result past it has its workflow task failed
// (BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES) and is terminated by the history service; an activity
// whose result is past it fails, non-retryably, with "Complete result exceeds size limit.". Workflow
// tasks suggest continue-as-new from limit.historyCount.suggestContinueAsNew on, and a run past
// limit.historyCount.error is terminated with the server's reason.
// Setup: one in-process server with those limits lowered by dynamic config; a worker per test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as grpcStatus } from '@grpc/grpc-js';
import { WorkflowFailedError } from '@temporalio/client';
import { TerminatedFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import type { ActivityOutcome } from '../fixtures/workflows';

const LIMIT_BYTES = 10_000;
const LARGE = LIMIT_BYTES + 1000;
const HISTORY_COUNT_MAX = 40;
const SUGGEST_AT = 12;
const EventType = temporal.api.enums.v1.EventType;

/** The gRPC error, also as the cause of the SDK's own error. */
function isTooLarge(error: { code?: number; details?: string; cause?: { code?: number; details?: string } }): boolean {
  const grpcError = error.code === undefined ? (error.cause ?? {}) : error;
  assert.equal(grpcError.code, grpcStatus.INVALID_ARGUMENT, grpcError.details);
  assert.equal(grpcError.details, 'Blob data size exceeds limit.');
  return true;
}

describe('blob size and history limits', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      dynamicConfig: {
        'limit.blobSize.error': LIMIT_BYTES,
        'limit.historyCount.error': HISTORY_COUNT_MAX,
        'limit.historyCount.suggestContinueAsNew': SUGGEST_AT,
      },
    });
  });
  after(async () => {
    await env?.stop();
  });

  test('a start, a signal-with-start and a signal past the limit are refused', async () => {
    const taskQueue = uniqueId('nobody');
    await assert.rejects(
      env.client.workflow.start('waitForever', { taskQueue, workflowId: uniqueId(), args: ['x'.repeat(LARGE)] }),
      isTooLarge,
    );
    await assert.rejects(
      env.client.workflow.signalWithStart('counter', {
        taskQueue,
        workflowId: uniqueId(),
        signal: 'add',
        signalArgs: ['x'.repeat(LARGE)],
      }),
      isTooLarge,
    );
    const running = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId() });
    await assert.rejects(running.signal('add', 'x'.repeat(LARGE)), isTooLarge);
    // Under the limit all is well.
    await running.signal('add', 1);
    await running.terminate('done');
  });

  test('a result past the limit fails the workflow task and terminates the run', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('largeResult', {
        taskQueue,
        workflowId: uniqueId(),
        args: [LARGE],
      });
      const error = await handle.result().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError && error.cause instanceof TerminatedFailure, String(error));
      assert.equal(
        error.cause.message,
        'BadCompleteWorkflowExecutionAttributes: CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit.',
      );
      const events = (await handle.fetchHistory()).events ?? [];
      const failed = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      assert.equal(
        failed?.workflowTaskFailedEventAttributes?.cause,
        temporal.api.enums.v1.WorkflowTaskFailedCause
          .WORKFLOW_TASK_FAILED_CAUSE_BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES,
      );
      const terminated = events.at(-1)?.workflowExecutionTerminatedEventAttributes;
      assert.equal(terminated?.identity, 'history-service');
      assert.equal(
        events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED).length,
        1,
        'no retry of the failed task',
      );
    });
  });

  test('an activity result past the limit fails the activity, not retried', async () => {
    await env.withWorker(async (taskQueue) => {
      const outcome = await env.client.workflow.execute('activityOutcome', {
        taskQueue,
        workflowId: uniqueId(),
        args: ['textOf', { startToCloseTimeout: '10s' }, [LARGE]],
      });
      const { failure } = outcome as ActivityOutcome;
      assert.equal(failure?.cause?.message, 'Complete result exceeds size limit.', JSON.stringify(outcome));
      assert.equal(failure?.retryState, 'NON_RETRYABLE_FAILURE');
    });
  });

  test('workflow tasks suggest continue-as-new past the count set for it; past the limit the run is terminated', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('sequentialTimers', {
        taskQueue,
        workflowId: uniqueId(),
        args: [50],
      });
      const error = await handle.result().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError && error.cause instanceof TerminatedFailure, String(error));
      assert.equal(error.cause.message, 'Workflow history count exceeds limit.');
      const events = (await handle.fetchHistory()).events ?? [];
      assert.ok(events.length > HISTORY_COUNT_MAX && events.length < HISTORY_COUNT_MAX + 10, `${events.length} events`);
      const started = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
      for (const event of started) {
        const attributes = event.workflowTaskStartedEventAttributes;
        const isSuggested = Number(event.eventId) >= SUGGEST_AT;
        assert.equal(attributes?.suggestContinueAsNew ?? false, isSuggested, `event ${Number(event.eventId)}`);
        if (isSuggested)
          assert.deepEqual(attributes?.suggestContinueAsNewReasons, [
            temporal.api.enums.v1.SuggestContinueAsNewReason.SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_HISTORY_EVENTS,
          ]);
      }
      assert.equal(events.at(-1)?.workflowExecutionTerminatedEventAttributes?.identity, 'history-service');
    });
  });
});
