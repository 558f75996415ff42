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
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { TerminatedFailure, type SearchAttributes } from '@temporalio/common';
import { google, temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';
import type { ActivityOutcome } from '../fixtures/workflows';

const LIMIT_BYTES = 10_000;
const LARGE = LIMIT_BYTES + 1000;
const HISTORY_COUNT_MAX = 40;
const SUGGEST_AT = 12;
const EventType = temporal.api.enums.v1.EventType;
const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
const SA_VALUE_MAX = 100;
const SA_TOTAL_MAX = 300;
const SA_KEYS_MAX = 3;

/** The gRPC error, also as the cause of the SDK's own error. */
function isInvalid(message: string) {
  return (error: { code?: number; details?: string; cause?: { code?: number; details?: string } }): boolean => {
    const grpcError = error.code === undefined ? (error.cause ?? {}) : error;
    assert.equal(grpcError.code, grpcStatus.INVALID_ARGUMENT, grpcError.details);
    assert.equal(grpcError.details, message);
    return true;
  };
}

/** The run's first failed workflow task: its cause and message. */
async function firstTaskFailure(handle: {
  fetchHistory(): Promise<temporal.api.history.v1.IHistory>;
}): Promise<{ cause: number; message: string } | undefined> {
  const events = (await handle.fetchHistory()).events ?? [];
  const failed = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  const attributes = failed?.workflowTaskFailedEventAttributes;
  return attributes ? { cause: attributes.cause ?? 0, message: attributes.failure?.message ?? '' } : undefined;
}

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
        'limit.memoSize.error': LIMIT_BYTES,
        'frontend.searchAttributesNumberOfKeysLimit': SA_KEYS_MAX,
        'frontend.searchAttributesSizeOfValueLimit': SA_VALUE_MAX,
        'frontend.searchAttributesTotalSizeLimit': SA_TOTAL_MAX,
        'limit.numPendingSignals.error': 1,
        'limit.numPendingCancelRequests.error': 1,
      },
      searchAttributes: { CustomKeyword: 'Keyword', CustomText: 'Text', CustomInt: 'Int', CustomBool: 'Bool' },
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

  test('a start whose memo or search attributes are past their limits is refused', async () => {
    const taskQueue = uniqueId('nobody');
    const start = (options: { memo?: Record<string, unknown>; searchAttributes?: SearchAttributes }) =>
      env.client.workflow.start('waitForever', { taskQueue, workflowId: uniqueId(), ...options });
    await assert.rejects(start({ memo: { big: 'x'.repeat(LARGE) } }), isInvalid('Memo size exceeds limit.'));
    await assert.rejects(
      start({ searchAttributes: { CustomKeyword: ['k'], CustomText: ['t'], CustomInt: [1], CustomBool: [true] } }),
      isInvalid(`number of search attributes 4 exceeds limit ${SA_KEYS_MAX}`),
    );
    const value = 'x'.repeat(SA_VALUE_MAX);
    await assert.rejects(
      start({ searchAttributes: { CustomKeyword: [value] } }),
      // The value's data is the JSON array, two quotes and two brackets more than the text.
      isInvalid(`search attribute CustomKeyword value size ${SA_VALUE_MAX + 4} exceeds size limit ${SA_VALUE_MAX}`),
    );
    const near = 'x'.repeat(SA_VALUE_MAX - 10);
    await assert.rejects(
      start({ searchAttributes: { CustomKeyword: [near], CustomText: [near], CustomInt: [1] } }),
      (error: { details?: string; cause?: { details?: string } }) =>
        /^total size of search attributes \d+ exceeds size limit 300$/.test(
          error.cause?.details ?? error.details ?? '',
        ),
    );
    const within = await start({ memo: { small: 'x' }, searchAttributes: { CustomKeyword: [near] } });
    await within.terminate('done');
  });

  test('an upserted memo past the limit terminates the run; a memo key set to null is removed', async () => {
    await env.withWorker(async (taskQueue) => {
      const small = await env.client.workflow.start('upsertingMemo', { taskQueue, workflowId: uniqueId(), args: [10] });
      await eventually(async () => {
        const memo = (await small.describe()).memo ?? {};
        return 'big' in memo && !('gone' in memo);
      });
      await small.signal('done');
      await small.result();

      const large = await env.client.workflow.start('upsertingMemo', {
        taskQueue,
        workflowId: uniqueId(),
        args: [LARGE],
      });
      const error = await large.result().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError && error.cause instanceof TerminatedFailure, String(error));
      assert.equal(
        error.cause.message,
        'BadModifyWorkflowPropertiesAttributes: ModifyWorkflowPropertiesCommandAttributes. Memo exceeds size limit.',
      );
      assert.equal(
        (await firstTaskFailure(large))?.cause,
        Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES,
      );
    });
  });

  test('an upserted search attribute past its size limit terminates the run', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('upsertingLargeKeyword', {
        taskQueue,
        workflowId: uniqueId(),
        args: [SA_VALUE_MAX],
      });
      const error = await handle.result().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError && error.cause instanceof TerminatedFailure, String(error));
      assert.equal(
        error.cause.message,
        `BadSearchAttributes: search attribute CustomKeyword value size ${SA_VALUE_MAX + 4} exceeds size limit ${SA_VALUE_MAX}`,
      );
    });
  });

  test('signals and cancel requests to other workflows past the pending limits fail the workflow task', async () => {
    await env.withWorker(async (taskQueue) => {
      const targets = [uniqueId('target'), uniqueId('target')];
      for (const [how, cause, what] of [
        [
          'signal',
          Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_SIGNALS_LIMIT_EXCEEDED,
          'pending signals to external workflows',
        ],
        [
          'cancel',
          Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_REQUEST_CANCEL_LIMIT_EXCEEDED,
          'pending requests to cancel external workflows',
        ],
      ] as const) {
        const handle = await env.client.workflow.start('reachingOut', {
          taskQueue,
          workflowId: uniqueId(),
          args: [how, targets],
        });
        const failure = await eventually(() => firstTaskFailure(handle));
        assert.equal(failure.cause, cause);
        assert.equal(failure.message, `the number of ${what}, 1, has reached the per-workflow limit of 1`);
        await handle.terminate('done');
      }
    });
  });
});

describe('request rate per namespace', () => {
  let server: TestServer;
  let connection: Connection;
  before(async () => {
    server = await startTestServer({
      port: 0,
      logLevel: 'error',
      namespaces: ['limited', 'unlimited'],
      dynamicConfig: { 'frontend.namespaceRPS': 2, 'frontend.namespaceBurstRatio': 1 },
    });
    // No retry interceptor: the test sees each answer as the server gives it.
    connection = await Connection.connect({ address: server.address, interceptors: [] });
  });
  after(async () => {
    await connection?.close();
    await server?.stop();
  });

  test('past frontend.namespaceRPS a namespace gets RESOURCE_EXHAUSTED, other namespaces do not', async () => {
    const describe = (namespace: string) => connection.workflowService.describeNamespace({ namespace });
    await describe('limited');
    await describe('limited');
    const error = await describe('limited').then(
      () => assert.fail('a third request in the same second went through'),
      (e: unknown) => e as { code?: number; details?: string; metadata?: { get(k: string): unknown[] } },
    );
    assert.equal(error.code, grpcStatus.RESOURCE_EXHAUSTED);
    assert.equal(error.details, 'namespace rate limit exceeded');
    const details = temporal.api.errordetails.v1.ResourceExhaustedFailure;
    const status = error.metadata?.get('grpc-status-details-bin')[0] as Buffer;
    const failure = details.decode(google.rpc.Status.decode(status).details?.[0]?.value ?? new Uint8Array());
    assert.equal(failure.cause, temporal.api.enums.v1.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT);
    assert.equal(failure.scope, temporal.api.enums.v1.ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE);
    // Another namespace has a bucket of its own; this one refills at 2 a second.
    await describe('unlimited');
    await eventually(() => describe('limited'));
    // The SDK's client retries RESOURCE_EXHAUSTED with backoff: a burst of starts all go through.
    const client = new Client({
      connection: await Connection.connect({ address: server.address }),
      namespace: 'limited',
    });
    const handles = await Promise.all(
      Array.from({ length: 4 }, () =>
        client.workflow.start('waitForever', { taskQueue: 'nobody', workflowId: uniqueId() }),
      ),
    );
    assert.equal(new Set(handles.map((h) => h.firstExecutionRunId)).size, 4);
    await client.connection.close();
  });
});
