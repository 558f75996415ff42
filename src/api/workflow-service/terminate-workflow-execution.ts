import type { temporal } from '../../common/proto';
import { terminateWorkflowExecution as terminate } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export async function terminateWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.ITerminateWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse> {
  await terminate(deps.engine, namespaceOf(deps, request), request);
  return {};
}
