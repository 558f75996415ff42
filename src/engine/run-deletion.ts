// Deleting runs before their retention ends: DeleteWorkflowExecution (and the standalone twins in
// standalone-activity.ts and standalone-nexus.ts). As on the Temporal server a running run is first
// terminated ("Delete workflow execution", by the history service); the closed run is then deleted
// with everything it owns once its completion callbacks are delivered (deadlines.ts).
import type { temporal } from '../common/proto';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import { invalidArgument } from '../common/errors';
import { isRunning } from './mutable-state';
import { findRun } from './client-api';
import { HISTORY_SERVICE_IDENTITY, requestDeletion, terminateWorkflow } from './workflow-operations';

export async function deleteWorkflowExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IDeleteWorkflowExecutionRequest,
): Promise<void> {
  if (!request.workflowExecution) throw invalidArgument('Execution is not set on request.');
  const workflowId = request.workflowExecution.workflowId ?? '';
  await engine.run({ namespaceId: namespace.id, workflowId }, async (tx) => {
    const workflow = await findRun(tx, namespace, request.workflowExecution);
    if (isRunning(workflow.state)) {
      terminateWorkflow(engine.ctx, tx, workflow, {
        reason: 'Delete workflow execution',
        details: null,
        identity: HISTORY_SERVICE_IDENTITY,
      });
    }
    requestDeletion(workflow, tx.nowMs);
  });
}
