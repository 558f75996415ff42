import type { temporal } from '../../common/proto';
import { listWorkflowExecutions as list } from '../../engine/visibility-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function listWorkflowExecutions(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IListWorkflowExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.IListWorkflowExecutionsResponse> {
  return list(deps.store, namespaceOf(deps, request), request);
}
