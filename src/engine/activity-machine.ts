// The activity as a state machine. scheduled -> started -> completed | failed | canceled | timed out,
// with retries in between: started -> backing off -> scheduled (a new attempt, dispatched again). A
// scheduled or backing-off activity may also be canceled or time out, and completion by id may complete
// one that is only scheduled. Creating the record is scheduling (activities.ts, with its dispatch task).
//
// PauseActivity (activity-operator.ts) moves an activity no worker runs to `paused`, where nothing is
// dispatched and no timeout runs; a running attempt stays `started` with its pause noted, and when it
// fails it goes to `paused` instead of backing off. Unpause, reset and new options send an activity
// that is not running back to `scheduled` (dispatched at once) or `backing-off` (dispatched later).
import { defineTransition } from '../common/state-machine';
import { ActivityStatus as S, type ActivityPause, type ActivityState } from './mutable-state';
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

/** The attempt that ended: counted, its worker remembered, its started fields cleared. */
function endAttempt(activity: ActivityState, event: { failure: string | null; identity: string }): void {
  activity.lastFailure = event.failure;
  // As the server, describe names the worker that polled the attempt (else the one that reported it).
  activity.lastWorkerIdentity = activity.startedIdentity || event.identity || activity.lastWorkerIdentity;
  activity.attempt += 1;
  activity.startedTimeMs = 0;
  activity.startedIdentity = '';
  delete activity.startedBuildId;
  activity.requestId = '';
  activity.lastHeartbeatTimeMs = 0;
}

/**
 * What every new attempt starts from (the Temporal server's retry bookkeeping): a reset is no longer
 * pending, and the heartbeat details go if a reset or unpause asked for it. `failure` is the last
 * attempt's (null when an operator, not a failure, started the attempt).
 */
function renewAttempt(activity: ActivityState, failure: string | null): void {
  activity.lastFailure = failure;
  if (activity.shouldClearHeartbeat) {
    activity.heartbeatDetails = null;
    activity.lastHeartbeatTimeMs = 0;
  }
  delete activity.shouldClearHeartbeat;
  delete activity.hasPendingReset;
}

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
    endAttempt(activity, event);
    renewAttempt(activity, event.failure);
    activity.retryAtMs = event.nowMs + event.delayMs;
    return endDispatch(activity);
  },
});

/** PauseActivity of an activity no worker runs: it is not dispatched (nor times out) until unpaused. */
export const ActivityPaused = defineTransition({
  machine: MACHINE,
  name: 'paused',
  from: [S.Scheduled, S.BackingOff],
  to: S.Paused,
  apply(activity: ActivityState, event: { pause: ActivityPause }): Followups {
    activity.pause = event.pause;
    // As the server: a backing-off activity keeps the time its next attempt was due as its schedule time.
    if (activity.retryAtMs > 0) activity.currentAttemptScheduledTimeMs = activity.retryAtMs;
    activity.retryAtMs = 0;
    return endDispatch(activity);
  },
});

/** PauseActivity of a running attempt: it runs on, and its heartbeats tell the worker it is paused. */
export const ActivityPauseRequested = defineTransition({
  machine: MACHINE,
  name: 'pause requested',
  from: [S.Started],
  to: S.Started,
  apply(activity: ActivityState, event: { pause: ActivityPause }): Followups {
    activity.pause = event.pause;
    return followups([]);
  },
});

/** UnpauseActivity (or ResetActivity) of a running attempt: a failure is retried by the policy again. */
export const ActivityPauseWithdrawn = defineTransition({
  machine: MACHINE,
  name: 'pause withdrawn',
  from: [S.Started],
  to: S.Started,
  apply(activity: ActivityState): Followups {
    delete activity.pause;
    return followups([]);
  },
});

/** A retryable failure of a paused activity's attempt: counted, and not retried until it is unpaused. */
export const ActivityPausedAttemptFailed = defineTransition({
  machine: MACHINE,
  name: 'paused attempt failed',
  from: [S.Started],
  to: S.Paused,
  apply(activity: ActivityState, event: { failure: string | null; identity: string }): Followups {
    endAttempt(activity, event);
    return endDispatch(activity);
  },
});

/** An activity no worker runs is dispatched again now: unpaused, reset, or given new options. */
export const ActivityRedispatched = defineTransition({
  machine: MACHINE,
  name: 'redispatched',
  from: [S.Scheduled, S.BackingOff, S.Paused],
  to: S.Scheduled,
  apply(activity: ActivityState, event: { scheduledTimeMs: number }): Followups {
    delete activity.pause;
    activity.retryAtMs = 0;
    activity.currentAttemptScheduledTimeMs = event.scheduledTimeMs;
    renewAttempt(activity, null);
    return { ...endDispatch(activity), dispatch: activityDispatchTask(activity) };
  },
});

/** New options of a paused activity: its attempt is due at a new time, still only once it is unpaused. */
export const ActivityRescheduledWhilePaused = defineTransition({
  machine: MACHINE,
  name: 'rescheduled while paused',
  from: [S.Paused],
  to: S.Paused,
  apply(activity: ActivityState, event: { scheduledTimeMs: number }): Followups {
    activity.currentAttemptScheduledTimeMs = event.scheduledTimeMs;
    renewAttempt(activity, null);
    return followups([]);
  },
});

/** As redispatched, at a later time: an unpause or reset with jitter, or a new retry policy's backoff. */
export const ActivityRedispatchDeferred = defineTransition({
  machine: MACHINE,
  name: 'redispatch deferred',
  from: [S.Scheduled, S.BackingOff, S.Paused],
  to: S.BackingOff,
  apply(activity: ActivityState, event: { atMs: number }): Followups {
    delete activity.pause;
    activity.retryAtMs = event.atMs;
    renewAttempt(activity, null);
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
  // Scheduled or paused: completed by id before a worker took it.
  from: [S.Started, S.Scheduled, S.Paused],
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
  from: [S.Scheduled, S.Started, S.BackingOff, S.Paused],
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
  from: [S.Scheduled, S.Started, S.BackingOff, S.Paused],
  to: S.Canceled,
  apply: endDispatch,
});
