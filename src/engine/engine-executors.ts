// The engine's own outbox task executors: dispatch of workflow and activity tasks to matching, child
// workflows, and requests to other runs. Nexus invocations and completion callbacks do I/O with other
// services and are registered by the Nexus module (server.ts).
import type { HistoryEngine } from './history-engine';
import { RELEASED, TaskKind, type OutboxTask, type QueuedTask, type TaskOutcome } from './outbox';
import { executeNotifyParent, executeParentClosePolicy, executeStartChild } from './children';
import { executeExternalRequest } from './external-requests';
import { executeScheduleAction } from './schedule-actions';

export function registerEngineExecutors(engine: HistoryEngine): void {
  const execute = (queued: QueuedTask): Promise<TaskOutcome> => executeEngineTask(engine, queued, queued.task);
  for (const kind of [
    TaskKind.WorkflowTask,
    TaskKind.ActivityTask,
    TaskKind.StartChild,
    TaskKind.NotifyParent,
    TaskKind.ParentClosePolicy,
    TaskKind.SignalExternal,
    TaskKind.CancelExternal,
    TaskKind.ScheduleAction,
  ]) {
    engine.executors[kind] = execute;
  }
}

function executeEngineTask(engine: HistoryEngine, queued: QueuedTask, task: OutboxTask): Promise<TaskOutcome> {
  const { key, taskId } = queued;
  switch (task.kind) {
    case TaskKind.WorkflowTask:
      // As matching's StickyWorkerUnavailable: a sticky task no worker is polling for (its worker left, or
      // the server restarted) goes to the normal queue; the run stays sticky until a worker starts it.
      return engine
        .offerTask(
          key.namespaceId,
          task.taskQueue,
          'workflow',
          {
            kind: 'workflow-task',
            key,
            scheduledEventId: task.scheduledEventId,
            attempt: task.attempt,
            dispatchTaskId: taskId,
          },
          task.isSticky ? task.normalTaskQueue : undefined,
        )
        .then(() => RELEASED);
    case TaskKind.ActivityTask:
      return engine
        .offerTask(key.namespaceId, task.taskQueue, 'activity', {
          kind: 'activity-task',
          key,
          scheduledEventId: task.scheduledEventId,
          attempt: task.attempt,
          dispatchTaskId: taskId,
        })
        .then(() => RELEASED);
    case TaskKind.StartChild:
      return executeStartChild(engine, queued, task.initiatedEventId);
    case TaskKind.NotifyParent:
      return executeNotifyParent(engine, queued, task.parent, task.initiatedEventId);
    case TaskKind.ParentClosePolicy:
      return executeParentClosePolicy(engine, task.children);
    case TaskKind.SignalExternal:
    case TaskKind.CancelExternal:
      return executeExternalRequest(engine, queued, task.initiatedEventId);
    case TaskKind.ScheduleAction:
      return executeScheduleAction(engine, queued);
    default:
      return Promise.reject(new Error(`the engine does not execute ${task.kind} tasks`));
  }
}
