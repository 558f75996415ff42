// Goal: completion callbacks have the Temporal server's limits (system.maxCallbacksPerWorkflow and
// system.maxCallbacksPerUpdateID, 32 each by default), each refused with its FAILED_PRECONDITION message:
// at a start, on a start that attaches to a running run (USE_EXISTING with OnConflictOptions), and on an
// update. Setup: one in-process server with both limits lowered by dynamic config; raw RPCs through the
// TypeScript SDK's connection; no worker (every refusal comes before a workflow task).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

const WORKFLOW_MAX = 3;
const UPDATE_MAX = 2;

function callbacks(count: number): temporal.api.common.v1.ICallback[] {
  return Array.from({ length: count }, (_, i) => ({ nexus: { url: `http://127.0.0.1:1/callback/${i}` } }));
}

function isRefused(message: string) {
  return (error: { code?: number; details?: string }): boolean => {
    assert.equal(error.code, grpcStatus.FAILED_PRECONDITION, error.details);
    assert.equal(error.details, message);
    return true;
  };
}

describe('completion callback limits', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      dynamicConfig: { 'system.maxCallbacksPerWorkflow': WORKFLOW_MAX, 'system.maxCallbacksPerUpdateID': UPDATE_MAX },
    });
  });
  after(async () => {
    await env?.stop();
  });

  const start = (workflowId: string, count: number, attach = false) =>
    env.client.workflowService.startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'waitForever' },
      taskQueue: { name: uniqueId('nobody') },
      requestId: randomUUID(),
      completionCallbacks: callbacks(count),
      ...(attach
        ? {
            workflowIdConflictPolicy:
              temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
            onConflictOptions: { attachRequestId: true, attachCompletionCallbacks: true },
          }
        : {}),
    });

  test('a start and the starts that attach to its run stay within the per-workflow limit', async () => {
    await assert.rejects(
      start(uniqueId(), WORKFLOW_MAX + 1),
      isRefused(`cannot attach more than ${WORKFLOW_MAX} callbacks to a workflow (0 callbacks already attached)`),
    );
    const workflowId = uniqueId();
    await start(workflowId, 2);
    await start(workflowId, 1, true);
    await assert.rejects(
      start(workflowId, 1, true),
      isRefused(`cannot attach more than ${WORKFLOW_MAX} callbacks to a workflow (3 callbacks already attached)`),
    );
    const described = await env.client.workflow.getHandle(workflowId).describe();
    assert.equal(described.raw.callbacks?.length, WORKFLOW_MAX, 'the refused start attached nothing');
  });

  test('an update holds at most the per-update limit', async () => {
    {
      const handle = await env.client.workflow.start('counter', {
        taskQueue: uniqueId('nobody'),
        workflowId: uniqueId(),
      });
      const update = (updateId: string, count: number) =>
        env.client.workflowService.updateWorkflowExecution({
          namespace: 'default',
          workflowExecution: { workflowId: handle.workflowId },
          waitPolicy: {
            lifecycleStage:
              temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
                .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
          },
          request: {
            meta: { updateId },
            input: { name: 'increment', args: { payloads: [] } },
            requestId: randomUUID(),
            completionCallbacks: callbacks(count),
          },
        });
      await assert.rejects(
        update('too-many', UPDATE_MAX + 1),
        isRefused(
          `cannot attach more than ${UPDATE_MAX} callbacks to update "too-many" (0 callbacks already attached)`,
        ),
      );
      await handle.terminate('done');
    }
  });
});
