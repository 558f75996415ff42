import type { temporal } from '../../common/proto';
import { executeMultiOperation as execute } from '../../engine/multi-operation-api';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { CallContext } from '../grpc-service';

export function executeMultiOperation(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IExecuteMultiOperationRequest,
  context: CallContext,
): Promise<temporal.api.workflowservice.v1.IExecuteMultiOperationResponse> {
  return execute(deps.engine, namespaceOf(deps, request), request, context.signal);
}
