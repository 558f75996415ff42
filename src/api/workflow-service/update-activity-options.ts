import type { temporal } from '../../common/proto';
import { updateActivityOptions as update } from '../../engine/activity-options';
import { type ApiDeps, namespaceOf } from '../api-deps';
import { activityCommandTarget, checkPriority } from './activity-command';

export async function updateActivityOptions(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.UpdateActivityOptionsRequest,
): Promise<temporal.api.workflowservice.v1.IUpdateActivityOptionsResponse> {
  const target = activityCommandTarget(request);
  checkPriority(request.activityOptions?.priority);
  const activityOptions = await update(deps.engine, namespaceOf(deps, request), {
    ...target,
    options: request.activityOptions,
    paths: request.updateMask ? (request.updateMask.paths ?? []) : null,
    restoreOriginal: request.restoreOriginal ?? false,
  });
  return { activityOptions };
}
