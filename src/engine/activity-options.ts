// UpdateActivityOptions of a workflow's activities, as the Temporal server does it: the fields the update
// mask names are merged into the options each activity runs with now, checked and normalized as a
// ScheduleActivityTask command's would be (without the run timeout), and applied; or, with
// restore_original, the options of its ActivityTaskScheduled event come back. A running attempt runs on
// with the new timeouts; an activity no worker runs is dispatched again, to its new task queue, when its
// current attempt is due by the new retry policy (a paused one stays paused). No event is written.
import { invalidArgument } from '../common/errors';
import { type google, temporal } from '../common/proto';
import { durationFromMs, msFromDuration } from '../common/time';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import { ActivityStatus, type ActivityState } from './mutable-state';
import { priorityState } from './activities';
import {
  type ActivityCommandTarget,
  isWaitingForWorker,
  onWorkflowRun,
  redispatchActivity,
  selectActivities,
  touchActivity,
  transitionActivity,
} from './activity-operator';
import { ActivityRescheduledWhilePaused } from './activity-machine';
import { activityScheduledTimeMs } from './pending-activity-info';
import { validTaskQueueName } from './task-queue-name';
import type { Transaction } from './transaction';
import { assertRunning } from './workflow-operations';
import type { Workflow } from './workflow';

type ActivityOptions = temporal.api.activity.v1.IActivityOptions;
type Duration = google.protobuf.IDuration;

/** The server caps every duration it is given at 100 years. */
const DURATION_MAX_MS = 100 * 365 * 24 * 3_600_000;

export interface UpdateOptionsRequest extends ActivityCommandTarget {
  readonly options: ActivityOptions | null | undefined;
  /** The update mask's paths; null when the request has no mask. */
  readonly paths: readonly string[] | null;
  readonly restoreOriginal: boolean;
}

export function updateActivityOptions(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: UpdateOptionsRequest,
): Promise<ActivityOptions> {
  const fields = request.paths === null ? null : fieldsOfMask(request.paths);
  if (request.restoreOriginal && fields !== null && fields.size > 0) {
    throw invalidArgument('Both UpdateMask and RestoreOriginal are provided');
  }
  return onWorkflowRun(engine, namespace, request.execution, async (tx, workflow) => {
    if (request.restoreOriginal) return restoreOriginalOptions(tx, workflow, request);
    assertRunning(workflow);
    const from = request.options;
    if (!from) throw invalidArgument('ActivityOptions are not provided');
    const activities = selectActivities(workflow, request.selector);
    if (fields === null) throw invalidArgument('UpdateMask is not provided');
    let updated: ActivityOptions = {};
    for (const activity of activities) {
      const options = optionsOf(activity);
      mergeOptions(options, from, fields);
      if ([...fields].some((field) => field.startsWith('retryPolicy.'))) checkRetryPolicy(options.retryPolicy);
      normalizeOptions(activity, options);
      applyOptions(workflow, activity, options, true);
      rescheduleWithNewOptions(workflow, activity, tx.nowMs);
      updated = options;
    }
    return updated;
  });
}

async function restoreOriginalOptions(
  tx: Transaction,
  workflow: Workflow,
  request: UpdateOptionsRequest,
): Promise<ActivityOptions> {
  let restored: ActivityOptions = {};
  for (const activity of selectActivities(workflow, request.selector)) {
    restored = await originalOptions(tx, workflow, activity);
    applyOptions(workflow, activity, restored, true);
    rescheduleWithNewOptions(workflow, activity, tx.nowMs);
  }
  return restored;
}

/** The options the activity was scheduled with (its ActivityTaskScheduled event). */
export async function originalOptions(
  tx: Transaction,
  workflow: Workflow,
  activity: ActivityState,
): Promise<ActivityOptions> {
  const event = await tx.event(workflow, activity.scheduledEventId);
  const scheduled = event?.activityTaskScheduledEventAttributes;
  if (!scheduled) throw invalidArgument('ActivityTaskScheduledEvent is incomplete');
  return {
    taskQueue: { name: scheduled.taskQueue?.name ?? '' },
    scheduleToCloseTimeout: scheduled.scheduleToCloseTimeout ?? null,
    scheduleToStartTimeout: scheduled.scheduleToStartTimeout ?? null,
    startToCloseTimeout: scheduled.startToCloseTimeout ?? null,
    heartbeatTimeout: scheduled.heartbeatTimeout ?? null,
    retryPolicy: scheduled.retryPolicy ?? null,
    ...(scheduled.priority ? { priority: scheduled.priority } : {}),
  };
}

/** The options the activity runs with now, as the merge starts from them. */
function optionsOf(activity: ActivityState): ActivityOptions {
  const policy = activity.retryPolicy;
  return {
    taskQueue: { name: activity.taskQueue },
    scheduleToCloseTimeout: durationFromMs(activity.scheduleToCloseTimeoutMs),
    scheduleToStartTimeout: durationFromMs(activity.scheduleToStartTimeoutMs),
    startToCloseTimeout: durationFromMs(activity.startToCloseTimeoutMs),
    heartbeatTimeout: durationFromMs(activity.heartbeatTimeoutMs),
    retryPolicy: {
      ...(policy.initialIntervalMs ? { initialInterval: durationFromMs(policy.initialIntervalMs) } : {}),
      ...(policy.backoffCoefficient ? { backoffCoefficient: policy.backoffCoefficient } : {}),
      ...(policy.maximumIntervalMs ? { maximumInterval: durationFromMs(policy.maximumIntervalMs) } : {}),
      ...(policy.maximumAttempts ? { maximumAttempts: policy.maximumAttempts } : {}),
    },
    ...(activity.priority ? { priority: { ...activity.priority } } : {}),
  };
}

/** The mask's paths as the server reads them: snake_case or camelCase, each part in camelCase. */
export function fieldsOfMask(paths: readonly string[]): Set<string> {
  const camel = (part: string): string =>
    part
      .split('_')
      .map((word, i) =>
        i === 0
          ? word.slice(0, 1).toLowerCase() + word.slice(1)
          : word.slice(0, 1).toUpperCase() + word.slice(1).toLowerCase(),
      )
      .join('');
  return new Set(paths.map((path) => path.split('.').map(camel).join('.')));
}

/** Copies the masked fields of `from` into `into`, in the server's order (and with its complaints). */
function mergeOptions(into: ActivityOptions, from: ActivityOptions, fields: ReadonlySet<string>): void {
  if (fields.has('taskQueue.name')) {
    if (!from.taskQueue) throw invalidArgument('TaskQueue is not provided');
    into.taskQueue = { ...into.taskQueue, name: from.taskQueue.name ?? '' };
  }
  for (const field of TIMEOUT_FIELDS) if (fields.has(field)) into[field] = from[field] ?? null;
  if (fields.has('priority')) into.priority = from.priority ?? null;
  into.priority = mergeSubFields(into.priority, from.priority, fields, 'priority', PRIORITY_FIELDS);
  if (fields.has('retryPolicy')) {
    if (!from.retryPolicy) throw invalidArgument('RetryPolicy is not provided');
    into.retryPolicy = from.retryPolicy;
  }
  into.retryPolicy = mergeSubFields(into.retryPolicy, from.retryPolicy, fields, 'retryPolicy', RETRY_POLICY_FIELDS);
  if (fields.has('startDelay')) into.startDelay = from.startDelay ?? null;
}

const TIMEOUT_FIELDS = [
  'scheduleToCloseTimeout',
  'scheduleToStartTimeout',
  'startToCloseTimeout',
  'heartbeatTimeout',
] as const;
const PRIORITY_FIELDS = ['priorityKey', 'fairnessKey', 'fairnessWeight'] as const;
const RETRY_POLICY_FIELDS = ['initialInterval', 'backoffCoefficient', 'maximumInterval', 'maximumAttempts'] as const;

/** The masked fields of a sub-message (`priority.priority_key`...); its parent must be in the request. */
function mergeSubFields<T extends object>(
  into: T | null | undefined,
  from: T | null | undefined,
  fields: ReadonlySet<string>,
  parent: 'priority' | 'retryPolicy',
  names: readonly string[],
): T | null | undefined {
  let merged = into;
  for (const name of names) {
    if (!fields.has(`${parent}.${name}`)) continue;
    if (!from) throw invalidArgument(`${parent === 'priority' ? 'Priority' : 'RetryPolicy'} is not provided`);
    const target = (merged ?? {}) as Record<string, unknown>;
    target[name] = (from as Record<string, unknown>)[name];
    merged = target as T;
  }
  return merged;
}

/** A duration the server accepts: not negative, seconds and nanos of one sign, at most 100 years. */
function checkedMs(duration: Duration | null | undefined, label: string): number {
  if (!duration) return 0;
  const seconds = Number(duration.seconds ?? 0);
  const nanos = duration.nanos ?? 0;
  if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
    throw invalidArgument(`${label}: duration has seconds and nanos with different signs`);
  }
  const ms = msFromDuration(duration);
  if (ms < 0) throw invalidArgument(`${label}: negative duration`);
  return Math.min(ms, DURATION_MAX_MS);
}

/** The server's retry policy check (no defaults filled in first: an unset backoff coefficient is < 1). */
export function checkRetryPolicy(policy: temporal.api.common.v1.IRetryPolicy | null | undefined): void {
  if (!policy || policy.maximumAttempts === 1) return;
  const initialMs = checkedMs(policy.initialInterval, 'invalid InitialInterval set on retry policy');
  if ((policy.backoffCoefficient ?? 0) < 1) {
    throw invalidArgument('BackoffCoefficient cannot be less than 1 on retry policy.');
  }
  const maximumMs = checkedMs(policy.maximumInterval, 'invalid MaximumInterval set on retry policy');
  if (maximumMs > 0 && maximumMs < initialMs) {
    throw invalidArgument('MaximumInterval cannot be less than InitialInterval on retry policy.');
  }
  if ((policy.maximumAttempts ?? 0) < 0) throw invalidArgument('MaximumAttempts cannot be negative on retry policy.');
}

/**
 * The task queue and timeouts checked and filled in as for a ScheduleActivityTask command, with no run
 * timeout to cap them: the schedule-to-close bounds the others, and the heartbeat the start-to-close.
 */
function normalizeOptions(activity: ActivityState, options: ActivityOptions): void {
  validTaskQueueName(options.taskQueue);
  options.taskQueue = {
    name: options.taskQueue?.name ?? '',
    kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
  };
  const scheduleToCloseMs = checkedMs(options.scheduleToCloseTimeout, 'invalid ScheduleToCloseTimeout');
  let scheduleToStartMs = checkedMs(options.scheduleToStartTimeout, 'invalid ScheduleToStartTimeout');
  let startToCloseMs = checkedMs(options.startToCloseTimeout, 'invalid StartToCloseTimeout');
  const heartbeatMs = checkedMs(options.heartbeatTimeout, 'invalid HeartbeatTimeout');
  if (scheduleToCloseMs > 0) {
    scheduleToStartMs = scheduleToStartMs > 0 ? Math.min(scheduleToStartMs, scheduleToCloseMs) : scheduleToCloseMs;
    startToCloseMs = startToCloseMs > 0 ? Math.min(startToCloseMs, scheduleToCloseMs) : scheduleToCloseMs;
  } else if (startToCloseMs === 0) {
    throw invalidArgument(
      'a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set on the activity. ' +
        `ActivityId=${activity.activityId} ActivityType=${activity.activityType}`,
    );
  }
  options.scheduleToCloseTimeout = durationFromMs(scheduleToCloseMs);
  options.scheduleToStartTimeout = durationFromMs(scheduleToStartMs);
  options.startToCloseTimeout = durationFromMs(startToCloseMs);
  options.heartbeatTimeout = durationFromMs(Math.min(heartbeatMs, startToCloseMs));
}

/** The activity takes the options (the priority too, unless `withPriority` is false: a reset keeps it). */
export function applyOptions(
  workflow: Workflow,
  activity: ActivityState,
  options: ActivityOptions,
  withPriority: boolean,
): void {
  activity.taskQueue = options.taskQueue?.name ?? activity.taskQueue;
  activity.scheduleToCloseTimeoutMs = msFromDuration(options.scheduleToCloseTimeout);
  activity.scheduleToStartTimeoutMs = msFromDuration(options.scheduleToStartTimeout);
  activity.startToCloseTimeoutMs = msFromDuration(options.startToCloseTimeout);
  activity.heartbeatTimeoutMs = msFromDuration(options.heartbeatTimeout);
  const policy = options.retryPolicy;
  activity.retryPolicy = {
    ...activity.retryPolicy,
    initialIntervalMs: msFromDuration(policy?.initialInterval),
    backoffCoefficient: policy?.backoffCoefficient ?? 0,
    maximumIntervalMs: msFromDuration(policy?.maximumInterval),
    maximumAttempts: policy?.maximumAttempts ?? 0,
  };
  if (withPriority) activity.priority = options.priority ? priorityState(options.priority) : null;
  touchActivity(workflow, activity);
}

/**
 * An activity no worker runs is dispatched again when its current attempt is due under the new policy:
 * the first attempt at its schedule time, a retry one backoff after its last failure, as the server
 * computes it (the backoff of this attempt number). A paused one keeps waiting for its unpause.
 */
function rescheduleWithNewOptions(workflow: Workflow, activity: ActivityState, nowMs: number): void {
  if (!isWaitingForWorker(activity)) return;
  const atMs = attemptDueMs(activity);
  if (activity.status === ActivityStatus.Paused) {
    transitionActivity(workflow, activity, ActivityRescheduledWhilePaused, { scheduledTimeMs: atMs });
    return;
  }
  redispatchActivity(workflow, activity, atMs, nowMs);
}

function attemptDueMs(activity: ActivityState): number {
  const scheduledMs = activityScheduledTimeMs(activity);
  const completedMs = activity.lastAttemptCompleteTimeMs ?? 0;
  // The server counts from the epoch when no worker reported a failure; here the schedule time stays.
  if (activity.attempt <= 1 || completedMs === 0) return scheduledMs;
  const { initialIntervalMs, backoffCoefficient, maximumIntervalMs } = activity.retryPolicy;
  let intervalMs = initialIntervalMs * Math.pow(backoffCoefficient, activity.attempt - 1);
  if (maximumIntervalMs !== 0 && (intervalMs <= 0 || intervalMs > maximumIntervalMs)) intervalMs = maximumIntervalMs;
  return intervalMs > 0 ? completedMs + intervalMs : scheduledMs;
}
