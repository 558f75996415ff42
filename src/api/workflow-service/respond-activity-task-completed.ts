import type { temporal } from '../../common/proto';
import { respondActivityCompleted } from '../../engine/activity-task-api';
import type { ApiDeps } from '../api-deps';
import { activityTargetFromIds, activityTargetFromToken } from './activity-target';

export async function respondActivityTaskCompleted(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedRequest,
): Promise<object> {
  await respondActivityCompleted(
    deps.engine,
    activityTargetFromToken(request.taskToken),
    request.result,
    request.identity ?? '',
    request.workerVersion?.buildId ?? '',
  );
  return {};
}

export async function respondActivityTaskCompletedById(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskCompletedByIdRequest,
): Promise<object> {
  await respondActivityCompleted(
    deps.engine,
    activityTargetFromIds(deps, request),
    request.result,
    request.identity ?? '',
  );
  return {};
}
