// Standalone activities: activities a client starts (StartActivityExecution and its family), not a
// workflow. Each is a run of its own, in a division of its own, as a standalone Nexus operation is
// (standalone-nexus.ts): its workflow id is the activity id behind a reserved prefix, its visibility row
// names the activity type (workflow_type) and task queue, and it holds one activity item, scheduled by
// the same code as a workflow's ScheduleActivityTask command. So dispatch, attempts, heartbeats,
// retries and timeouts are the workflow activity's, and the worker answers with the same task token;
// the run has no workflow tasks, and when the activity ends the run closes with it (standalone-close.ts).
import { google, temporal } from '../common/proto';
import { ServiceError, ErrorCode, invalidArgument, notFound } from '../common/errors';
import { pascalFromUpperSnake } from '../common/names';
import { msFromDuration } from '../common/time';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import { requestDeletion } from './workflow-operations';
import type { Transaction } from './transaction';
import type { RunKey } from './tasks';
import { ActivityStatus, isRunning, type ActivityState, type StandaloneActivityState } from './mutable-state';
import { startWorkflow } from './workflow-operations';
import type { RunSpec } from './workflow-start';
import { cancelActivity, requestActivityCancel, scheduleActivity } from './activities';
import { validTaskQueueName } from './task-queue-name';
import {
  ID_LENGTH_MAX,
  INPUT_SIZE_MAX_BYTES,
  REASON_LENGTH_MAX,
  checkLength,
  keywordPayload,
  stringPayloads,
  terminateStandaloneRun,
  validRunId,
} from './standalone-common';

/** The workflow id of an activity's run is this prefix and the activity id. */
export const ACTIVITY_ID_PREFIX = '\u0001activity:';
/** The TemporalNamespaceDivision of standalone activities' runs (Temporal's CHASM archetype). */
export const ACTIVITY_DIVISION = 'activity';
/** The activity's item in its run: the event after WorkflowExecutionStarted. */
export const ACTIVITY_SCHEDULED_EVENT_ID = 2;

const ReusePolicy = temporal.api.enums.v1.ActivityIdReusePolicy;
const ConflictPolicy = temporal.api.enums.v1.ActivityIdConflictPolicy;
const WorkflowStatus = temporal.api.enums.v1.WorkflowExecutionStatus;

export function activityWorkflowId(activityId: string): string {
  return `${ACTIVITY_ID_PREFIX}${activityId}`;
}

export function activityIdOf(workflowId: string): string {
  return workflowId.startsWith(ACTIVITY_ID_PREFIX) ? workflowId.slice(ACTIVITY_ID_PREFIX.length) : workflowId;
}

export function activityNotFound(activityId: string): ServiceError {
  return notFound(`activity not found for ID: ${activityId}`);
}

/** An activity id of Describe, Poll, cancel or terminate. */
export function validActivityId(activityId: string | null | undefined): string {
  if (!activityId) throw invalidArgument('activity ID is required');
  checkLength('activity ID', activityId, ID_LENGTH_MAX);
  return activityId;
}

export function validActivityRunId(runId: string | null | undefined): string {
  return validRunId(runId, 'invalid run id: must be a valid UUID');
}

function validTimeout(name: string, duration: google.protobuf.IDuration | null | undefined): number {
  const ms = msFromDuration(duration);
  if (ms < 0) throw invalidArgument(`invalid ${name}: negative duration`);
  return ms;
}

/** The retry policy checks of the Temporal server's activity validator, in its words. */
function checkRetryPolicy(policy: temporal.api.common.v1.IRetryPolicy): void {
  if (policy.maximumAttempts === 1) return;
  const initialMs = msFromDuration(policy.initialInterval);
  const maximumMs = msFromDuration(policy.maximumInterval);
  if (initialMs < 0) throw invalidArgument('invalid InitialInterval set on retry policy: negative duration');
  if (policy.backoffCoefficient && policy.backoffCoefficient < 1)
    throw invalidArgument('BackoffCoefficient cannot be less than 1 on retry policy.');
  if (maximumMs < 0) throw invalidArgument('invalid MaximumInterval set on retry policy: negative duration');
  if (maximumMs > 0 && maximumMs < (initialMs || 1000))
    throw invalidArgument('MaximumInterval cannot be less than InitialInterval on retry policy.');
  if ((policy.maximumAttempts ?? 0) < 0) throw invalidArgument('MaximumAttempts cannot be negative on retry policy.');
}

type StartRequest = temporal.api.workflowservice.v1.IStartActivityExecutionRequest;

function validateStart(namespace: NamespaceRecord, request: StartRequest): { startDelayMs: number } {
  const startDelayMs = validTimeout('StartDelay', request.startDelay);
  validTaskQueueName(request.taskQueue);
  if (!request.activityId) throw invalidArgument('activityId is not set');
  if (!request.activityType?.name) throw invalidArgument('activityType is not set');
  checkRetryPolicy(request.retryPolicy ?? {});
  checkLength('activityId', request.activityId, ID_LENGTH_MAX);
  checkLength('activityType', request.activityType.name, ID_LENGTH_MAX);
  const scheduleToCloseMs = validTimeout('ScheduleToCloseTimeout', request.scheduleToCloseTimeout);
  validTimeout('ScheduleToStartTimeout', request.scheduleToStartTimeout);
  const startToCloseMs = validTimeout('StartToCloseTimeout', request.startToCloseTimeout);
  validTimeout('HeartbeatTimeout', request.heartbeatTimeout);
  if (scheduleToCloseMs === 0 && startToCloseMs === 0) {
    throw invalidArgument(
      'a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set on the activity. ' +
        `ActivityId=${request.activityId} ActivityType=${request.activityType.name}`,
    );
  }
  checkLength('request ID', request.requestId ?? '', ID_LENGTH_MAX);
  checkLength('identity', request.identity ?? '', ID_LENGTH_MAX);
  const inputBytes = (request.input?.payloads ?? []).reduce((n, p) => n + (p.data?.length ?? 0), 0);
  if (inputBytes > INPUT_SIZE_MAX_BYTES) throw invalidArgument('input exceeds length limit');
  for (const name of Object.keys(request.searchAttributes?.indexedFields ?? {})) {
    if (!Object.hasOwn(namespace.searchAttributes, name))
      throw invalidArgument(`search attribute ${name} is not defined`);
  }
  if ((request.completionCallbacks ?? []).length > 0 && !request.requestId)
    throw invalidArgument('request_id is required when completion_callbacks are set');
  return { startDelayMs };
}

/** Starts a standalone activity: its run, and the dispatch of the first attempt as an outbox task. */
export function startActivityExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: StartRequest,
): Promise<temporal.api.workflowservice.v1.IStartActivityExecutionResponse> {
  const ctx = engine.ctx;
  const requestId = request.requestId || ctx.ids.uuid();
  const { startDelayMs } = validateStart(namespace, request);
  const activityId = request.activityId ?? '';
  const activityType = request.activityType?.name ?? '';
  const taskQueue = request.taskQueue?.name ?? '';
  const workflowId = activityWorkflowId(activityId);
  return engine.run({ namespaceId: namespace.id, workflowId }, async (tx) => {
    const runId = ctx.ids.uuid();
    const spec: RunSpec = {
      namespace,
      workflowId,
      runId,
      firstExecutionRunId: runId,
      workflowType: activityType,
      taskQueue,
      searchAttributes: {
        indexedFields: {
          ...request.searchAttributes?.indexedFields,
          TemporalNamespaceDivision: keywordPayload(ACTIVITY_DIVISION),
        },
      },
      executionTimeoutMs: 0,
      runTimeoutMs: 0,
      workflowTaskTimeoutMs: ctx.config.defaultWorkflowTaskTimeoutMs,
      executionExpirationMs: 0,
      retryPolicy: null,
      attempt: 1,
      identity: request.identity ?? '',
      requestId,
      startDelayMs: 0,
      parent: null,
      // An activity-backed Nexus operation: the caller's callback fires when the run closes.
      completionCallbacks: request.completionCallbacks ?? [],
      links: request.links ?? [],
      onConflictOptions: request.onConflictOptions ?? null,
      requestLinks: request.links ?? [],
      isFirstWorkflowTaskDeferred: true,
    };
    let started;
    try {
      started = await startWorkflow(ctx, tx, spec, policiesOf(request));
    } catch (error) {
      if (error instanceof ServiceError && error.code === ErrorCode.WorkflowAlreadyStarted) {
        const current = await tx.getCurrent(namespace.id, workflowId);
        throw new ServiceError(ErrorCode.AlreadyExists, 'activity execution already started', {
          typeName: 'temporal.api.errordetails.v1.ActivityExecutionAlreadyStartedFailure',
          value: { startRequestId: current?.state.startRequestIds[0] ?? '', runId: current?.state.runId ?? '' },
        });
      }
      throw error;
    }
    const workflow = started.workflow;
    const isNew = workflow.state.runId === runId;
    if (isNew) {
      workflow.state.standaloneActivity = {
        activityId,
        identity: request.identity ?? '',
        startDelayMs,
        closed: null,
        outcome: null,
        cancel: null,
        terminateRequestId: '',
        heartbeatCount: 0,
        lastStartedTimeMs: 0,
        lastAttemptCompleteTimeMs: 0,
      };
      scheduleActivity(
        workflow,
        {
          activityId,
          activityType: { name: activityType },
          taskQueue: { name: taskQueue },
          header: request.header ?? null,
          input: request.input ?? null,
          scheduleToCloseTimeout: request.scheduleToCloseTimeout ?? null,
          scheduleToStartTimeout: request.scheduleToStartTimeout ?? null,
          startToCloseTimeout: request.startToCloseTimeout ?? null,
          heartbeatTimeout: request.heartbeatTimeout ?? null,
          // Every standalone activity retries by the server's default policy unless told otherwise.
          retryPolicy: request.retryPolicy ?? {},
          ...(request.priority ? { priority: request.priority } : {}),
        },
        0,
        tx.nowMs,
        startDelayMs,
        request.userMetadata,
      );
    }
    return {
      runId: workflow.state.runId,
      started: isNew,
      link: { activity: { namespace: namespace.name, activityId, runId: workflow.state.runId } },
    };
  });
}

function policiesOf(request: StartRequest): { reusePolicy: number; conflictPolicy: number } {
  const reuse = request.idReusePolicy || ReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE;
  const conflict = request.idConflictPolicy || ConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_FAIL;
  const WorkflowReuse = temporal.api.enums.v1.WorkflowIdReusePolicy;
  const WorkflowConflict = temporal.api.enums.v1.WorkflowIdConflictPolicy;
  const reusePolicy = {
    [ReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE]: WorkflowReuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
    [ReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY]:
      WorkflowReuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
    [ReusePolicy.ACTIVITY_ID_REUSE_POLICY_REJECT_DUPLICATE]: WorkflowReuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
  }[reuse];
  const conflictPolicy = {
    [ConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_FAIL]: WorkflowConflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
    [ConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_USE_EXISTING]:
      WorkflowConflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
  }[conflict];
  if (reusePolicy === undefined) throw invalidArgument(`unsupported ID reuse policy: ${String(reuse)}`);
  if (conflictPolicy === undefined) throw invalidArgument(`unsupported ID conflict policy: ${String(conflict)}`);
  return { reusePolicy, conflictPolicy };
}

/** The activity's run (the latest for its id when runId is empty), in a transaction; NOT_FOUND when none. */
export async function activityRun(
  tx: Transaction,
  namespaceId: string,
  activityId: string,
  runId: string,
): Promise<Workflow> {
  const workflowId = activityWorkflowId(activityId);
  const run = runId ? await tx.get({ namespaceId, workflowId, runId }) : await tx.getCurrent(namespaceId, workflowId);
  if (!run?.state.standaloneActivity) throw activityNotFound(activityId);
  return run;
}

export function activityKey(namespaceId: string, activityId: string, runId: string): RunKey {
  return { namespaceId, workflowId: activityWorkflowId(activityId), runId };
}

/** The activity item: live while the run runs, as it was at the close after. */
export function activityOf(run: Workflow): ActivityState | undefined {
  return run.state.activities[String(ACTIVITY_SCHEDULED_EVENT_ID)] ?? run.state.standaloneActivity?.closed ?? undefined;
}

/** The run's status as the Temporal server names it in its errors ("Completed", "TimedOut"). */
export function statusName(run: Workflow): string {
  return pascalFromUpperSnake((WorkflowStatus[run.state.status] ?? '').replace('WORKFLOW_EXECUTION_STATUS_', ''));
}

type CancelRequest = temporal.api.workflowservice.v1.IRequestCancelActivityExecutionRequest;
type TerminateRequest = temporal.api.workflowservice.v1.ITerminateActivityExecutionRequest;

/** Validates a cancel or terminate request and runs `fn` on the activity's run, in one transaction. */
function onActivity(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: CancelRequest | TerminateRequest,
  fn: (tx: Transaction, run: Workflow, standalone: StandaloneActivityState, requestId: string) => void,
): Promise<void> {
  const activityId = validActivityId(request.activityId);
  const requestId = request.requestId || engine.ctx.ids.uuid();
  checkLength('request ID', requestId, ID_LENGTH_MAX);
  checkLength('identity', request.identity ?? '', ID_LENGTH_MAX);
  const runId = validActivityRunId(request.runId);
  if ((request.reason ?? '').length > REASON_LENGTH_MAX) throw invalidArgument('reason exceeds length limit');
  return engine.run({ namespaceId: namespace.id, workflowId: activityWorkflowId(activityId) }, async (tx) => {
    const run = await activityRun(tx, namespace.id, activityId, runId);
    const standalone = run.state.standaloneActivity;
    if (!standalone) throw activityNotFound(activityId);
    fn(tx, run, standalone, requestId);
  });
}

/**
 * RequestCancelActivityExecution: an activity no worker runs is canceled at once; a running attempt
 * learns of the request from its next heartbeat, and the worker decides how it ends.
 */
export function requestCancelActivityExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: CancelRequest,
): Promise<void> {
  return onActivity(engine, namespace, request, (tx, run, standalone, requestId) => {
    if (standalone.cancel?.requestId === requestId) return;
    if (!isRunning(run.state))
      throw new ServiceError(ErrorCode.FailedPrecondition, `activity is in terminal state ${statusName(run)}`);
    if (standalone.cancel) {
      throw new ServiceError(
        ErrorCode.FailedPrecondition,
        `cancellation already requested with request ID ${standalone.cancel.requestId}`,
      );
    }
    const reason = request.reason ?? '';
    const identity = request.identity ?? '';
    standalone.cancel = { requestId, reason, identity, timeMs: tx.nowMs };
    run.touchCore();
    const activity = run.state.activities[String(ACTIVITY_SCHEDULED_EVENT_ID)];
    if (!activity) return;
    if (activity.status === ActivityStatus.Started) {
      requestActivityCancel(run, activity, 0);
      return;
    }
    const details = stringPayloads(reason);
    cancelActivity(engine.ctx, run, activity, details, identity, tx.nowMs, 0);
  });
}

/** TerminateActivityExecution: the run closes at once; the worker learns it when it next calls. */
export function terminateActivityExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: TerminateRequest,
): Promise<void> {
  return onActivity(engine, namespace, request, (tx, run, standalone, requestId) =>
    terminateActivityRun(engine, tx, run, standalone, requestId, request),
  );
}

/** DeleteActivityExecution: a running activity is terminated first; then its run is deleted. */
export function deleteActivityExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IDeleteActivityExecutionRequest,
): Promise<void> {
  const terminate: TerminateRequest = { ...request, reason: 'Delete activity execution' };
  return onActivity(engine, namespace, terminate, (tx, run, standalone, requestId) => {
    if (isRunning(run.state)) terminateActivityRun(engine, tx, run, standalone, requestId, terminate);
    requestDeletion(run, tx.nowMs);
  });
}

function terminateActivityRun(
  engine: HistoryEngine,
  tx: Transaction,
  run: Workflow,
  standalone: StandaloneActivityState,
  requestId: string,
  request: TerminateRequest,
): void {
  terminateStandaloneRun(
    engine.ctx,
    tx,
    run,
    standalone,
    requestId,
    request,
    () => statusName(run),
    () => {
      const activity = run.state.activities[String(ACTIVITY_SCHEDULED_EVENT_ID)];
      standalone.closed = activity ? { ...activity } : standalone.closed;
    },
  );
}
