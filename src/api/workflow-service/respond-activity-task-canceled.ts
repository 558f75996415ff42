import type { temporal } from '../../common/proto';
import { respondActivityCanceled } from '../../engine/activity-task-api';
import type { ApiDeps } from '../api-deps';
import { activityTargetFromIds, activityTargetFromToken } from './activity-target';

export async function respondActivityTaskCanceled(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledRequest,
): Promise<object> {
  await respondActivityCanceled(
    deps.engine,
    activityTargetFromToken(request.taskToken),
    request.details,
    request.identity ?? '',
  );
  return {};
}

export async function respondActivityTaskCanceledById(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCanceledByIdRequest,
): Promise<object> {
  await respondActivityCanceled(
    deps.engine,
    activityTargetFromIds(deps, request),
    request.details,
    request.identity ?? '',
  );
  return {};
}
