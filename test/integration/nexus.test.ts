// Goal: the seeds' Nexus flows work against Causeway with the official TypeScript SDK: sync and async
// operations across two namespaces, failures, timeouts, cancellation, chains, links and the allowlist.
// Setup: one server with caller-ns, handler-ns and third-ns; an endpoint per test; workers per test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, endpointName, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';

describe('Nexus operations with the TypeScript SDK', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv({ dynamicConfig: { 'component.nexusoperations.retryPolicy.initialInterval': '100ms' } });
  });
  after(async () => {
    await env?.stop();
  });

  const setup = (): Promise<{ endpoint: string; handlerTaskQueue: string }> => env.newHandlerEndpoint();

  test('a sync operation returns its result with Scheduled and Completed events only', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const workflowId = `echo-${randomUUID()}`;
    const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
      env.caller.workflow.execute('echoCaller', { taskQueue, workflowId, args: [endpoint, 'hi there'] }),
    );
    assert.equal(result, 'hi there');
    const history = await env.caller.workflow.getHandle(workflowId).fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    assert.ok(types.includes(48) && types.includes(50), 'NexusOperationScheduled and NexusOperationCompleted');
    assert.ok(!types.includes(49), 'no NexusOperationStarted for a sync operation');
  });

  test('an async operation runs a workflow in the handler namespace and links both histories', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const workflowId = `caller-${randomUUID()}`;
    const orderId = `order-${randomUUID()}`;
    const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
      env.caller.workflow.execute('callerWorkflow', {
        taskQueue,
        workflowId,
        args: [endpoint, orderId, ['item-a', 'item-b']],
      }),
    );
    assert.equal(result, `processed ${orderId} with 2 items`);
    const callerEvents = (await env.caller.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const started = callerEvents.find((e) => e.eventType === 49);
    assert.ok(started?.nexusOperationStartedEventAttributes?.operationToken, 'Started carries the operation token');
    const handlerEvents = (await env.handler.workflow.getHandle(orderId).fetchHistory()).events ?? [];
    const handlerStart = handlerEvents[0];
    const callbacks = handlerStart?.workflowExecutionStartedEventAttributes?.completionCallbacks;
    assert.equal(callbacks?.length, 1);
    // As on the Temporal server, the link back to the caller is kept once, on the completion callback.
    assert.equal(
      callbacks?.[0]?.links?.[0]?.workflowEvent?.workflowId,
      workflowId,
      'handler start links back to the caller',
    );
    assert.equal(handlerStart?.links?.length ?? 0, 0, 'no duplicate of the callback link on the event');
    const link = started?.links?.[0]?.workflowEvent;
    assert.equal(link?.workflowId, orderId, 'caller Started links to the handler workflow');
  });

  async function probe(
    operation: string,
    input: unknown,
    timeouts: Record<string, string> = {},
    handlerRuns = true,
  ): Promise<string> {
    const { endpoint, handlerTaskQueue } = await setup();
    const run = (taskQueue: string): Promise<string> =>
      env.caller.workflow.execute('probeCaller', {
        taskQueue,
        workflowId: `probe-${randomUUID()}`,
        args: [endpoint, operation, input, timeouts],
      });
    if (handlerRuns) return env.withWorkers(handlerTaskQueue, run);
    return env.withWorkers(`nobody-polls-${randomUUID()}`, run);
  }

  test('an operation error reaches the caller as NexusOperationFailure with the application failure', async () => {
    const result = await probe('failOperation', 'out of stock');
    assert.match(result, /^NexusOperationFailure\(.*\) <- ApplicationFailure\(out of stock/);
  });

  test('a non-retryable handler error fails the operation at once with the HandlerError as cause', async () => {
    const result = await probe('failHandler', { type: 'BAD_REQUEST', message: 'bad input' });
    assert.match(result, /^NexusOperationFailure\(.*\) <- HandlerError\(bad input/);
  });

  test('an empty or unknown operation name reaches the handler, which answers NOT_FOUND', async () => {
    for (const operation of ['', 'noSuchOperation']) {
      const result = await probe(operation, 'x');
      assert.match(result, /^NexusOperationFailure\(.*\) <- HandlerError\(.*; type=NOT_FOUND\)/, operation);
    }
  });

  test('callers that join one handler run (USE_EXISTING) each get its result: their callbacks are attached', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const sharedId = `shared-${randomUUID()}`;
    const results = await env.withWorkers(handlerTaskQueue, async (taskQueue) => {
      const callers = await Promise.all(
        [1, 2].map((n) =>
          env.caller.workflow.start('probeCaller', {
            taskQueue,
            workflowId: `joiner-${n}-${randomUUID()}`,
            args: [endpoint, 'joinSignalled', sharedId, {}],
          }),
        ),
      );
      const shared = env.handler.workflow.getHandle(sharedId);
      await eventually(async () => (await shared.describe()).raw.callbacks?.length === 2 || undefined);
      await shared.signal('finish');
      return Promise.all(callers.map((caller) => caller.result()));
    });
    assert.deepEqual(results, ['ok: "finished after signal"', 'ok: "finished after signal"']);
    const events = (await env.handler.workflow.getHandle(sharedId).fetchHistory()).events ?? [];
    const attached = events.filter((e) => e.workflowExecutionOptionsUpdatedEventAttributes);
    assert.equal(attached.length, 1, 'the second start is attached by one WorkflowExecutionOptionsUpdated');
    const attributes = attached[0]?.workflowExecutionOptionsUpdatedEventAttributes;
    assert.ok(attributes?.attachedRequestId, 'with its request id');
    assert.equal(attributes?.attachedCompletionCallbacks?.length, 1, 'and its callback');
    assert.ok((attached[0]?.links?.length ?? 0) > 0, 'and its links');
  });

  test('a retryable handler error is retried until the handler succeeds', async () => {
    const result = await probe('flakyHandler', { key: randomUUID(), failures: 2 });
    assert.equal(result, 'ok: "ok after 2 failures"');
  });

  test('schedule-to-close timeout: a handler that keeps failing times out', async () => {
    const result = await probe(
      'failHandler',
      { type: 'INTERNAL', message: 'always' },
      { scheduleToCloseTimeout: '1500ms' },
    );
    assert.match(
      result,
      /^NexusOperationFailure\(.*\) <- TimeoutFailure\(operation timed out; timeout=SCHEDULE_TO_CLOSE/,
    );
  });

  test('schedule-to-start timeout: no handler worker polls', async () => {
    const result = await probe('echo', { message: 'x' }, { scheduleToStartTimeout: '1s' }, false);
    assert.match(result, /TimeoutFailure\(operation timed out; timeout=SCHEDULE_TO_START/);
  });

  test('start-to-close timeout: an async operation that never completes', async () => {
    const result = await probe('waitForCancel', `wfc-${randomUUID()}`, { startToCloseTimeout: '1s' });
    assert.match(result, /TimeoutFailure\(operation timed out; timeout=START_TO_CLOSE/);
  });

  for (const cancellationType of [
    'WAIT_CANCELLATION_COMPLETED',
    'WAIT_CANCELLATION_REQUESTED',
    'TRY_CANCEL',
    'ABANDON',
  ] as const) {
    test(`cancellation type ${cancellationType}`, async () => {
      const { endpoint, handlerTaskQueue } = await setup();
      const handlerWorkflowId = `wfc-${randomUUID()}`;
      const workflowId = `cancel-${randomUUID()}`;
      const result = await env.withWorkers(handlerTaskQueue, async (taskQueue) => {
        const outcome = await env.caller.workflow.execute('cancelCaller', {
          taskQueue,
          workflowId,
          args: [endpoint, handlerWorkflowId, cancellationType],
        });
        if (cancellationType !== 'ABANDON') {
          const handle = env.handler.workflow.getHandle(handlerWorkflowId);
          const { eventually } = await import('../helpers/eventually');
          await eventually(async () => (await handle.describe()).status.name === 'CANCELLED');
        }
        return outcome;
      });
      assert.match(result, /NexusOperationFailure\(.*\) <- CancelledFailure/);
      const events = (await env.caller.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const types = new Set(events.map((e) => e.eventType));
      if (cancellationType === 'ABANDON') assert.ok(!types.has(54), 'ABANDON sends no cancel request');
      else assert.ok(types.has(54), 'NexusOperationCancelRequested');
      if (cancellationType === 'WAIT_CANCELLATION_COMPLETED') assert.ok(types.has(52), 'NexusOperationCanceled');
      if (cancellationType === 'WAIT_CANCELLATION_REQUESTED')
        assert.ok(types.has(56), 'NexusOperationCancelRequestCompleted');
    });
  }

  test('a chain across three namespaces: caller -> handler-ns -> third-ns', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const thirdTaskQueue = `third-${randomUUID()}`;
    const second = endpointName('third');
    await env.createEndpoint(second, 'third-ns', thirdTaskQueue);
    const orderId = randomUUID();
    const result = await env.withWorkers(
      handlerTaskQueue,
      (taskQueue) =>
        env.caller.workflow.execute('chainCaller', {
          taskQueue,
          workflowId: `chain-caller-${orderId}`,
          args: [endpoint, second, orderId],
        }),
      [{ namespace: 'third-ns', taskQueue: thirdTaskQueue }],
    );
    assert.equal(result, `chained: processed ${orderId}-c with 1 items`);
  });

  test('40 concurrent operations each complete exactly once', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const results = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
      Promise.all(
        ids.map((id) =>
          env.caller.workflow.execute('callerWorkflow', {
            taskQueue,
            workflowId: `many-${id}`,
            args: [endpoint, `order-${id}`, ['a']],
          }),
        ),
      ),
    );
    assert.deepEqual(
      results,
      ids.map((id) => `processed order-${id} with 1 items`),
    );
    for (const id of ids.slice(0, 5)) {
      const events = (await env.caller.workflow.getHandle(`many-${id}`).fetchHistory()).events ?? [];
      assert.equal(events.filter((e) => e.eventType === 50).length, 1, 'exactly one NexusOperationCompleted');
    }
  });

  test('the allowlist refuses a caller namespace that is not on it', async () => {
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const endpoint = endpointName('allow');
    await env.createEndpoint(endpoint, env.handlerNamespace, handlerTaskQueue, ['some-other-ns']);
    const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
      env.caller.workflow.execute('probeCaller', {
        taskQueue,
        workflowId: `allow-${randomUUID()}`,
        args: [endpoint, 'echo', { message: 'x' }, {}],
      }),
    );
    assert.match(result, /HandlerError\(caller namespace "caller-ns" is not allowed to use Nexus endpoint/);
  });
});
