import type { temporal } from '../../common/proto';
import { validTaskQueueName } from '../../engine/task-queue-name';
import { encodeTaskToken } from '../../engine/tasks';
import { type ApiDeps, namespaceOf, pollMatching } from '../api-deps';
import type { CallContext } from '../grpc-service';
import { withDeadline } from '../../common/deadline';

export async function pollNexusTaskQueue(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IPollNexusTaskQueueRequest,
  context: CallContext,
): Promise<temporal.api.workflowservice.v1.IPollNexusTaskQueueResponse> {
  const namespace = namespaceOf(deps, request);
  const taskQueue = validTaskQueueName(request.taskQueue);
  return withDeadline(deps.clock, [context.signal], deps.config.longPollMs, async (signal) => {
    for (;;) {
      const task = await pollMatching(
        deps,
        { namespaceId: namespace.id, taskQueue, kind: 'nexus', identity: request.identity ?? '' },
        signal,
      );
      if (!task) return {};
      if (task.kind !== 'nexus-task') continue;
      // A dispatcher that is gone (its member died) has no request to give: the next task, then.
      const taken = await deps.nexus.dispatcher.takeMatched(task).catch(() => undefined);
      if (taken)
        return {
          taskToken: encodeTaskToken({
            k: 'nx',
            ns: namespace.id,
            t: task.taskId,
            m: taken.member ?? deps.config.memberId,
          }),
          request: taken.request,
        };
    }
  });
}
