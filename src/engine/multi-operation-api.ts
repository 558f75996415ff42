// ExecuteMultiOperation (update-with-start): start a run, or take the running one under the conflict
// policy, and admit an update to it in the same transaction; then wait for the update's stage.
import type { temporal } from '../common/proto';
import { invalidArgument } from '../common/errors';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import { runSpecFromStart, startedEventLink } from './client-api';
import { startWorkflow } from './workflow-operations';
import { admitUpdate, validateUpdate, waitForStage } from './update-api';
import { UpdateStage } from './update-registry';

export async function executeMultiOperation(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IExecuteMultiOperationRequest,
  signal: AbortSignal,
): Promise<temporal.api.workflowservice.v1.IExecuteMultiOperationResponse> {
  const [first, second, ...rest] = request.operations ?? [];
  const start = first?.startWorkflow;
  const update = second?.updateWorkflow;
  if (!start || !update || rest.length > 0) throw invalidArgument('Operations have to be exactly [Start, Update].');
  if (!start.workflowIdConflictPolicy)
    throw invalidArgument('WorkflowIdConflictPolicy must be set for update-with-start.');
  if (update.workflowExecution?.workflowId && update.workflowExecution.workflowId !== start.workflowId) {
    throw invalidArgument('The update must target the workflow id of the start operation.');
  }
  const updateId = validateUpdate(update);
  if (!start.workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const started = await engine.run({ namespaceId: namespace.id, workflowId: start.workflowId }, async (tx) => {
    const spec = runSpecFromStart(engine, namespace, start, tx.nowMs);
    const result = await startWorkflow(engine.ctx, tx, spec, {
      reusePolicy: start.workflowIdReusePolicy ?? 0,
      conflictPolicy: start.workflowIdConflictPolicy ?? 0,
    });
    await admitUpdate(engine, tx, result.workflow, update);
    return {
      key: result.workflow.key,
      response: {
        runId: result.workflow.state.runId,
        started: result.started,
        link: startedEventLink(namespace.name, result.workflow),
      },
    };
  });
  const updateResponse = await waitForStage(
    engine,
    started.key,
    updateId,
    update.waitPolicy?.lifecycleStage || UpdateStage.Accepted,
    signal,
  );
  return { responses: [{ startWorkflow: started.response }, { updateWorkflow: updateResponse }] };
}
