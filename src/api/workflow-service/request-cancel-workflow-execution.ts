import type { temporal } from '../../common/proto';
import { requestCancelWorkflowExecution as requestCancel } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export async function requestCancelWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse> {
  await requestCancel(deps.engine, namespaceOf(deps, request), request);
  return {};
}
