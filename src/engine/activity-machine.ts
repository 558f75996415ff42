// The activity as a state machine. scheduled -> started -> completed | failed | canceled | timed out,
// with retries in between: started -> backing off -> scheduled (a new attempt, dispatched again). A
// scheduled or backing-off activity may also be canceled or time out, and completion by id may complete
// one that is only scheduled. Creating the record is scheduling (activities.ts, with its dispatch task).
import { defineTransition } from '../common/state-machine';
import { ActivityStatus as S, type ActivityState } from './mutable-state';
import { TaskKind, followups, type Followups } from './outbox';

const MACHINE = 'activity';

function endDispatch(activity: ActivityState): Followups {
  const dispatchTaskId = activity.dispatchTaskId;
  activity.dispatchTaskId = 0;
  return followups([], [dispatchTaskId]);
}

export function activityDispatchTask(activity: ActivityState) {
  return {
    kind: TaskKind.ActivityTask,
    scheduledEventId: activity.scheduledEventId,
    attempt: activity.attempt,
    taskQueue: activity.taskQueue,
  } as const;
}

export const ActivityStarted = defineTransition({
  machine: MACHINE,
  name: 'started',
  from: [S.Scheduled],
  to: S.Started,
  apply(activity: ActivityState, event: { nowMs: number; identity: string; requestId: string }): Followups {
    activity.startedTimeMs = event.nowMs;
    activity.startedIdentity = event.identity;
    activity.requestId = event.requestId;
    activity.lastHeartbeatTimeMs = 0;
    return endDispatch(activity);
  },
});

/** A failed or timed-out attempt that the retry policy retries. */
export const ActivityAttemptFailed = defineTransition({
  machine: MACHINE,
  name: 'attempt failed',
  from: [S.Started],
  to: S.BackingOff,
  apply(
    activity: ActivityState,
    event: { nowMs: number; delayMs: number; failure: string | null; identity: string },
  ): Followups {
    activity.lastFailure = event.failure;
    if (event.identity) activity.lastWorkerIdentity = event.identity;
    activity.attempt += 1;
    activity.startedTimeMs = 0;
    activity.startedIdentity = '';
    delete activity.startedBuildId;
    activity.requestId = '';
    activity.lastHeartbeatTimeMs = 0;
    activity.retryAtMs = event.nowMs + event.delayMs;
    return endDispatch(activity);
  },
});

export const ActivityRescheduled = defineTransition({
  machine: MACHINE,
  name: 'rescheduled',
  from: [S.BackingOff],
  to: S.Scheduled,
  apply(activity: ActivityState, event: { nowMs: number }): Followups {
    activity.retryAtMs = 0;
    activity.currentAttemptScheduledTimeMs = event.nowMs;
    return { ...followups([]), dispatch: activityDispatchTask(activity) };
  },
});

export const ActivityCompleted = defineTransition({
  machine: MACHINE,
  name: 'completed',
  // Scheduled: completed by id before a worker took it.
  from: [S.Started, S.Scheduled],
  to: S.Completed,
  apply: endDispatch,
});

export const ActivityFailed = defineTransition({
  machine: MACHINE,
  name: 'failed',
  from: [S.Started],
  to: S.Failed,
  apply: endDispatch,
});

export const ActivityCanceled = defineTransition({
  machine: MACHINE,
  name: 'canceled',
  from: [S.Scheduled, S.Started, S.BackingOff],
  to: S.Canceled,
  apply: endDispatch,
});

export const ActivityTimedOut = defineTransition({
  machine: MACHINE,
  name: 'timed out',
  from: [S.Scheduled, S.Started, S.BackingOff],
  to: S.TimedOut,
  apply: endDispatch,
});

/** The activity is dropped with its run (the run closed). */
export const ActivityDropped = defineTransition({
  machine: MACHINE,
  name: 'dropped',
  from: [S.Scheduled, S.Started, S.BackingOff],
  to: S.Canceled,
  apply: endDispatch,
});
