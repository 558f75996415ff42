import type { temporal } from '../../common/proto';
import { pollWorkflowExecutionUpdate as poll } from '../../engine/update-api';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { CallContext } from '../grpc-service';

export function pollWorkflowExecutionUpdate(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IPollWorkflowExecutionUpdateRequest,
  context: CallContext,
): Promise<temporal.api.workflowservice.v1.IPollWorkflowExecutionUpdateResponse> {
  return poll(deps.engine, namespaceOf(deps, request), request, context.signal);
}
