// What the clients of standalone activities read: Describe (ActivityExecutionInfo), Poll (a long poll
// until the activity closes), and List / Count over the activities' visibility rows.
import { google, temporal, decodeBase64, long } from '../common/proto';
import { durationFromMs, timestampFromMs } from '../common/time';
import { withDeadline } from '../common/deadline';
import type { NamespaceRecord, ExecutionRecord, Store } from '../store/store';
import type { VisibilityScope } from '../store/visibility-sql';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import type { Transaction } from './transaction';
import { ActivityStatus, isRunning, type ActivityState } from './mutable-state';
import { retryPolicyToProto } from './retry-policy';
import { callbackInfos } from './callbacks';
import {
  ACTIVITY_DIVISION,
  ACTIVITY_ID_PREFIX,
  ACTIVITY_SCHEDULED_EVENT_ID,
  activityIdOf,
  activityKey,
  activityOf,
  activityRun,
  activityWorkflowId,
  validActivityId,
  validActivityRunId,
} from './standalone-activity';
import { clientSearchAttributes, rowSearchAttributes, statusInEnum } from './standalone-common';
import { LIST_PAGE_SIZE_DEFAULT, LIST_PAGE_SIZE_MAX, countResponse } from './visibility-api';
import { POLL_TIMEOUT_MS } from './standalone-nexus-views';
import { describeRun, longPollMarkOf, longPollTokenOf, stateSizeBytes } from './standalone-long-poll';

const ExecutionStatus = temporal.api.enums.v1.ActivityExecutionStatus;
const RunState = temporal.api.enums.v1.PendingActivityState;

type Payloads = temporal.api.common.v1.IPayloads;
type Failure = temporal.api.failure.v1.IFailure;

/** The run's status as an activity's (the run closes with the activity, with the matching status). */
function statusOf(workflowStatus: number): number {
  return statusInEnum(workflowStatus, ExecutionStatus, 'ACTIVITY_EXECUTION_STATUS_');
}

function runStateOf(activity: ActivityState | undefined, isOpen: boolean): number {
  if (!activity || !isOpen) return RunState.PENDING_ACTIVITY_STATE_UNSPECIFIED;
  if (activity.status !== ActivityStatus.Started) return RunState.PENDING_ACTIVITY_STATE_SCHEDULED;
  return activity.cancelRequested
    ? RunState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
    : RunState.PENDING_ACTIVITY_STATE_STARTED;
}

const timeOf = (ms: number): google.protobuf.ITimestamp | null => (ms > 0 ? timestampFromMs(ms) : null);
const durationOf = (ms: number): google.protobuf.IDuration => durationFromMs(Math.max(0, ms));
const failureOf = (base64: string | null | undefined): Failure | null =>
  base64 ? decodeBase64<Failure>('temporal.api.failure.v1.Failure', base64) : null;

/** The outcome of a closed activity: its result, or its failure and retry state. */
function outcomeOf(run: Workflow): temporal.api.activity.v1.IActivityExecutionOutcome | null {
  const outcome = run.state.standaloneActivity?.outcome;
  if (!outcome || isRunning(run.state)) return null;
  if (outcome.result !== undefined)
    return { result: decodeBase64<Payloads>('temporal.api.common.v1.Payloads', outcome.result) };
  return {
    failure: failureOf(outcome.failure) ?? { message: 'activity failed' },
    ...(outcome.retryState ? { retryState: outcome.retryState } : {}),
  };
}

async function infoOf(
  tx: Transaction,
  run: Workflow,
  request: DescribeRequest,
): Promise<temporal.api.activity.v1.IActivityExecutionInfo> {
  const s = run.state;
  const standalone = s.standaloneActivity;
  const activity = activityOf(run);
  const scheduled = await tx.event(run, ACTIVITY_SCHEDULED_EVENT_ID);
  const a = scheduled?.activityTaskScheduledEventAttributes;
  const started = run.startedEvent;
  const isOpen = isRunning(s);
  const closeMs = isOpen ? 0 : s.closeTimeMs;
  const isBackingOff = isOpen && activity?.status === ActivityStatus.BackingOff;
  const isWaiting = isBackingOff && activity !== undefined && activity.retryAtMs > tx.nowMs;
  const lastCompleteMs = standalone?.lastAttemptCompleteTimeMs ?? 0;
  const startDelayMs = standalone?.startDelayMs ?? 0;
  return {
    activityId: standalone?.activityId ?? activityIdOf(s.workflowId),
    runId: s.runId,
    activityType: { name: s.workflowType },
    status: statusOf(s.status),
    runState: runStateOf(activity, isOpen),
    taskQueue: activity?.taskQueue ?? s.taskQueue,
    scheduleToCloseTimeout: durationOf(activity?.scheduleToCloseTimeoutMs ?? 0),
    scheduleToStartTimeout: durationOf(activity?.scheduleToStartTimeoutMs ?? 0),
    startToCloseTimeout: durationOf(activity?.startToCloseTimeoutMs ?? 0),
    heartbeatTimeout: durationOf(activity?.heartbeatTimeoutMs ?? 0),
    retryPolicy: activity ? retryPolicyToProto(activity.retryPolicy) : null,
    ...(request.includeHeartbeatDetails && activity?.heartbeatDetails
      ? { heartbeatDetails: decodeBase64<Payloads>('temporal.api.common.v1.Payloads', activity.heartbeatDetails) }
      : {}),
    lastHeartbeatTime: timeOf(activity?.lastHeartbeatTimeMs ?? 0),
    lastStartedTime: timeOf(standalone?.lastStartedTimeMs ?? 0),
    attempt: activity?.attempt ?? 1,
    ...(closeMs > 0 ? { executionDuration: durationOf(closeMs - s.startTimeMs), closeTime: timeOf(closeMs) } : {}),
    scheduleTime: timeOf(s.startTimeMs),
    expirationTime: activity?.scheduleToCloseTimeoutMs
      ? timeOf(activity.firstScheduledTimeMs + activity.scheduleToCloseTimeoutMs)
      : null,
    ...(request.includeLastFailure && activity?.lastFailure ? { lastFailure: failureOf(activity.lastFailure) } : {}),
    lastWorkerIdentity: activity?.startedIdentity || activity?.lastWorkerIdentity || '',
    ...(isWaiting && lastCompleteMs > 0 && activity
      ? { currentRetryInterval: durationOf(activity.retryAtMs - lastCompleteMs) }
      : {}),
    lastAttemptCompleteTime: timeOf(lastCompleteMs),
    nextAttemptScheduleTime: isWaiting && activity ? timeOf(activity.retryAtMs) : null,
    ...(a?.priority ? { priority: a.priority } : {}),
    stateTransitionCount: long(Math.max(1, s.nextEventId - 1)),
    searchAttributes: clientSearchAttributes(
      started?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields,
    ),
    header: a?.header ?? null,
    userMetadata: scheduled?.userMetadata ?? null,
    canceledReason: standalone?.cancel?.reason ?? '',
    links: started?.links ?? [],
    totalHeartbeatCount: long(standalone?.heartbeatCount ?? 0),
    ...(startDelayMs > 0 ? { startDelay: durationOf(startDelayMs) } : {}),
    executionTime: timeOf(s.startTimeMs + startDelayMs),
    sdkName: standalone?.sdkName ?? '',
    sdkVersion: standalone?.sdkVersion ?? '',
    stateSizeBytes: long(stateSizeBytes(run)),
  };
}

type DescribeRequest = temporal.api.workflowservice.v1.IDescribeActivityExecutionRequest;

export function describeActivityExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: DescribeRequest,
  signal: AbortSignal,
): Promise<temporal.api.workflowservice.v1.IDescribeActivityExecutionResponse> {
  const activityId = validActivityId(request.activityId);
  const mark = longPollMarkOf(
    request.longPollToken,
    request.runId ?? '',
    namespace.id,
    'run id is required when long poll token is provided',
  );
  const runId = validActivityRunId(request.runId);
  const target = { namespaceId: namespace.id, workflowId: activityWorkflowId(activityId) };
  return describeRun(
    engine,
    target,
    mark,
    signal,
    (tx) => activityRun(tx, namespace.id, activityId, runId),
    async (tx, run) => {
      const input = request.includeInput
        ? ((await tx.event(run, ACTIVITY_SCHEDULED_EVENT_ID))?.activityTaskScheduledEventAttributes?.input ?? null)
        : null;
      const outcome = request.includeOutcome ? outcomeOf(run) : null;
      // The callbacks of activity-backed Nexus operations, each waiting for the activity to close.
      const callbacks = callbackInfos(run).map(({ trigger: _trigger, ...info }) => ({
        trigger: { activityClosed: {} },
        info,
      }));
      return {
        runId: run.state.runId,
        info: await infoOf(tx, run, request),
        ...(input ? { input } : {}),
        ...(outcome ? { outcome } : {}),
        callbacks,
        longPollToken: longPollTokenOf(run),
      };
    },
  );
}

type PollRequest = temporal.api.workflowservice.v1.IPollActivityExecutionRequest;
type PollResponse = temporal.api.workflowservice.v1.IPollActivityExecutionResponse;

/** Waits until the activity closes and answers its outcome; empty when the wait runs out. */
export function pollActivityExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: PollRequest,
  signal: AbortSignal,
): Promise<PollResponse> {
  const activityId = validActivityId(request.activityId);
  const runId = validActivityRunId(request.runId);
  const target = { namespaceId: namespace.id, workflowId: activityWorkflowId(activityId) };
  return withDeadline(engine.ctx.clock, [signal, engine.stopSignal], POLL_TIMEOUT_MS, async (waiting) => {
    for (;;) {
      const read = await engine.run(target, async (tx) => {
        const run = await activityRun(tx, namespace.id, activityId, runId);
        const outcome = outcomeOf(run);
        return { response: outcome ? { runId: run.state.runId, outcome } : null, key: run.key };
      });
      if (read.response) return read.response;
      if (waiting.aborted) return {};
      await engine.waitForHistory(activityKey(namespace.id, activityId, read.key.runId), waiting);
      if (waiting.aborted) return {};
    }
  });
}

/** What List and Count see: the activities' division, with their own names for the row's fields. */
const ACTIVITIES_SCOPE: VisibilityScope = {
  division: ACTIVITY_DIVISION,
  aliases: {
    ActivityId: { field: 'WorkflowId', valuePrefix: ACTIVITY_ID_PREFIX },
    ActivityType: { field: 'WorkflowType' },
  },
};

function listInfoOf(record: ExecutionRecord): temporal.api.activity.v1.IActivityExecutionListInfo {
  const closeMs = record.closeTimeMs ?? 0;
  return {
    activityId: activityIdOf(record.workflowId),
    runId: record.runId,
    activityType: { name: record.workflowType },
    scheduleTime: timeOf(record.startTimeMs),
    closeTime: timeOf(closeMs),
    status: statusOf(record.status),
    searchAttributes: rowSearchAttributes(record.searchAttributes),
    taskQueue: record.taskQueue,
    stateTransitionCount: long(Math.max(1, record.nextEventId - 1)),
    executionDuration: closeMs > 0 ? durationOf(closeMs - record.startTimeMs) : null,
    executionTime: timeOf(record.executionTimeMs ?? record.startTimeMs),
  };
}

export async function listActivityExecutions(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IListActivityExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.IListActivityExecutionsResponse> {
  const pageSize =
    request.pageSize && request.pageSize > 0 ? Math.min(request.pageSize, LIST_PAGE_SIZE_MAX) : LIST_PAGE_SIZE_DEFAULT;
  const result = await store.listExecutions({
    namespaceId: namespace.id,
    query: request.query ?? '',
    pageSize,
    nextPageToken: request.nextPageToken ?? undefined,
    searchAttributeTypes: namespace.searchAttributes,
    scope: ACTIVITIES_SCOPE,
  });
  return { executions: result.records.map(listInfoOf), nextPageToken: result.nextPageToken ?? null };
}

export async function countActivityExecutions(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ICountActivityExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.ICountActivityExecutionsResponse> {
  const result = await store.countExecutions({
    namespaceId: namespace.id,
    query: request.query ?? '',
    searchAttributeTypes: namespace.searchAttributes,
    scope: ACTIVITIES_SCOPE,
  });
  return countResponse(result);
}
