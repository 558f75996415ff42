import type { temporal } from '../../common/proto';
import { requestCancelWorkflowExecution as requestCancel } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function requestCancelWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionRequest,
): temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse {
  requestCancel(deps.engine, namespaceOf(deps, request), request);
  return {};
}
