// Goal: closed runs do not stay forever. A closed run is deleted with everything it owns (row, items,
// history, visibility, wake-up, current pointer) when its namespace's retention ends, also across a
// restart; DeleteWorkflowExecution terminates a running run first and deletes it at once. Setup: the engine alone (EngineHarness) on
// an in-memory store with a fake clock; the test plays the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness, completeWorkflow } from '../../helpers/engine-harness';
import { DEFAULT_RETENTION_MS } from '../../../src/engine/namespace-registry';
import { deleteWorkflowExecution } from '../../../src/engine/run-deletion';
import { startWorkflowExecution } from '../../../src/engine/client-api';
import { systemIds } from '../../../src/common/ids';
import { temporal } from '../../../src/common/proto';
import type { RunKey } from '../../../src/engine/tasks';

async function isStored(h: EngineHarness, key: RunKey): Promise<boolean> {
  return (await h.store.getExecution({ key })) !== undefined;
}

async function assertGone(h: EngineHarness, key: RunKey): Promise<void> {
  assert.equal(await isStored(h, key), false, 'the run row is gone');
  assert.deepEqual(await h.store.readHistory({ key, fromEventId: 1, limit: 10 }), [], 'its history is gone');
  assert.equal(await h.store.getCurrentRunId(key), undefined, 'the workflow id is free');
  const listed = await h.store.listExecutions({
    namespaceId: key.namespaceId,
    query: `WorkflowId = '${key.workflowId}'`,
    pageSize: 10,
    searchAttributeTypes: {},
  });
  assert.equal(listed.records.length, 0, 'visibility no longer lists it');
}

test('a closed run is deleted when its retention ends, also across a restart', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('retained');
    await h.runWorkflowTask(key, [completeWorkflow()]);
    await h.clock.advance(DEFAULT_RETENTION_MS - 1);
    assert.ok(await isStored(h, key), 'kept until its retention ends');
    await h.restart();
    await h.clock.advance(1);
    await assertGone(h, key);
    // A workflow id whose only run was deleted takes a new run even under REJECT_DUPLICATE.
    const again = await startWorkflowExecution(h.engine, h.namespace, {
      namespace: 'default',
      workflowId: 'retained',
      workflowType: { name: 'Test' },
      taskQueue: { name: 'tq' },
      requestId: systemIds.uuid(),
      workflowIdReusePolicy: temporal.api.enums.v1.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
    });
    assert.ok(again.runId && again.runId !== key.runId);
  } finally {
    await h.stop();
  }
});

test('DeleteWorkflowExecution terminates a running run and deletes it', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('deleted-while-running');
    const request = { namespace: 'default', workflowExecution: { workflowId: key.workflowId } };
    const terminated: string[] = [];
    const original = h.store.commitShard.bind(h.store);
    h.store.commitShard = async (params) => {
      for (const write of params.executions) {
        for (const event of write.newEvents) {
          const decoded = temporal.api.history.v1.HistoryEvent.decode(event.data);
          const reason = decoded.workflowExecutionTerminatedEventAttributes?.reason;
          if (reason) terminated.push(`${reason} by ${decoded.workflowExecutionTerminatedEventAttributes?.identity}`);
        }
      }
      await original(params);
    };
    await deleteWorkflowExecution(h.engine, h.namespace, request);
    await h.clock.settle();
    assert.deepEqual(terminated, ['Delete workflow execution by history-service']);
    await assertGone(h, key);
    await assert.rejects(deleteWorkflowExecution(h.engine, h.namespace, request), /not found/);
    await assert.rejects(
      deleteWorkflowExecution(h.engine, h.namespace, { namespace: 'default' }),
      /Execution is not set on request/,
    );
  } finally {
    await h.stop();
  }
});
