import type { temporal } from '../../common/proto';
import { unpauseActivity as unpause } from '../../engine/activity-pause';
import { type ApiDeps, namespaceOf } from '../api-deps';
import { activityCommandTarget, jitterMsOf } from './activity-command';

export async function unpauseActivity(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.UnpauseActivityRequest,
): Promise<temporal.api.workflowservice.v1.IUnpauseActivityResponse> {
  const target = activityCommandTarget(request);
  await unpause(deps.engine, namespaceOf(deps, request), {
    ...target,
    resetAttempts: request.resetAttempts ?? false,
    resetHeartbeat: request.resetHeartbeat ?? false,
    jitterMs: jitterMsOf(request.jitter),
  });
  return {};
}
