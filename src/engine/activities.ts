// Activities of a run: scheduling (with the dispatch task), attempts, retries that write no events,
// timeouts and the close events (the machine is activity-machine.ts). ActivityTaskStarted is written
// lazily together with the close event (attempt and last failure included), as the Temporal server
// does for retried activities.
import { type Failure, type Payloads, EventType, temporal, encodeBase64, decodeBase64 } from '../common/proto';
import { durationFromMs, msFromDuration, timestampFromMs } from '../common/time';
import type { EngineContext } from './engine-context';
import { ActivityStatus, type ActivityPriority, type ActivityState, type WorkerSdk } from './mutable-state';
import { closeStandaloneActivityRun, type StandaloneEnd } from './standalone-close';
import type { Workflow } from './workflow';
import { decideRetry, isRetryable, normalizeRetryPolicy, retryPolicyToProto, RetryState } from './retry-policy';
import { scheduleWorkflowTask } from './workflow-tasks';
import { encodeTaskToken } from './tasks';
import { transitionItem } from './item-transition';
import type { Transition } from '../common/state-machine';
import type { Followups } from './outbox';
import {
  ActivityAttemptFailed,
  ActivityCanceled,
  ActivityCompleted,
  ActivityFailed,
  ActivityPausedAttemptFailed,
  ActivityRescheduled,
  ActivityStarted,
  ActivityTimedOut,
  activityDispatchTask,
} from './activity-machine';

const TimeoutType = temporal.api.enums.v1.TimeoutType;

/** Validates and normalizes the timeouts of a ScheduleActivityTask command (throws a message on error). */
export function normalizeActivityTimeouts(
  a: temporal.api.command.v1.IScheduleActivityTaskCommandAttributes,
  runTimeoutMs: number,
): { scheduleToCloseMs: number; scheduleToStartMs: number; startToCloseMs: number; heartbeatMs: number } {
  let scheduleToCloseMs = msFromDuration(a.scheduleToCloseTimeout);
  let scheduleToStartMs = msFromDuration(a.scheduleToStartTimeout);
  let startToCloseMs = msFromDuration(a.startToCloseTimeout);
  let heartbeatMs = msFromDuration(a.heartbeatTimeout);
  if (scheduleToCloseMs < 0 || scheduleToStartMs < 0 || startToCloseMs < 0 || heartbeatMs < 0) {
    throw new Error('A valid timeout may not be negative.');
  }
  if (runTimeoutMs > 0 && (scheduleToCloseMs === 0 || scheduleToCloseMs > runTimeoutMs))
    scheduleToCloseMs = runTimeoutMs;
  if (scheduleToCloseMs === 0 && startToCloseMs === 0) {
    throw new Error('A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.');
  }
  if (scheduleToCloseMs > 0) {
    if (scheduleToStartMs === 0 || scheduleToStartMs > scheduleToCloseMs) scheduleToStartMs = scheduleToCloseMs;
    if (startToCloseMs === 0 || startToCloseMs > scheduleToCloseMs) startToCloseMs = scheduleToCloseMs;
  }
  if (heartbeatMs > startToCloseMs) heartbeatMs = startToCloseMs;
  return { scheduleToCloseMs, scheduleToStartMs, startToCloseMs, heartbeatMs };
}

/** Schedules an activity (a standalone one may start after a delay: it waits as if backing off). */
export function scheduleActivity(
  workflow: Workflow,
  a: temporal.api.command.v1.IScheduleActivityTaskCommandAttributes,
  completedEventId: number,
  nowMs: number,
  startDelayMs = 0,
  userMetadata?: temporal.api.sdk.v1.IUserMetadata | null,
  /** Eager: the completing worker takes the task in its response, so none goes to matching. */
  eager = false,
): void {
  const s = workflow.state;
  const runTimeoutMs = s.runExpirationMs > 0 ? Math.max(0, s.runExpirationMs - nowMs) : 0;
  const t = normalizeActivityTimeouts(a, runTimeoutMs);
  const retryPolicy = normalizeRetryPolicy(a.retryPolicy, 'RetryPolicy');
  const taskQueue = a.taskQueue?.name || s.taskQueue;
  const event = workflow.append(
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    'activityTaskScheduledEventAttributes',
    {
      activityId: a.activityId ?? '',
      activityType: a.activityType ?? null,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      header: a.header ?? null,
      input: a.input ?? null,
      scheduleToCloseTimeout: durationFromMs(t.scheduleToCloseMs),
      scheduleToStartTimeout: durationFromMs(t.scheduleToStartMs),
      startToCloseTimeout: durationFromMs(t.startToCloseMs),
      heartbeatTimeout: durationFromMs(t.heartbeatMs),
      workflowTaskCompletedEventId: completedEventId,
      retryPolicy: retryPolicyToProto(retryPolicy),
      useWorkflowBuildId: a.useWorkflowBuildId ?? false,
      ...(a.priority ? { priority: a.priority } : {}),
    },
    nowMs,
    userMetadata ? { userMetadata } : undefined,
  );
  const scheduledEventId = Number(event.eventId);
  const activity: ActivityState = {
    status: ActivityStatus.Scheduled,
    activityId: a.activityId ?? '',
    activityType: a.activityType?.name ?? '',
    scheduledEventId,
    taskQueue,
    attempt: 1,
    firstScheduledTimeMs: nowMs,
    currentAttemptScheduledTimeMs: nowMs,
    startedTimeMs: 0,
    startedIdentity: '',
    requestId: '',
    scheduleToStartTimeoutMs: t.scheduleToStartMs,
    scheduleToCloseTimeoutMs: t.scheduleToCloseMs,
    startToCloseTimeoutMs: t.startToCloseMs,
    heartbeatTimeoutMs: t.heartbeatMs,
    retryPolicy,
    lastHeartbeatTimeMs: 0,
    heartbeatDetails: null,
    lastFailure: null,
    lastWorkerIdentity: '',
    cancelRequested: false,
    cancelRequestedEventId: 0,
    retryAtMs: 0,
    dispatchTaskId: 0,
    ...(a.priority ? { priority: priorityState(a.priority) } : {}),
  };
  if (startDelayMs > 0) {
    activity.status = ActivityStatus.BackingOff;
    activity.retryAtMs = nowMs + startDelayMs;
    activity.firstScheduledTimeMs = activity.retryAtMs;
  } else if (!eager) {
    activity.dispatchTaskId = workflow.emit(activityDispatchTask(activity));
  }
  workflow.putItem('activities', String(scheduledEventId), activity);
}

/** A Priority message as the activity record keeps it (plain JSON, only the fields set). */
export function priorityState(priority: temporal.api.common.v1.IPriority): ActivityPriority {
  return {
    ...(priority.priorityKey ? { priorityKey: priority.priorityKey } : {}),
    ...(priority.fairnessKey ? { fairnessKey: priority.fairnessKey } : {}),
    ...(priority.fairnessWeight ? { fairnessWeight: priority.fairnessWeight } : {}),
  };
}

export function findActivityById(workflow: Workflow, activityId: string): ActivityState | undefined {
  return Object.values(workflow.state.activities).find((a) => a.activityId === activityId);
}

function transition<E>(
  workflow: Workflow,
  activity: ActivityState,
  t: Transition<ActivityState, E, Followups>,
  event: E,
): void {
  transitionItem(workflow, 'activities', String(activity.scheduledEventId), activity, t, event);
}

/** The task token of the activity's current attempt. */
export function activityTaskToken(workflow: Workflow, activity: ActivityState): Uint8Array {
  const s = workflow.state;
  return encodeTaskToken({
    k: 'act',
    ns: s.namespaceId,
    w: s.workflowId,
    r: s.runId,
    s: activity.scheduledEventId,
    a: activity.attempt,
    id: activity.activityId,
  });
}

/** Builds the poll response for an activity task and marks the attempt started. */
export function startActivityTask(
  workflow: Workflow,
  activity: ActivityState,
  scheduled: temporal.api.history.v1.IActivityTaskScheduledEventAttributes | null | undefined,
  params: {
    identity: string;
    requestId: string;
    nowMs: number;
    namespace: string;
    taskToken: Uint8Array;
    sdk: WorkerSdk;
  },
): temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse {
  transition(workflow, activity, ActivityStarted, {
    nowMs: params.nowMs,
    identity: params.identity,
    requestId: params.requestId,
  });
  const standalone = workflow.state.standaloneActivity;
  if (standalone) {
    standalone.lastStartedTimeMs = params.nowMs;
    standalone.sdkName = params.sdk.name;
    standalone.sdkVersion = params.sdk.version;
  }
  return {
    taskToken: params.taskToken,
    workflowNamespace: params.namespace,
    // A standalone activity belongs to no workflow: its worker tells it by the empty execution.
    ...(standalone
      ? { workflowExecution: { workflowId: '', runId: '' }, activityRunId: workflow.state.runId }
      : {
          workflowType: { name: workflow.state.workflowType },
          workflowExecution: { workflowId: workflow.state.workflowId, runId: workflow.state.runId },
        }),
    activityType: { name: activity.activityType },
    activityId: activity.activityId,
    header: scheduled?.header ?? null,
    input: scheduled?.input ?? null,
    heartbeatDetails: activity.heartbeatDetails
      ? decodeBase64<Payloads>('temporal.api.common.v1.Payloads', activity.heartbeatDetails)
      : null,
    scheduledTime: timestampFromMs(activity.firstScheduledTimeMs),
    currentAttemptScheduledTime: timestampFromMs(activity.currentAttemptScheduledTimeMs),
    startedTime: timestampFromMs(params.nowMs),
    attempt: activity.attempt,
    scheduleToCloseTimeout: durationFromMs(activity.scheduleToCloseTimeoutMs),
    startToCloseTimeout: durationFromMs(activity.startToCloseTimeoutMs),
    heartbeatTimeout: durationFromMs(activity.heartbeatTimeoutMs),
    retryPolicy: retryPolicyToProto(activity.retryPolicy),
    ...priorityOf(activity, scheduled),
  };
}

/** The activity's priority: its own (UpdateActivityOptions may have changed it), else its scheduled event's. */
function priorityOf(
  activity: ActivityState,
  scheduled: temporal.api.history.v1.IActivityTaskScheduledEventAttributes | null | undefined,
): { priority?: temporal.api.common.v1.IPriority } {
  const priority = activity.priority === undefined ? scheduled?.priority : activity.priority;
  return priority ? { priority } : {};
}

export function recordHeartbeat(
  workflow: Workflow,
  activity: ActivityState,
  details: Payloads | null | undefined,
  nowMs: number,
): void {
  activity.lastHeartbeatTimeMs = nowMs;
  if (details) activity.heartbeatDetails = encodeBase64('temporal.api.common.v1.Payloads', details);
  workflow.changed('activities', String(activity.scheduledEventId));
  const standalone = workflow.state.standaloneActivity;
  if (standalone) {
    standalone.heartbeatCount += 1;
    workflow.touchCore();
  }
}

/** RequestCancelActivityTask of a running attempt: the worker learns it from its next heartbeat. */
export function requestActivityCancel(workflow: Workflow, activity: ActivityState, requestedEventId: number): void {
  activity.cancelRequested = true;
  activity.cancelRequestedEventId = requestedEventId;
  workflow.changed('activities', String(activity.scheduledEventId));
}

function appendLazyStarted(workflow: Workflow, activity: ActivityState, nowMs: number): number {
  return workflow.appendExternal(
    EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
    'activityTaskStartedEventAttributes',
    {
      scheduledEventId: activity.scheduledEventId,
      identity: activity.startedIdentity,
      requestId: activity.requestId,
      attempt: activity.attempt,
      ...(activity.startedBuildId ? { workerVersion: { buildId: activity.startedBuildId } } : {}),
      ...(activity.lastFailure
        ? { lastFailure: decodeBase64<Failure>('temporal.api.failure.v1.Failure', activity.lastFailure) }
        : {}),
    },
    activity.startedTimeMs || nowMs,
  );
}

/** The activity is done: the workflow's next task, or the close of a standalone activity's run. */
function finish(
  ctx: EngineContext,
  workflow: Workflow,
  activity: ActivityState,
  end: StandaloneEnd,
  nowMs: number,
): void {
  workflow.removeItem('activities', String(activity.scheduledEventId));
  if (workflow.state.standaloneActivity) closeStandaloneActivityRun(workflow, activity, end, nowMs);
  else scheduleWorkflowTask(ctx, workflow, nowMs);
}

/** A standalone activity's describe shows when its last attempt ended. */
function noteAttemptEnd(workflow: Workflow, nowMs: number): void {
  const standalone = workflow.state.standaloneActivity;
  if (standalone) standalone.lastAttemptCompleteTimeMs = nowMs;
}

export function completeActivity(
  ctx: EngineContext,
  workflow: Workflow,
  activity: ActivityState,
  result: Payloads | null | undefined,
  identity: string,
  nowMs: number,
): void {
  transition(workflow, activity, ActivityCompleted, undefined);
  // Also when completed by id before any worker took it: the server writes a Started event all the same.
  const startedEventId = appendLazyStarted(workflow, activity, nowMs);
  workflow.appendExternal(
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    'activityTaskCompletedEventAttributes',
    { result: result ?? null, scheduledEventId: activity.scheduledEventId, startedEventId, identity },
    nowMs,
  );
  activity.lastWorkerIdentity = identity;
  noteAttemptEnd(workflow, nowMs);
  finish(ctx, workflow, activity, { kind: 'succeeded', result }, nowMs);
}

export function cancelActivity(
  ctx: EngineContext,
  workflow: Workflow,
  activity: ActivityState,
  details: Payloads | null | undefined,
  identity: string,
  nowMs: number,
  latestCancelRequestedEventId: number,
): void {
  const wasStarted = activity.status === ActivityStatus.Started;
  transition(workflow, activity, ActivityCanceled, undefined);
  const startedEventId = wasStarted ? appendLazyStarted(workflow, activity, nowMs) : 0;
  workflow.appendExternal(
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
    'activityTaskCanceledEventAttributes',
    {
      details: details ?? null,
      latestCancelRequestedEventId,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity,
    },
    nowMs,
  );
  if (wasStarted) noteAttemptEnd(workflow, nowMs);
  const cause: Failure = {
    message: 'Activity canceled',
    canceledFailureInfo: {
      ...(details ? { details } : {}),
      identity: workflow.state.standaloneActivity?.cancel?.identity ?? identity,
    },
  };
  finish(ctx, workflow, activity, { kind: 'canceled', cause }, nowMs);
}

/** A failed attempt: retried after backoff when the policy allows, else the activity fails. */
export function failActivity(
  ctx: EngineContext,
  workflow: Workflow,
  activity: ActivityState,
  failure: Failure | null | undefined,
  identity: string,
  nowMs: number,
  heartbeatDetails?: Payloads | null,
): void {
  if (heartbeatDetails) activity.heartbeatDetails = encodeBase64('temporal.api.common.v1.Payloads', heartbeatDetails);
  const decision = decideRetry({
    policy: activity.retryPolicy,
    attempt: activity.attempt,
    nowMs,
    expirationMs: expirationOf(activity),
    ...failureKind(failure),
  });
  noteAttemptEnd(workflow, nowMs);
  activity.lastAttemptCompleteTimeMs = nowMs;
  const encodedFailure = failure ? encodeBase64('temporal.api.failure.v1.Failure', failure) : null;
  // As the server: a paused activity's retryable failure waits for an unpause, whatever the policy's
  // attempts and expiration say.
  if (activity.pause && !activity.cancelRequested && isRetryableFailure(activity.retryPolicy, failure)) {
    transition(workflow, activity, ActivityPausedAttemptFailed, { failure: encodedFailure, identity });
    return;
  }
  if (decision.retry && !activity.cancelRequested) {
    transition(workflow, activity, ActivityAttemptFailed, {
      nowMs,
      delayMs: decision.delayMs,
      failure: encodedFailure,
      identity,
    });
    return;
  }
  transition(workflow, activity, ActivityFailed, undefined);
  const retryState = decision.retry || activity.cancelRequested ? RetryState.CancelRequested : decision.retryState;
  const startedEventId = appendLazyStarted(workflow, activity, nowMs);
  workflow.appendExternal(
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    'activityTaskFailedEventAttributes',
    {
      failure: failure ?? null,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity,
      retryState,
    },
    nowMs,
  );
  activity.lastWorkerIdentity = identity;
  const cause = failure ?? { message: 'activity task failed without failure details' };
  finish(ctx, workflow, activity, { kind: 'failed', cause, retryState }, nowMs);
}

/** A failure as retry policies see it: its application type, and whether it said not to retry (an
 * application failure or, as the server writes for an oversized result, a server failure). */
function failureKind(failure: Failure | null | undefined): {
  errorType: string | undefined;
  isNonRetryable: boolean;
} {
  const info = failure?.applicationFailureInfo;
  return {
    errorType: info?.type ?? undefined,
    isNonRetryable: (info?.nonRetryable ?? false) || (failure?.serverFailureInfo?.nonRetryable ?? false),
  };
}

function isRetryableFailure(policy: ActivityState['retryPolicy'], failure: Failure | null | undefined): boolean {
  return isRetryable(policy, failureKind(failure));
}

function expirationOf(activity: ActivityState): number {
  return activity.scheduleToCloseTimeoutMs > 0 ? activity.firstScheduledTimeMs + activity.scheduleToCloseTimeoutMs : 0;
}

type ActivityTimeout = 'schedule-to-start' | 'schedule-to-close' | 'start-to-close' | 'heartbeat';

/** The earliest moment this activity needs attention (timeout or retry), 0 = none (also while paused). */
export function activityDeadline(activity: ActivityState): number {
  // As the server: no timeout of a paused activity runs, not even schedule-to-close; an unpause re-arms them.
  if (activity.pause) return 0;
  const candidates: number[] = [];
  if (activity.scheduleToCloseTimeoutMs > 0)
    candidates.push(activity.firstScheduledTimeMs + activity.scheduleToCloseTimeoutMs);
  if (activity.status === ActivityStatus.BackingOff) candidates.push(activity.retryAtMs);
  else if (activity.status === ActivityStatus.Scheduled) {
    if (activity.scheduleToStartTimeoutMs > 0)
      candidates.push(activity.currentAttemptScheduledTimeMs + activity.scheduleToStartTimeoutMs);
  } else {
    if (activity.startToCloseTimeoutMs > 0) candidates.push(activity.startedTimeMs + activity.startToCloseTimeoutMs);
    if (activity.heartbeatTimeoutMs > 0)
      candidates.push((activity.lastHeartbeatTimeMs || activity.startedTimeMs) + activity.heartbeatTimeoutMs);
  }
  return candidates.length > 0 ? Math.min(...candidates) : 0;
}

/** Applies whatever is due for this activity at nowMs. */
export function processActivityDeadline(
  ctx: EngineContext,
  workflow: Workflow,
  activity: ActivityState,
  nowMs: number,
): void {
  if (activity.pause) return;
  if (
    activity.scheduleToCloseTimeoutMs > 0 &&
    nowMs >= activity.firstScheduledTimeMs + activity.scheduleToCloseTimeoutMs
  ) {
    return timeOutActivity(ctx, workflow, activity, 'schedule-to-close', nowMs, false);
  }
  switch (activity.status) {
    case ActivityStatus.BackingOff:
      if (nowMs >= activity.retryAtMs) transition(workflow, activity, ActivityRescheduled, { nowMs });
      return;
    case ActivityStatus.Scheduled:
      if (
        activity.scheduleToStartTimeoutMs > 0 &&
        nowMs >= activity.currentAttemptScheduledTimeMs + activity.scheduleToStartTimeoutMs
      ) {
        timeOutActivity(ctx, workflow, activity, 'schedule-to-start', nowMs, false);
      }
      return;
    case ActivityStatus.Started:
      if (activity.startToCloseTimeoutMs > 0 && nowMs >= activity.startedTimeMs + activity.startToCloseTimeoutMs) {
        return timeOutActivity(ctx, workflow, activity, 'start-to-close', nowMs, true);
      }
      if (
        activity.heartbeatTimeoutMs > 0 &&
        nowMs >= (activity.lastHeartbeatTimeMs || activity.startedTimeMs) + activity.heartbeatTimeoutMs
      ) {
        timeOutActivity(ctx, workflow, activity, 'heartbeat', nowMs, true);
      }
      return;
    default:
      return;
  }
}

const TIMEOUT_NAMES: Record<ActivityTimeout, { type: number; name: string }> = {
  'schedule-to-start': { type: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START, name: 'ScheduleToStart' },
  'schedule-to-close': { type: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, name: 'ScheduleToClose' },
  'start-to-close': { type: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, name: 'StartToClose' },
  heartbeat: { type: TimeoutType.TIMEOUT_TYPE_HEARTBEAT, name: 'Heartbeat' },
};

// As the server's timer executor: a cancel request or a schedule-to-* deadline ends the activity; a
// start-to-close or heartbeat timeout is retried by the policy. When no time is left for a retry the
// failure is reported as schedule-to-close, and the failure of the last retried attempt is its cause.
function timeOutActivity(
  ctx: EngineContext,
  workflow: Workflow,
  activity: ActivityState,
  timeout: ActivityTimeout,
  nowMs: number,
  isRetryable: boolean,
): void {
  const { type, name } = TIMEOUT_NAMES[timeout];
  let failure: Failure = {
    message: `activity ${name} timeout`,
    source: 'Server',
    timeoutFailureInfo: { timeoutType: type },
  };
  let retryState: number = RetryState.Timeout;
  if (activity.cancelRequested) {
    retryState = RetryState.CancelRequested;
  } else if (isRetryable) {
    const decision = decideRetry({
      policy: activity.retryPolicy,
      attempt: activity.attempt,
      nowMs,
      expirationMs: expirationOf(activity),
    });
    if (decision.retry) {
      noteAttemptEnd(workflow, nowMs);
      const encoded = encodeBase64('temporal.api.failure.v1.Failure', failure);
      transition(workflow, activity, ActivityAttemptFailed, {
        nowMs,
        delayMs: decision.delayMs,
        failure: encoded,
        identity: '',
      });
      return;
    }
    retryState = decision.retryState;
  }
  if (retryState === RetryState.Timeout && timeout !== 'schedule-to-start') {
    failure = {
      message: 'Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up retrying',
      source: 'Server',
      timeoutFailureInfo: { timeoutType: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE },
    };
  }
  if (activity.heartbeatDetails && failure.timeoutFailureInfo) {
    failure.timeoutFailureInfo.lastHeartbeatDetails = decodeBase64<Payloads>(
      'temporal.api.common.v1.Payloads',
      activity.heartbeatDetails,
    );
  }
  if (activity.lastFailure)
    failure.cause = decodeBase64<Failure>('temporal.api.failure.v1.Failure', activity.lastFailure);
  const wasStarted = activity.status === ActivityStatus.Started;
  transition(workflow, activity, ActivityTimedOut, undefined);
  const startedEventId = wasStarted ? appendLazyStarted(workflow, activity, nowMs) : 0;
  workflow.appendExternal(
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    'activityTaskTimedOutEventAttributes',
    { failure, scheduledEventId: activity.scheduledEventId, startedEventId, retryState },
    nowMs,
  );
  if (wasStarted) noteAttemptEnd(workflow, nowMs);
  finish(ctx, workflow, activity, { kind: 'timed-out', cause: failure, retryState }, nowMs);
}
