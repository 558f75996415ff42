import type { temporal } from '../../common/proto';
import { validTaskQueueName } from '../../engine/task-queue-name';
import { recordWorkflowTaskStarted, type WorkflowPoll } from '../../engine/workflow-task-api';
import type { MatchTask } from '../../engine/tasks';
import { recordQueryTaskStarted } from '../../engine/query-api';
import { type ApiDeps, namespaceOf, pollMatching } from '../api-deps';
import type { CallContext } from '../grpc-service';
import { withDeadline } from '../../common/deadline';

type Response = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

export async function pollWorkflowTaskQueue(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IPollWorkflowTaskQueueRequest,
  context: CallContext,
): Promise<Response> {
  const namespace = namespaceOf(deps, request);
  const taskQueue = validTaskQueueName(request.taskQueue);
  const poll = {
    identity: request.identity ?? '',
    namespace: namespace.name,
    taskQueue,
    buildId: request.workerVersionCapabilities?.buildId ?? '',
  };
  // Poll times tell the engine whether a sticky queue still has its worker (see TaskSink.isStickyWorkerAvailable).
  const queue = deps.matching.queue(namespace.id, taskQueue, 'workflow');
  queue.lastPollTimeMs = deps.clock.nowMs();
  return withDeadline(deps.clock, [context.signal], deps.config.longPollMs, async (signal) => {
    for (;;) {
      const task = await pollMatching(
        deps,
        { namespaceId: namespace.id, taskQueue, kind: 'workflow', identity: request.identity ?? '' },
        signal,
      );
      if (!task) return {};
      queue.lastPollTimeMs = deps.clock.nowMs();
      const response = await startMatched(deps, task, poll, namespace.id, taskQueue);
      if (response) return response;
    }
  });
}

/** Starts a matched task; if that fails the task goes back to its queue (its run still waits for it). */
async function startMatched(
  deps: ApiDeps,
  task: MatchTask,
  poll: WorkflowPoll,
  namespaceId: string,
  taskQueue: string,
): Promise<Response | undefined> {
  try {
    if (task.kind === 'workflow-task') return await recordWorkflowTaskStarted(deps.engine, task, poll);
    if (task.kind === 'query-task') return await recordQueryTaskStarted(deps.engine, task);
    return undefined;
  } catch (error) {
    deps.matching.offer(namespaceId, taskQueue, 'workflow', task);
    throw error;
  }
}
