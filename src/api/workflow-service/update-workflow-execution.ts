import type { temporal } from '../../common/proto';
import { updateWorkflowExecution as update } from '../../engine/update-api';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { CallContext } from '../grpc-service';

export function updateWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest,
  context: CallContext,
): Promise<temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse> {
  return update(deps.engine, namespaceOf(deps, request), request, context.signal);
}
