// Goal: StartWorkflowExecution and SignalWithStartWorkflowExecution behave as on a Temporal server: request
// id dedup, duplicate ids, id reuse and conflict policies, memo and search attributes, start delay,
// validation of malformed requests. Setup: one in-process server with a custom Keyword search attribute;
// SDK client calls, raw RPCs through connection.workflowService where the SDK cannot express the request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';

const EventType = temporal.api.enums.v1.EventType;

async function grpcFailure(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.equal(typeof (error as { code?: unknown }).code, 'number', `not a gRPC error: ${String(error)}`);
  return error as { code: number; details: string };
}

describe('starting workflows', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ searchAttributes: { CustomKeyword: 'Keyword' } });
  });
  after(async () => {
    await env?.stop();
  });

  function rawStart(
    overrides: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest>,
  ): Promise<temporal.api.workflowservice.v1.StartWorkflowExecutionResponse> {
    return env.connection.workflowService.startWorkflowExecution({
      namespace: 'default',
      workflowId: uniqueId(),
      workflowType: { name: 'waitForever' },
      taskQueue: { name: uniqueId('tq') },
      requestId: randomUUID(),
      ...overrides,
    });
  }

  test('a repeated request id returns the run it started', async () => {
    const workflowId = uniqueId();
    const requestId = randomUUID();
    const first = await rawStart({ workflowId, requestId });
    assert.equal(first.started, true);
    const second = await rawStart({ workflowId, requestId });
    assert.equal(second.runId, first.runId);
    // The real server answers a retried start as started (service/history/api/startworkflow respondToRetriedRequest).
    assert.equal(second.started, true);
    const other = await grpcFailure(rawStart({ workflowId }));
    assert.equal(other.code, GrpcStatus.ALREADY_EXISTS);
  });

  test('a running workflow id is WorkflowExecutionAlreadyStartedError', async () => {
    const workflowId = uniqueId();
    await env.client.workflow.start('waitForever', { taskQueue: uniqueId('tq'), workflowId });
    const error = await env.client.workflow
      .start('waitForever', { taskQueue: uniqueId('tq'), workflowId })
      .catch((e: unknown) => e);
    assert.ok(error instanceof WorkflowExecutionAlreadyStartedError, String(error));
    assert.equal(error.workflowId, workflowId);
    assert.equal(error.workflowType, 'waitForever');
  });

  test('REJECT_DUPLICATE refuses a closed id; ALLOW_DUPLICATE_FAILED_ONLY allows it only after failure', async () => {
    await env.withWorker(async (taskQueue) => {
      const completedId = uniqueId();
      await env.client.workflow.execute('greeting', { taskQueue, workflowId: completedId, args: ['a'] });
      for (const policy of [
        WorkflowIdReusePolicy.REJECT_DUPLICATE,
        WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      ]) {
        const error = await env.client.workflow
          .start('greeting', { taskQueue, workflowId: completedId, args: ['b'], workflowIdReusePolicy: policy })
          .catch((e: unknown) => e);
        assert.ok(error instanceof WorkflowExecutionAlreadyStartedError, `${policy}: ${String(error)}`);
      }
      const rerun = await env.client.workflow.execute('greeting', {
        taskQueue,
        workflowId: completedId,
        args: ['c'],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      assert.equal(rerun, 'Hello, c!');

      const failedId = uniqueId();
      await env.client.workflow
        .execute('failing', { taskQueue, workflowId: failedId, args: ['x'] })
        .catch(() => undefined);
      const retried = await env.client.workflow.execute('greeting', {
        taskQueue,
        workflowId: failedId,
        args: ['again'],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      });
      assert.equal(retried, 'Hello, again!');
      const rejected = await env.client.workflow
        .start('greeting', {
          taskQueue,
          workflowId: failedId,
          args: ['b'],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        })
        .catch((e: unknown) => e);
      assert.ok(rejected instanceof WorkflowExecutionAlreadyStartedError, String(rejected));
    });
  });

  test('USE_EXISTING returns the running run; TERMINATE_EXISTING terminates it', async () => {
    const workflowId = uniqueId();
    const taskQueue = uniqueId('tq');
    const first = await env.client.workflow.start('waitForever', { taskQueue, workflowId });
    const existing = await env.client.workflow.start('waitForever', {
      taskQueue,
      workflowId,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    assert.equal(existing.firstExecutionRunId, first.firstExecutionRunId);

    const replacement = await env.client.workflow.start('waitForever', {
      taskQueue,
      workflowId,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
    });
    assert.notEqual(replacement.firstExecutionRunId, first.firstExecutionRunId);
    const old = await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe();
    assert.equal(old.status.name, 'TERMINATED');
    const current = await env.client.workflow.getHandle(workflowId).describe();
    assert.equal(current.runId, replacement.firstExecutionRunId);
    assert.equal(current.status.name, 'RUNNING');
  });

  test('memo and search attributes are visible in describe', async () => {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { CustomInt: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT },
    });
    const workflowId = uniqueId();
    const handle = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId,
      memo: { owner: 'alice', attempt: 2 },
      searchAttributes: { CustomKeyword: ['blue'], CustomInt: [7] },
    });
    const description = await handle.describe();
    assert.deepEqual(description.memo, { owner: 'alice', attempt: 2 });
    assert.deepEqual(description.searchAttributes['CustomKeyword'], ['blue']);
    assert.deepEqual(description.searchAttributes['CustomInt'], [7]);
    // The real server sets each registered attribute's type on the way out, so typed reads work too.
    assert.equal(
      description.typedSearchAttributes.get(defineSearchAttributeKey('CustomKeyword', SearchAttributeType.KEYWORD)),
      'blue',
    );
    assert.equal(
      description.typedSearchAttributes.get(defineSearchAttributeKey('CustomInt', SearchAttributeType.INT)),
      7,
    );
    const count = await eventually(
      async () =>
        (await env.client.workflow.count(`WorkflowId = '${workflowId}' AND CustomKeyword = 'blue' AND CustomInt = 7`))
          .count,
    );
    assert.equal(count, 1);
  });

  test('a start keeps its priority, summary and details: in describe and on WorkflowExecutionStarted', async () => {
    const handle = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
      priority: { priorityKey: 3, fairnessKey: 'tenant-a', fairnessWeight: 2 },
      staticSummary: 'a summary',
      staticDetails: 'some **details**',
    });
    const description = await handle.describe();
    assert.equal(description.priority?.priorityKey, 3);
    assert.equal(description.priority?.fairnessKey, 'tenant-a');
    assert.equal(description.priority?.fairnessWeight, 2);
    assert.equal(await description.staticSummary(), 'a summary');
    assert.equal(await description.staticDetails(), 'some **details**');
    const started = (await handle.fetchHistory()).events?.[0];
    assert.equal(started?.workflowExecutionStartedEventAttributes?.priority?.priorityKey, 3);
    assert.ok(started?.userMetadata?.summary, 'the started event carries the user metadata');
    await handle.terminate('done');
  });

  test('a start delay postpones the first workflow task', async () => {
    await env.withWorker(async (taskQueue) => {
      const startedAt = Date.now();
      const handle = await env.client.workflow.start('greeting', {
        taskQueue,
        workflowId: uniqueId(),
        args: ['later'],
        startDelay: '1s',
      });
      assert.equal(await handle.result(), 'Hello, later!');
      assert.ok(Date.now() - startedAt >= 900, 'the workflow ran before its start delay');
      const events = (await handle.fetchHistory()).events ?? [];
      const started = events[0]?.workflowExecutionStartedEventAttributes;
      assert.equal(Number(started?.firstWorkflowTaskBackoff?.seconds), 1);
      const scheduled = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
      const delayMs =
        Number(scheduled?.eventTime?.seconds) * 1000 +
        Number(scheduled?.eventTime?.nanos) / 1e6 -
        (Number(events[0]?.eventTime?.seconds) * 1000 + Number(events[0]?.eventTime?.nanos) / 1e6);
      assert.ok(delayMs >= 990, `first workflow task scheduled after ${delayMs} ms`);
      const description = await handle.describe();
      assert.ok((description.executionTime?.getTime() ?? 0) - description.startTime.getTime() >= 1000);
    });
  });

  test('malformed start requests are INVALID_ARGUMENT naming the field', async () => {
    const cases: [Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest>, RegExp][] = [
      [{ workflowId: '' }, /WorkflowId/],
      [{ workflowId: 'x'.repeat(1001) }, /WorkflowId/],
      [{ taskQueue: null }, /taskQueue/i],
      [{ taskQueue: { name: '' } }, /^missing task queue name$/],
      [{ taskQueue: { name: 'q'.repeat(1001) } }, /^taskQueue length exceeds limit$/],
      [{ taskQueue: { name: '/_sys/my-queue/1' } }, /^task queue name cannot start with reserved prefix \/_sys\/$/],
      [{ workflowType: null }, /WorkflowType/],
      [{ workflowType: { name: '' } }, /WorkflowType/],
      [{ workflowRunTimeout: { seconds: Long.fromNumber(-1) } }, /WorkflowRunTimeout/],
    ];
    for (const [overrides, message] of cases) {
      const error = await grpcFailure(rawStart(overrides));
      assert.equal(
        error.code,
        GrpcStatus.INVALID_ARGUMENT,
        `${JSON.stringify(overrides).slice(0, 80)}: ${error.details}`,
      );
      assert.match(error.details, message);
    }
  });

  test('polls name a valid task queue, as the Temporal frontend checks it', async () => {
    const service = env.connection.workflowService;
    const polls = [
      (name: string) => service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name } }),
      (name: string) => service.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name } }),
      (name: string) => service.pollNexusTaskQueue({ namespace: 'default', taskQueue: { name } }),
    ];
    for (const poll of polls) {
      for (const [name, message] of [
        ['', /^missing task queue name$/],
        ['/_sys/q/3', /reserved prefix \/_sys\//],
        ['q'.repeat(1001), /^taskQueue length exceeds limit$/],
      ] as const) {
        const error = await grpcFailure(poll(name));
        assert.equal(error.code, GrpcStatus.INVALID_ARGUMENT, `${name.slice(0, 20)}: ${error.details}`);
        assert.match(error.details, message);
      }
    }
  });

  test('signals keep the links of their request on the event and answer with a link to it', async () => {
    const service = env.connection.workflowService;
    const callerLink = (id: string): temporal.api.common.v1.ILink => ({
      workflowEvent: {
        namespace: 'caller-ns',
        workflowId: id,
        runId: randomUUID(),
        eventRef: { eventId: Long.fromNumber(5), eventType: EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED },
      },
    });
    const signaledEvent = async (workflowId: string, requestId: string) => {
      const { events } = await env.client.workflow.getHandle(workflowId).fetchHistory();
      return (events ?? []).find((e) => e.workflowExecutionSignaledEventAttributes?.requestId === requestId);
    };
    const workflowId = uniqueId();
    const viaStart = randomUUID();
    const started = await service.signalWithStartWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'waitForever' },
      taskQueue: { name: uniqueId('tq') },
      signalName: 'hello',
      requestId: viaStart,
      links: [callerLink('first')],
    });
    const startLink = started.signalLink?.workflowEvent;
    assert.equal(startLink?.workflowId, workflowId);
    assert.equal(startLink?.runId, started.runId);
    assert.equal(startLink?.requestIdRef?.requestId, viaStart);
    assert.equal(startLink?.requestIdRef?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    assert.equal((await signaledEvent(workflowId, viaStart))?.links?.[0]?.workflowEvent?.workflowId, 'first');

    const viaSignal = randomUUID();
    const signalled = await service.signalWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId },
      signalName: 'again',
      requestId: viaSignal,
      links: [callerLink('second')],
    });
    assert.equal(signalled.link?.workflowEvent?.runId, started.runId);
    assert.equal(signalled.link?.workflowEvent?.requestIdRef?.requestId, viaSignal);
    assert.equal((await signaledEvent(workflowId, viaSignal))?.links?.[0]?.workflowEvent?.workflowId, 'second');
    await env.client.workflow.getHandle(workflowId).terminate('done');
  });

  test('SignalWithStart starts an absent workflow and signals a running one', async () => {
    await env.withWorker(async (taskQueue) => {
      const workflowId = uniqueId();
      const first = await env.client.workflow.signalWithStart('counter', {
        taskQueue,
        workflowId,
        signal: 'add',
        signalArgs: [5],
      });
      assert.equal(await first.query('total'), 5);
      const second = await env.client.workflow.signalWithStart('counter', {
        taskQueue,
        workflowId,
        signal: 'add',
        signalArgs: [3],
      });
      assert.equal(second.signaledRunId, first.signaledRunId);
      await eventually(async () => (await second.query('total')) === 8);
      await second.signal('done');
      assert.equal(await second.result(), 8);
      const events = (await second.fetchHistory()).events ?? [];
      const signals = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      assert.deepEqual(
        signals.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName),
        ['add', 'add', 'done'],
      );
    });
  });

  test('a retried SignalWithStart signals once; a malformed one is rejected even when the workflow runs', async () => {
    const service = env.connection.workflowService;
    const workflowId = uniqueId();
    const request = {
      namespace: 'default',
      workflowId,
      workflowType: { name: 'waitForever' },
      taskQueue: { name: uniqueId('tq') },
      signalName: 'add',
      requestId: randomUUID(),
    };
    const first = await service.signalWithStartWorkflowExecution(request);
    assert.equal(first.started, true);
    const retried = await service.signalWithStartWorkflowExecution(request);
    assert.equal(retried.runId, first.runId);
    await service.signalWithStartWorkflowExecution({ ...request, requestId: randomUUID() });
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    assert.equal(events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length, 2);
    for (const [overrides, message] of [
      [{ taskQueue: null }, /taskQueue/i],
      [{ signalName: '' }, /SignalName/],
      [{ workflowType: null }, /WorkflowType/],
    ] as const) {
      const error = await grpcFailure(
        service.signalWithStartWorkflowExecution({ ...request, requestId: randomUUID(), ...overrides }),
      );
      assert.equal(error.code, GrpcStatus.INVALID_ARGUMENT);
      assert.match(error.details, message);
    }
  });
});
