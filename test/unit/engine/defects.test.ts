// Goal: the defects the single-process engine had stay fixed. Each test reproduces one: (1) a circuit
// breaker refusal of a cancel changed the operation itself and sent StartOperation again; (2) a retried
// signal that arrived while a workflow task ran was applied twice; (3) provisional ids of buffered
// events restarted after a reload; (4) continue-as-new skipped the parent close policy; (5) side effects
// (a cancel request) ran inside a transaction that then failed. Setup: the engine alone (EngineHarness)
// with a fake clock and a scripted Nexus dispatcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EngineHarness,
  continueAsNew,
  requestCancelNexusOperation,
  scheduleActivity,
  scheduleNexusOperation,
  startChild,
} from '../../helpers/engine-harness';
import { signalWorkflowExecution } from '../../../src/engine/client-api';
import { respondActivityCompleted } from '../../../src/engine/activity-task-api';
import { decodeTaskToken } from '../../../src/engine/tasks';
import { breakerKey } from '../../../src/nexus/operation-executor';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import type { ShardCommit } from '../../../src/store/store';
import { EventType, decodeEvent, temporal } from '../../../src/common/proto';

const ASYNC_STARTED = {
  kind: 'response',
  response: { startOperation: { asyncSuccess: { operationToken: 'token-1' } } },
} as const;
const CANCEL_ACCEPTED = { kind: 'response', response: { cancelOperation: {} } } as const;

async function startedOperation(
  h: EngineHarness,
  workflowId: string,
): Promise<{ key: Awaited<ReturnType<EngineHarness['startWorkflow']>>; scheduledEventId: number }> {
  await h.endpoints.create({ name: 'ep', target: { worker: { namespace: 'handler-ns', taskQueue: 'htq' } } }, null);
  h.dispatcher.reply(ASYNC_STARTED);
  const key = await h.startWorkflow(workflowId);
  await h.runWorkflowTask(key, [scheduleNexusOperation('ep')]);
  const scheduled = (await h.history(key)).find((e) => e.eventType === EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED);
  assert.ok((await h.eventTypes(key)).includes('NEXUS_OPERATION_STARTED'));
  return { key, scheduledEventId: Number(scheduled?.eventId) };
}

test('(1) a circuit breaker holding back a cancel leaves the operation started and sends the cancel later', async () => {
  const h = await EngineHarness.start();
  try {
    const { key, scheduledEventId } = await startedOperation(h, 'breaker-cancel');
    const breaker = breakerKey(h.namespace.id, 'ep');
    h.breakers.recordFailure(breaker);
    h.breakers.recordFailure(breaker);
    assert.ok(h.breakers.isOpen(breaker));
    await h.runWorkflowTask(key, [requestCancelNexusOperation(scheduledEventId)]);
    await h.clock.advance(30_000);
    assert.equal(h.dispatcher.requests.length, 1, 'nothing is sent while the breaker is open');
    const pending = (await h.describe(key)).pendingNexusOperations?.[0];
    assert.equal(
      pending?.state,
      temporal.api.enums.v1.PendingNexusOperationState.PENDING_NEXUS_OPERATION_STATE_STARTED,
    );
    assert.equal(
      pending?.cancellationInfo?.state,
      temporal.api.enums.v1.NexusOperationCancellationState.NEXUS_OPERATION_CANCELLATION_STATE_BLOCKED,
    );
    assert.equal(pending?.cancellationInfo?.blockedReason, 'The circuit breaker is open.');
    h.dispatcher.reply(CANCEL_ACCEPTED);
    await h.clock.advance(30_000);
    assert.equal(h.dispatcher.requests.length, 2);
    assert.ok(h.dispatcher.requests[1]?.cancelOperation, 'the second request is the cancel, not another start');
    const types = await h.eventTypes(key);
    assert.equal(types.filter((t) => t === 'NEXUS_OPERATION_STARTED').length, 1);
    assert.ok(types.includes('NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED'));
  } finally {
    await h.stop();
  }
});

test('(2) a retried signal (same request id) is applied once, also while a workflow task runs', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('signal-dedup');
    const running = await h.startWorkflowTask(key);
    const signal = {
      namespace: 'default',
      workflowExecution: { workflowId: key.workflowId },
      signalName: 's',
      requestId: 'req-1',
    };
    await signalWorkflowExecution(h.engine, h.namespace, signal);
    await signalWorkflowExecution(h.engine, h.namespace, signal);
    await h.completeWorkflowTask(running, []);
    await signalWorkflowExecution(h.engine, h.namespace, signal);
    assert.equal((await h.eventTypes(key)).filter((t) => t === 'WORKFLOW_EXECUTION_SIGNALED').length, 1);
  } finally {
    await h.stop();
  }
});

test('(3) buffered events keep distinct provisional ids across a reload, so references resolve right', async () => {
  const store = new SqliteStore();
  const h = await EngineHarness.start({ store });
  try {
    const key = await h.startWorkflow('provisional-ids');
    await h.runWorkflowTask(key, [scheduleActivity('a1')]);
    const activity = await h.startActivity(key);
    await signalWorkflowExecution(h.engine, h.namespace, {
      namespace: 'default',
      workflowExecution: key,
      signalName: 'wake',
    });
    const running = await h.startWorkflowTask(key);
    await signalWorkflowExecution(h.engine, h.namespace, {
      namespace: 'default',
      workflowExecution: key,
      signalName: 'buffered',
    });
    await h.restart();
    const token = decodeTaskToken(activity.taskToken);
    assert.equal(token.k, 'act');
    if (token.k !== 'act') return;
    await respondActivityCompleted(h.engine, { kind: 'token', token }, null, 'worker');
    await h.completeWorkflowTask(running, []);
    const events = await h.history(key);
    const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    const completed = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    assert.ok(started && completed);
    assert.equal(Number(completed.activityTaskCompletedEventAttributes?.startedEventId), Number(started.eventId));
  } finally {
    await h.stop();
  }
});

test('(4) continue-as-new applies the parent close policy: a TERMINATE child is terminated', async () => {
  const h = await EngineHarness.start();
  try {
    const parent = await h.startWorkflow('parent-can');
    await h.runWorkflowTask(parent, [startChild('child-of-can')]);
    const childStarted = (await h.history(parent)).find((e) => e.childWorkflowExecutionStartedEventAttributes);
    const childRunId = childStarted?.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.runId ?? '';
    assert.ok(childRunId, 'the child started');
    await h.runWorkflowTask(parent, [continueAsNew()]);
    const child = { namespaceId: h.namespace.id, workflowId: 'child-of-can', runId: childRunId };
    assert.equal((await h.eventTypes(child)).at(-1), 'WORKFLOW_EXECUTION_TERMINATED');
    const terminated = (await h.history(child)).at(-1)?.workflowExecutionTerminatedEventAttributes;
    assert.equal(terminated?.reason, 'by parent close policy');
  } finally {
    await h.stop();
  }
});

/** Fails the first commit that writes a given event type, as a crash or a full disk would. */
class FailingStore extends SqliteStore {
  constructor(private readonly failOn: number) {
    super();
  }

  private isArmed = true;

  override commitShard(params: ShardCommit): Promise<void> {
    const writesIt = params.executions.some((e) =>
      e.newEvents.some((event) => decodeEvent(event.data).eventType === this.failOn),
    );
    if (this.isArmed && writesIt) {
      this.isArmed = false;
      return Promise.reject(new Error('disk full'));
    }
    return super.commitShard(params);
  }
}

test('(5) a cancel request whose transaction fails is never sent; once committed, it is', async () => {
  const h = await EngineHarness.start({
    store: new FailingStore(EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED),
  });
  try {
    const { key, scheduledEventId } = await startedOperation(h, 'failed-commit');
    const task = await h.startWorkflowTask(key);
    await assert.rejects(h.completeWorkflowTask(task, [requestCancelNexusOperation(scheduledEventId)]), /disk full/);
    await h.clock.settle();
    assert.equal(h.dispatcher.requests.length, 1, 'no cancel went out for the failed transaction');
    assert.ok(!(await h.eventTypes(key)).includes('NEXUS_OPERATION_CANCEL_REQUESTED'));
    await h.clock.advance(10_000);
    h.dispatcher.reply(CANCEL_ACCEPTED);
    await h.runWorkflowTask(key, [requestCancelNexusOperation(scheduledEventId)]);
    assert.ok(h.dispatcher.requests[1]?.cancelOperation);
  } finally {
    await h.stop();
  }
});
