// Runs written before the outbox existed (schema version 1) have no tasks and no wake-up, and keep their
// items inline. At start, before the shards' processors run, each such run is loaded (legacy-state.ts
// converts it), the tasks its state implies are written for it (as the Temporal server's
// RegenerateTasks), and the commit moves it to its shard and the current layout. A new database has none.
import { assert } from '../common/assert';
import type { HistoryEngine } from './history-engine';
import { runKeyString } from './tasks';
import type { Workflow } from './workflow';
import {
  ActivityStatus,
  NexusCancelStatus,
  NexusOperationStatus,
  WorkflowTaskStatus,
  isRunning,
} from './mutable-state';
import { TaskKind } from './outbox';
import { activityDispatchTask } from './activity-machine';
import { nexusCancelTask, nexusStartTask } from './nexus-operation-machine';

const LEGACY_PAGE = 500;

export async function upgradeLegacyRuns(engine: HistoryEngine): Promise<number> {
  const upgraded = new Set<string>();
  for (;;) {
    const keys = await engine.store.listLegacyExecutions({ limit: LEGACY_PAGE });
    if (keys.length === 0) return upgraded.size;
    for (const key of keys) {
      const id = runKeyString(key);
      assert(!upgraded.has(id), `run ${key.workflowId} is still in the old layout after its upgrade`);
      upgraded.add(id);
      await engine.run(key, async (tx) => {
        const workflow = await tx.get(key);
        if (workflow && isRunning(workflow.state)) regenerateTasks(workflow);
      });
    }
  }
}

/** Writes the outbox tasks that an open run's state implies (for a run that has none). */
export function regenerateTasks(workflow: Workflow): void {
  const s = workflow.state;
  const task = s.workflowTask;
  if (task?.status === WorkflowTaskStatus.Scheduled) {
    task.dispatchTaskId = workflow.emit({
      kind: TaskKind.WorkflowTask,
      scheduledEventId: task.scheduledEventId,
      attempt: task.attempt,
      taskQueue: task.taskQueue,
      normalTaskQueue: s.taskQueue,
      isSticky: task.isSticky,
    });
  }
  for (const activity of Object.values(s.activities)) {
    if (activity.status === ActivityStatus.Scheduled) {
      activity.dispatchTaskId = workflow.emit(activityDispatchTask(activity));
      workflow.changed('activities', String(activity.scheduledEventId));
    }
  }
  for (const child of Object.values(s.children)) {
    if (!child.isStartResolved) workflow.emit({ kind: TaskKind.StartChild, initiatedEventId: child.initiatedEventId });
  }
  for (const request of Object.values(s.externalRequests)) {
    const kind = request.kind === 'signal' ? TaskKind.SignalExternal : TaskKind.CancelExternal;
    workflow.emit({ kind, initiatedEventId: request.initiatedEventId });
  }
  for (const op of Object.values(s.nexusOperations)) {
    if (op.status === NexusOperationStatus.Scheduled) workflow.emit(nexusStartTask(op));
    if (op.status === NexusOperationStatus.Started && op.cancel?.status === NexusCancelStatus.Scheduled) {
      workflow.emit(nexusCancelTask(op, op.cancel));
    }
  }
}
