// The calls that must run in the process holding a run's shard, by name (OwnerOp): work between runs
// (a child's start and close, the parent close policy, a signal or cancel from another run, a Nexus
// completion) and the start of a task that matching handed to a poll. engine.atShardOwner runs one here
// when this process holds the shard, or sends it to the member that does (whose peer server runs the
// same function). Every one is idempotent, as the outbox tasks that make them are.
import type { HistoryEngine } from './history-engine';
import { OwnerOp } from './cluster-link';
import { closeChildHere, recordChildCloseHere, startChildHere } from './children';
import { deliverExternalHere } from './external-requests';
import { applyCompletionHere } from './nexus-completion';
import { recordWorkflowTaskStartedHere } from './workflow-task-api';
import { recordActivityTaskStartedHere } from './activity-task-api';
import { recordQueryTaskStartedHere } from './query-api';
import { systemSignalWithStartHere } from './system-nexus';
import { scheduleWorkflowCallHere } from './schedule-workflow-calls';

export function registerOwnerCalls(engine: HistoryEngine): void {
  Object.assign(engine.ops, {
    [OwnerOp.StartChild]: (args: Parameters<typeof startChildHere>[1]) => startChildHere(engine, args),
    [OwnerOp.RecordChildClose]: (args: Parameters<typeof recordChildCloseHere>[1]) =>
      recordChildCloseHere(engine, args),
    [OwnerOp.CloseChild]: (args: Parameters<typeof closeChildHere>[1]) => closeChildHere(engine, args),
    [OwnerOp.DeliverExternal]: (args: Parameters<typeof deliverExternalHere>[1]) => deliverExternalHere(engine, args),
    [OwnerOp.ApplyCompletion]: (args: Parameters<typeof applyCompletionHere>[1]) => applyCompletionHere(engine, args),
    [OwnerOp.StartWorkflowTask]: (args: Parameters<typeof recordWorkflowTaskStartedHere>[1]) =>
      recordWorkflowTaskStartedHere(engine, args),
    [OwnerOp.StartActivityTask]: (args: Parameters<typeof recordActivityTaskStartedHere>[1]) =>
      recordActivityTaskStartedHere(engine, args),
    [OwnerOp.StartQueryTask]: (args: Parameters<typeof recordQueryTaskStartedHere>[1]) =>
      recordQueryTaskStartedHere(engine, args),
    [OwnerOp.SystemSignalWithStart]: (args: Parameters<typeof systemSignalWithStartHere>[1]) =>
      systemSignalWithStartHere(engine, args),
    [OwnerOp.ScheduleWorkflowCall]: (args: Parameters<typeof scheduleWorkflowCallHere>[1]) =>
      scheduleWorkflowCallHere(engine, args),
  });
}
