// Goal: cancel, terminate, parent close policies, queries and updates behave as on a Temporal server and
// surface as the SDK's own error classes: cancellation reaches the workflow, termination records its reason,
// unknown workflows are WorkflowNotFoundError, a terminated parent terminates its child, closed workflows
// answer queries (subject to QueryRejectCondition), unknown queries are QueryNotRegisteredError, and updates
// are polled to their result. Setup: one in-process server, a worker per test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client,
  Connection,
  QueryNotRegisteredError,
  QueryRejectedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';

const EventType = temporal.api.enums.v1.EventType;

describe('cancel, terminate, queries and updates', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  async function eventTypes(workflowId: string, runId?: string): Promise<number[]> {
    const { events } = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    return (events ?? []).map((e) => e.eventType ?? 0);
  }

  test('describe shows the extended info: deadlines, original start time, a cancel that was asked', async () => {
    const workflowId = uniqueId();
    // No worker polls this queue: the run stays open with its cancel request recorded.
    const handle = await env.client.workflow.start('waitForever', {
      taskQueue: `nobody-${workflowId}`,
      workflowId,
      workflowExecutionTimeout: '1h',
      workflowRunTimeout: '30m',
    });
    const before = await env.connection.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId },
    });
    const info = before.workflowExtendedInfo;
    assert.equal(info?.cancelRequested, false);
    const started = Number(before.workflowExecutionInfo?.startTime?.seconds);
    assert.equal(Number(info?.originalStartTime?.seconds), started);
    assert.equal(Number(info?.executionExpirationTime?.seconds) - started, 3600);
    assert.equal(Number(info?.runExpirationTime?.seconds) - started, 1800);
    assert.equal(Object.keys(info?.requestIdInfos ?? {}).length, 1, 'the start request id, at the started event');
    await handle.cancel();
    const after = await env.connection.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId },
    });
    assert.equal(after.workflowExtendedInfo?.cancelRequested, true);
    await handle.terminate('done');
  });

  test('cancel reaches the workflow, which closes as canceled', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('cancellable', { taskQueue, workflowId: uniqueId() });
      await eventually(async () => (await eventTypes(handle.workflowId)).includes(EventType.EVENT_TYPE_TIMER_STARTED));
      await handle.cancel();
      const error = await handle.result().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError, String(error));
      assert.ok(error.cause instanceof CancelledFailure, String(error.cause));
      const types = await eventTypes(handle.workflowId);
      assert.ok(types.includes(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED));
      assert.equal(types.at(-1), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
      assert.equal((await handle.describe()).status.name, 'CANCELLED');
    });
  });

  test('terminate closes the workflow with the reason', async () => {
    const handle = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
    });
    await handle.terminate('enough');
    const { events } = await handle.fetchHistory();
    const last = events?.at(-1);
    assert.equal(last?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    assert.equal(last?.workflowExecutionTerminatedEventAttributes?.reason, 'enough');
    const error = await handle.result().catch((e: unknown) => e);
    assert.ok(error instanceof WorkflowFailedError, String(error));
    assert.ok(error.cause instanceof TerminatedFailure, String(error.cause));
    assert.equal(error.cause.message, 'enough');
    assert.equal((await handle.describe()).status.name, 'TERMINATED');
  });

  test('DeleteWorkflowExecution deletes a closed run and terminates a running one first', async () => {
    const service = env.client.workflowService;
    const deleteRun = (workflowId: string) =>
      service.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
    const running = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
    });
    const closed = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
    });
    await closed.terminate('closed first');
    // The running run's caller sees it end as terminated by the delete, before it is gone.
    const outcome = running.result().catch((e: unknown) => e);
    await deleteRun(running.workflowId);
    await deleteRun(closed.workflowId);
    const error = await outcome;
    assert.ok(error instanceof WorkflowFailedError && error.cause instanceof TerminatedFailure, String(error));
    for (const handle of [running, closed]) {
      await eventually(
        async () => (await handle.describe().catch((e: unknown) => e)) instanceof WorkflowNotFoundError || undefined,
      );
      const { executions } = await service.listWorkflowExecutions({
        namespace: 'default',
        query: `WorkflowId = '${handle.workflowId}'`,
      });
      assert.equal(executions.length, 0, 'visibility forgets a deleted run');
    }
    await assert.rejects(deleteRun(uniqueId('missing')), (e: { code?: number }) => e.code === GrpcStatus.NOT_FOUND);
    await assert.rejects(
      service.deleteWorkflowExecution({ namespace: 'default' }),
      (e: { code?: number; details?: string }) =>
        e.code === GrpcStatus.INVALID_ARGUMENT && e.details === 'Execution is not set on request.',
    );
  });

  test('cancel and terminate of an unknown or closed workflow are WorkflowNotFoundError', async () => {
    const unknown = env.client.workflow.getHandle(uniqueId('missing'));
    for (const call of [() => unknown.cancel(), () => unknown.terminate('x'), () => unknown.describe()]) {
      const error = await call().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowNotFoundError, String(error));
    }
    const closed = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
    });
    await closed.terminate();
    for (const call of [() => closed.cancel(), () => closed.terminate('again')]) {
      const error = await call().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowNotFoundError, String(error));
      assert.match(error.message, /already completed/);
    }
  });

  test('a terminated parent terminates its child under ParentClosePolicy TERMINATE; describe lists pending children', async () => {
    await env.withWorker(async (taskQueue) => {
      const parent = await env.client.workflow.start('parentWaitingOnLongChild', {
        taskQueue,
        workflowId: uniqueId('parent'),
      });
      const childId = `${parent.workflowId}-child`;
      const pending = await eventually(async () => {
        const children = (await parent.describe()).raw.pendingChildren ?? [];
        return children.length === 1 &&
          (await eventTypes(parent.workflowId)).includes(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
          ? children
          : undefined;
      });
      assert.equal(pending[0]?.workflowId, childId);
      assert.equal(pending[0]?.workflowTypeName, 'sleeper');
      assert.equal(
        pending[0]?.parentClosePolicy,
        temporal.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
      );
      const child = env.client.workflow.getHandle(childId);
      assert.equal((await child.describe()).parentExecution?.workflowId, parent.workflowId);

      await parent.terminate('parent gone');
      await eventually(async () => (await child.describe()).status.name === 'TERMINATED');
      const { events } = await child.fetchHistory();
      assert.equal(events?.at(-1)?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
      assert.equal(events?.at(-1)?.workflowExecutionTerminatedEventAttributes?.reason, 'by parent close policy');
    });
  });

  test('a completed parent (parentOfLongChild) terminates its child under ParentClosePolicy TERMINATE', async () => {
    await env.withWorker(async (taskQueue) => {
      const workflowId = uniqueId('parent');
      assert.equal(await env.client.workflow.execute('parentOfLongChild', { taskQueue, workflowId }), 'started');
      const child = env.client.workflow.getHandle(`${workflowId}-child`);
      await eventually(async () => (await child.describe()).status.name === 'TERMINATED');
    });
  });

  test('a closed workflow answers queries, subject to QueryRejectCondition', async () => {
    await env.withWorker(async (taskQueue) => {
      const completed = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId() });
      await completed.signal('add', 4);
      await completed.signal('done');
      assert.equal(await completed.result(), 4);
      assert.equal(await completed.query('total'), 4);

      const notOpen = new Client({ connection: env.connection, workflow: { queryRejectCondition: 'NOT_OPEN' } });
      const rejected = await notOpen.workflow
        .getHandle(completed.workflowId)
        .query('total')
        .catch((e: unknown) => e);
      assert.ok(rejected instanceof QueryRejectedError, String(rejected));
      assert.equal(rejected.status, temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

      const notCompletedCleanly = new Client({
        connection: env.connection,
        workflow: { queryRejectCondition: 'NOT_COMPLETED_CLEANLY' },
      });
      assert.equal(await notCompletedCleanly.workflow.getHandle(completed.workflowId).query('total'), 4);
      const terminated = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId() });
      await terminated.signal('add', 2);
      assert.equal(await terminated.query('total'), 2);
      await terminated.terminate();
      assert.equal(await terminated.query('total'), 2);
      const dirty = await notCompletedCleanly.workflow
        .getHandle(terminated.workflowId)
        .query('total')
        .catch((e: unknown) => e);
      assert.ok(dirty instanceof QueryRejectedError, String(dirty));
      assert.equal(dirty.status, temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    });
  });

  test('an unknown query type is QueryNotRegisteredError', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId() });
      assert.equal(await handle.query('total'), 0);
      const error = await handle.query('noSuchQuery').catch((e: unknown) => e);
      assert.ok(error instanceof QueryNotRegisteredError, String(error));
      assert.match(error.message, /noSuchQuery/);
      await handle.terminate();
      const closed = await handle.query('noSuchQuery').catch((e: unknown) => e);
      assert.ok(closed instanceof QueryNotRegisteredError, String(closed));
    });
  });

  test('startUpdate then result() polls the update to its outcome; an update on a closed workflow fails', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId() });
      const update = await handle.startUpdate('increment', {
        args: [6],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
        updateId: 'inc-6',
      });
      assert.equal(update.updateId, 'inc-6');
      assert.equal(await update.result(), 6);
      assert.equal(await handle.getUpdateHandle<number>('inc-6').result(), 6);
      const again = await handle.executeUpdate('increment', { args: [6], updateId: 'inc-6' });
      assert.equal(again, 6, 'a repeated update id returns the first outcome');

      await handle.signal('done');
      assert.equal(await handle.result(), 6);
      const closed = await handle.executeUpdate('increment', { args: [1] }).catch((e: unknown) => e);
      assert.ok(closed instanceof WorkflowNotFoundError, String(closed));
      assert.match(closed.message, /already completed/);
    });
  });

  test('ten updates in flight on a run: the eleventh is RESOURCE_EXHAUSTED, as on the Temporal server', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('heldUpdates', { taskQueue, workflowId: uniqueId() });
      const updates = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          handle.startUpdate('wait', { args: [String(index)], waitForStage: WorkflowUpdateStage.ACCEPTED }),
        ),
      );
      // Without the SDK's retries, to see the first answer.
      const raw = await Connection.connect({ address: env.server.address, interceptors: [] });
      try {
        const error = await raw.workflowService
          .updateWorkflowExecution({
            namespace: 'default',
            workflowExecution: { workflowId: handle.workflowId },
            request: { meta: { updateId: 'eleventh' }, input: { name: 'wait', args: { payloads: [] } } },
            waitPolicy: {
              lifecycleStage:
                temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
                  .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
            },
          })
          .then(
            () => assert.fail('the eleventh update was admitted'),
            (e: unknown) => e as { code: number; details: string },
          );
        assert.equal(error.code, GrpcStatus.RESOURCE_EXHAUSTED);
        assert.equal(error.details, 'limit on number of concurrent in-flight updates has been reached (10)');
      } finally {
        await raw.close();
      }
      await handle.signal('release');
      assert.deepEqual(
        await Promise.all(updates.map((update) => update.result())),
        updates.map((_, index) => `done ${index}`),
      );
      assert.equal(await handle.result(), 10);
    });
  });
});
