import type { temporal } from '../../common/proto';
import { signalWorkflowExecution as signal } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function signalWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.ISignalWorkflowExecutionRequest,
): temporal.api.workflowservice.v1.ISignalWorkflowExecutionResponse {
  signal(deps.engine, namespaceOf(deps, request), request);
  return {};
}
