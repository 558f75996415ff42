import type { temporal } from '../../common/proto';
import { terminateWorkflowExecution as terminate } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function terminateWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.ITerminateWorkflowExecutionRequest,
): temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse {
  terminate(deps.engine, namespaceOf(deps, request), request);
  return {};
}
