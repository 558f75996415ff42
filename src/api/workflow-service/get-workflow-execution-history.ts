import type { temporal } from '../../common/proto';
import { getWorkflowExecutionHistory as getHistory } from '../../engine/history-api';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { CallContext } from '../grpc-service';

export function getWorkflowExecutionHistory(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest,
  context: CallContext,
): Promise<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse> {
  return getHistory(deps.engine, namespaceOf(deps, request), request, context.signal);
}
