import type { temporal } from '../../common/proto';
import { heartbeatActivity } from '../../engine/activity-task-api';
import type { ApiDeps } from '../api-deps';
import { activityTargetFromIds, activityTargetFromToken } from './activity-target';

export function recordActivityTaskHeartbeat(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatRequest,
): Promise<temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatResponse> {
  return heartbeatActivity(deps.engine, activityTargetFromToken(request.taskToken), request.details);
}

export function recordActivityTaskHeartbeatById(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatByIdRequest,
): Promise<temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatByIdResponse> {
  return heartbeatActivity(deps.engine, activityTargetFromIds(deps, request), request.details);
}
