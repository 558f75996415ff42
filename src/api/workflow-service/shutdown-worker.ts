import type { temporal } from '../../common/proto';
import type { ApiDeps } from '../api-deps';

// The worker is leaving: its sticky queue will not be polled again, so pending polls on it end now, new
// workflow tasks go to the normal queue at once, and those already on the sticky queue move back to the
// normal queue when their sticky schedule-to-start timeout fires.
export function shutdownWorker(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IShutdownWorkerRequest,
): temporal.api.workflowservice.v1.IShutdownWorkerResponse {
  const namespace = deps.namespaces.findByName(request.namespace ?? '');
  const queue =
    namespace && request.stickyTaskQueue
      ? deps.matching.find(namespace.id, request.stickyTaskQueue, 'workflow')
      : undefined;
  if (!queue) return {};
  queue.lastPollTimeMs = 0;
  queue.releasePollers();
  return {};
}
