import type { temporal } from '../../common/proto';
import { pauseActivity as pause } from '../../engine/activity-pause';
import { type ApiDeps, namespaceOf } from '../api-deps';
import { activityCommandTarget } from './activity-command';

export async function pauseActivity(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.PauseActivityRequest,
): Promise<temporal.api.workflowservice.v1.IPauseActivityResponse> {
  const target = activityCommandTarget(request);
  await pause(deps.engine, namespaceOf(deps, request), {
    ...target,
    identity: request.identity ?? '',
    reason: request.reason ?? '',
    requestId: request.requestId ?? '',
  });
  return {};
}
