import type { temporal } from '../../common/proto';
import { respondActivityCompleted } from '../../engine/activity-task-api';
import type { ApiDeps } from '../api-deps';
import { activityTargetFromIds, activityTargetFromToken } from './activity-target';

export function respondActivityTaskCompleted(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedRequest,
): object {
  respondActivityCompleted(
    deps.engine,
    activityTargetFromToken(request.taskToken),
    request.result,
    request.identity ?? '',
    request.workerVersion?.buildId ?? '',
  );
  return {};
}

export function respondActivityTaskCompletedById(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedByIdRequest,
): object {
  respondActivityCompleted(deps.engine, activityTargetFromIds(deps, request), request.result, request.identity ?? '');
  return {};
}
