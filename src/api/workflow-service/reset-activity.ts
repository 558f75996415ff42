import type { temporal } from '../../common/proto';
import { resetActivity as reset } from '../../engine/activity-pause';
import { type ApiDeps, namespaceOf } from '../api-deps';
import { activityCommandTarget, jitterMsOf } from './activity-command';

export async function resetActivity(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.ResetActivityRequest,
): Promise<temporal.api.workflowservice.v1.IResetActivityResponse> {
  const target = activityCommandTarget(request);
  await reset(deps.engine, namespaceOf(deps, request), {
    ...target,
    resetHeartbeat: request.resetHeartbeat ?? false,
    keepPaused: request.keepPaused ?? false,
    restoreOriginalOptions: request.restoreOriginalOptions ?? false,
    jitterMs: jitterMsOf(request.jitter),
  });
  return {};
}
