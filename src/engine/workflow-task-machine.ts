// The workflow task as a state machine: scheduled -> started -> completed | failed | timed out, or
// scheduled -> timed out (a sticky task no worker took in time). The record is the run's `workflowTask`;
// creating it is scheduling (workflow-tasks.ts, with its dispatch task), and the engine clears it after
// a terminal transition. Leaving `scheduled` ends the dispatch: its outbox row is deleted.
import { defineTransition } from '../common/state-machine';
import { WorkflowTaskStatus as S, type WorkflowTaskState } from './mutable-state';
import { followups, NO_FOLLOWUPS, type Followups } from './outbox';

const MACHINE = 'workflow task';

export const WorkflowTaskStarted = defineTransition({
  machine: MACHINE,
  name: 'started',
  from: [S.Scheduled],
  to: S.Started,
  apply(task: WorkflowTaskState, event: { startedEventId: number; nowMs: number; requestId: string }): Followups {
    task.startedEventId = event.startedEventId;
    task.startedTimeMs = event.nowMs;
    task.requestId = event.requestId;
    return endDispatch(task);
  },
});

export const WorkflowTaskCompleted = defineTransition({
  machine: MACHINE,
  name: 'completed',
  from: [S.Started],
  to: S.Completed,
  apply: (_task: WorkflowTaskState): Followups => NO_FOLLOWUPS,
});

export const WorkflowTaskFailed = defineTransition({
  machine: MACHINE,
  name: 'failed',
  from: [S.Started],
  to: S.Failed,
  apply: (_task: WorkflowTaskState): Followups => NO_FOLLOWUPS,
});

export const WorkflowTaskTimedOut = defineTransition({
  machine: MACHINE,
  name: 'timed out',
  from: [S.Scheduled, S.Started],
  to: S.TimedOut,
  apply: endDispatch,
});

/** A scheduled task dropped with its run (the run closed before a worker took it). */
export const WorkflowTaskDropped = defineTransition({
  machine: MACHINE,
  name: 'dropped',
  from: [S.Scheduled, S.Started],
  to: S.Failed,
  apply: endDispatch,
});

function endDispatch(task: WorkflowTaskState): Followups {
  const dispatchTaskId = task.dispatchTaskId;
  task.dispatchTaskId = 0;
  return followups([], [dispatchTaskId]);
}
