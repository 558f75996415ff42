import type { temporal } from '../../common/proto';
import { signalWithStartWorkflowExecution as signalWithStart } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function signalWithStartWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionResponse> {
  return signalWithStart(deps.engine, namespaceOf(deps, request), request);
}
