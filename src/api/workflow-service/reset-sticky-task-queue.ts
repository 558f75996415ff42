import type { temporal } from '../../common/proto';
import type { ApiDeps } from '../api-deps';

// Sticky dispatch falls back to the normal queue by itself after the sticky schedule-to-start timeout.
export function resetStickyTaskQueue(
  _deps: ApiDeps,
  _request: temporal.api.workflowservice.v1.IResetStickyTaskQueueRequest,
): temporal.api.workflowservice.v1.IResetStickyTaskQueueResponse {
  return {};
}
