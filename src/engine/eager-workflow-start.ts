// Eager workflow start, as the Temporal server does it: a StartWorkflowExecution with
// request_eager_execution (which the SDKs send from a client that shares its connection with a worker
// of the task queue) gets the run's first workflow task, already started, in its response; no task goes
// to matching. If that worker never completes it, its start-to-close timeout schedules the next attempt
// through matching. Not for a delayed start, nor a run the request did not create (a retried or an
// attached request), nor when system.enableEagerWorkflowStart is off.
import type { HistoryEngine } from './history-engine';
import { WorkflowTaskStatus } from './mutable-state';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { startWorkflowTask } from './workflow-tasks';
import { workflowTaskResponse, type PollResponse } from './workflow-task-response';

export function acceptsEagerStart(
  engine: HistoryEngine,
  request: { readonly requestEagerExecution?: boolean | null },
  startDelayMs: number,
): boolean {
  return request.requestEagerExecution === true && engine.ctx.config.eagerWorkflowStart && startDelayMs <= 0;
}

/** Starts the first workflow task of a run this transaction created, for the response of its start. */
export async function startFirstTaskEagerly(
  engine: HistoryEngine,
  tx: Transaction,
  workflow: Workflow,
  identity: string,
): Promise<PollResponse | undefined> {
  const task = workflow.state.workflowTask;
  if (!task || task.status !== WorkflowTaskStatus.Scheduled || task.attempt !== 1) return undefined;
  workflow.withdraw(task.dispatchTaskId);
  task.dispatchTaskId = 0;
  const startedEventId = startWorkflowTask(
    workflow,
    { identity, requestId: engine.ctx.ids.uuid(), nowMs: tx.nowMs },
    engine.ctx.config,
  );
  return workflowTaskResponse(engine, tx, workflow, {
    startedEventId,
    fullHistory: true,
    pollTaskQueue: workflow.state.taskQueue,
  });
}
