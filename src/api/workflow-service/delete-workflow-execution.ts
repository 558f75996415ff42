import type { temporal } from '../../common/proto';
import { deleteWorkflowExecution as deleteRun } from '../../engine/run-deletion';
import { type ApiDeps, namespaceOf } from '../api-deps';

export async function deleteWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IDeleteWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.IDeleteWorkflowExecutionResponse> {
  await deleteRun(deps.engine, namespaceOf(deps, request), request);
  return {};
}
