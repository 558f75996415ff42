import type { temporal } from '../../common/proto';
import { signalWorkflowExecution as signal } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export async function signalWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.ISignalWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.ISignalWorkflowExecutionResponse> {
  return signal(deps.engine, namespaceOf(deps, request), request);
}
