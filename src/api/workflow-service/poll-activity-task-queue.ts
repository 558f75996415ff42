import type { temporal } from '../../common/proto';
import { validTaskQueueName } from '../../engine/task-queue-name';
import { recordActivityTaskStarted } from '../../engine/activity-task-api';
import { type ApiDeps, namespaceOf, pollMatching } from '../api-deps';
import type { CallContext } from '../grpc-service';
import { withDeadline } from '../../common/deadline';
import { workerSdkOf } from '../worker-sdk';

export async function pollActivityTaskQueue(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IPollActivityTaskQueueRequest,
  context: CallContext,
): Promise<temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse> {
  const namespace = namespaceOf(deps, request);
  const taskQueue = validTaskQueueName(request.taskQueue);
  return withDeadline(deps.clock, [context.signal], deps.config.longPollMs, async (signal) => {
    for (;;) {
      const task = await pollMatching(
        deps,
        { namespaceId: namespace.id, taskQueue, kind: 'activity', identity: request.identity ?? '' },
        signal,
      );
      if (!task) return {};
      if (task.kind !== 'activity-task') continue;
      let response;
      try {
        response = await recordActivityTaskStarted(deps.engine, task, {
          identity: request.identity ?? '',
          namespace: namespace.name,
          sdk: workerSdkOf(context.metadata),
        });
      } catch (error) {
        // The attempt still waits for a worker: the task goes back to its queue.
        deps.matching.offer(namespace.id, taskQueue, 'activity', task);
        throw error;
      }
      if (response) return response;
    }
  });
}
