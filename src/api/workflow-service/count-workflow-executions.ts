import type { temporal } from '../../common/proto';
import { countWorkflowExecutions as count } from '../../engine/visibility-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function countWorkflowExecutions(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.ICountWorkflowExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.ICountWorkflowExecutionsResponse> {
  return count(deps.store, namespaceOf(deps, request), request);
}
