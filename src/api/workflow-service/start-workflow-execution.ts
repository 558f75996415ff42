import type { temporal } from '../../common/proto';
import { startWorkflowExecution as start } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function startWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.IStartWorkflowExecutionResponse> {
  return start(deps.engine, namespaceOf(deps, request), request);
}
