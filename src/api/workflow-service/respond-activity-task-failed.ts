import type { temporal } from '../../common/proto';
import { respondActivityFailed } from '../../engine/activity-task-api';
import type { ApiDeps } from '../api-deps';
import { activityTargetFromIds, activityTargetFromToken } from './activity-target';

export async function respondActivityTaskFailed(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskFailedRequest,
): Promise<object> {
  await respondActivityFailed(
    deps.engine,
    activityTargetFromToken(request.taskToken),
    request.failure,
    request.identity ?? '',
    request.lastHeartbeatDetails,
    request.workerVersion?.buildId ?? '',
  );
  return { failures: [] };
}

export async function respondActivityTaskFailedById(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondActivityTaskFailedByIdRequest,
): Promise<object> {
  await respondActivityFailed(
    deps.engine,
    activityTargetFromIds(deps, request),
    request.failure,
    request.identity ?? '',
    request.lastHeartbeatDetails,
  );
  return { failures: [] };
}
