import type { temporal } from '../../common/proto';
import { respondActivityCanceled } from '../../engine/activity-task-api';
import type { ApiDeps } from '../api-deps';
import { activityTargetFromIds, activityTargetFromToken } from './activity-target';

export function respondActivityTaskCanceled(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledRequest,
): object {
  respondActivityCanceled(
    deps.engine,
    activityTargetFromToken(request.taskToken),
    request.details,
    request.identity ?? '',
  );
  return {};
}

export function respondActivityTaskCanceledById(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledByIdRequest,
): object {
  respondActivityCanceled(deps.engine, activityTargetFromIds(deps, request), request.details, request.identity ?? '');
  return {};
}
