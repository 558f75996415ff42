// A pending activity as DescribeWorkflowExecution shows it, field by field as the Temporal server fills
// PendingActivityInfo: the state (a pause shows as PAUSED when no worker runs it, PAUSE_REQUESTED when
// one does), when the next attempt is due, who paused it, and the options it runs with now.
import { temporal, decodeBase64 } from '../common/proto';
import { durationFromMs, timestampFromMs } from '../common/time';
import { ActivityStatus, type ActivityState, type RetryPolicyState } from './mutable-state';

const PendingActivityState = temporal.api.enums.v1.PendingActivityState;
type PendingActivityInfo = temporal.api.workflow.v1.IPendingActivityInfo;

/** When the activity's current (or next) attempt is scheduled: a backing-off one's is still to come. */
export function activityScheduledTimeMs(activity: ActivityState): number {
  return activity.status === ActivityStatus.BackingOff ? activity.retryAtMs : activity.currentAttemptScheduledTimeMs;
}

function stateOf(a: ActivityState): temporal.api.enums.v1.PendingActivityState {
  if (a.cancelRequested) return PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED;
  if (a.status === ActivityStatus.Started) {
    return a.pause
      ? PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED
      : PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  }
  return a.pause
    ? PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED
    : PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED;
}

/**
 * The next attempt's time while it waits to be dispatched, and the interval since the last failed
 * attempt. As the server: measured from the epoch when no worker reported a failure.
 */
function nextAttempt(a: ActivityState, nowMs: number): Partial<PendingActivityInfo> {
  const scheduledMs = activityScheduledTimeMs(a);
  if (a.status !== ActivityStatus.BackingOff || scheduledMs <= nowMs) return {};
  return {
    nextAttemptScheduleTime: timestampFromMs(scheduledMs),
    currentRetryInterval: durationFromMs(scheduledMs - (a.lastAttemptCompleteTimeMs ?? 0)),
  };
}

function pauseInfo(a: ActivityState): Partial<PendingActivityInfo> {
  if (!a.pause) return {};
  const { timeMs, identity, reason } = a.pause;
  return {
    paused: true,
    pauseInfo: {
      pauseTime: timestampFromMs(timeMs),
      manual: { ...(identity ? { identity } : {}), ...(reason ? { reason } : {}) },
    },
  };
}

/** The retry policy as the server reports it among the options: four fields, unset ones left out. */
export function activityRetryPolicyOption(policy: RetryPolicyState): temporal.api.common.v1.IRetryPolicy {
  return {
    ...(policy.initialIntervalMs ? { initialInterval: durationFromMs(policy.initialIntervalMs) } : {}),
    ...(policy.backoffCoefficient ? { backoffCoefficient: policy.backoffCoefficient } : {}),
    ...(policy.maximumIntervalMs ? { maximumInterval: durationFromMs(policy.maximumIntervalMs) } : {}),
    ...(policy.maximumAttempts ? { maximumAttempts: policy.maximumAttempts } : {}),
  };
}

export function pendingActivityInfo(a: ActivityState, nowMs: number): PendingActivityInfo {
  return {
    activityId: a.activityId,
    activityType: { name: a.activityType },
    state: stateOf(a),
    ...(a.heartbeatDetails
      ? { heartbeatDetails: decodeBase64('temporal.api.common.v1.Payloads', a.heartbeatDetails) }
      : {}),
    ...(a.lastHeartbeatTimeMs ? { lastHeartbeatTime: timestampFromMs(a.lastHeartbeatTimeMs) } : {}),
    ...(a.startedTimeMs ? { lastStartedTime: timestampFromMs(a.startedTimeMs) } : {}),
    attempt: a.attempt,
    maximumAttempts: a.retryPolicy.maximumAttempts,
    scheduledTime: timestampFromMs(activityScheduledTimeMs(a)),
    ...nextAttempt(a, nowMs),
    ...(a.lastAttemptCompleteTimeMs ? { lastAttemptCompleteTime: timestampFromMs(a.lastAttemptCompleteTimeMs) } : {}),
    ...(a.scheduleToCloseTimeoutMs
      ? { expirationTime: timestampFromMs(a.firstScheduledTimeMs + a.scheduleToCloseTimeoutMs) }
      : {}),
    ...(a.lastFailure ? { lastFailure: decodeBase64('temporal.api.failure.v1.Failure', a.lastFailure) } : {}),
    lastWorkerIdentity: a.startedIdentity || a.lastWorkerIdentity,
    ...pauseInfo(a),
    ...(a.priority ? { priority: a.priority } : {}),
    activityOptions: {
      taskQueue: { name: a.taskQueue, normalName: a.taskQueue },
      scheduleToCloseTimeout: durationFromMs(a.scheduleToCloseTimeoutMs),
      scheduleToStartTimeout: durationFromMs(a.scheduleToStartTimeoutMs),
      startToCloseTimeout: durationFromMs(a.startToCloseTimeoutMs),
      heartbeatTimeout: durationFromMs(a.heartbeatTimeoutMs),
      retryPolicy: activityRetryPolicyOption(a.retryPolicy),
      ...(a.priority ? { priority: a.priority } : {}),
    },
  };
}
