// Schedules (CreateSchedule and its family). A schedule is a run of its own division, as a standalone
// activity is: its workflow id is the schedule id behind a reserved prefix, its memo and search
// attributes are the schedule's (so ListSchedules reads visibility), and its `schedule` core field holds
// the schedule (schedule-state.ts). It has no workflow tasks; its wake-up takes its actions
// (schedule-actions.ts). Deleting a schedule terminates its run and deletes it at once.
import { temporal } from '../common/proto';
import { ErrorCode, ServiceError, invalidArgument, notFound } from '../common/errors';
import { long } from '../common/proto';
import { msFromTimestamp, timestampFromMs } from '../common/time';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import type { RunSpec } from './workflow-start';
import { isRunning } from './mutable-state';
import { requestDeletion, startWorkflow, terminateWorkflow } from './workflow-operations';
import { keywordPayload, checkLength, ID_LENGTH_MAX } from './standalone-common';
import { canonicalizeSpec, CompiledSpec } from './schedule-spec';
import { SpecError } from './schedule-spec-error';
import { validTaskQueueName } from './task-queue-name';
import {
  SCHEDULE_DIVISION,
  decodeSchedule,
  encodeSchedule,
  scheduleWorkflowId,
  type ScheduleRunState,
} from './schedule-state';
import { actionResult, bufferStart, compiledSpecOf, requestAction } from './schedule-actions';

type Schedule = temporal.api.schedule.v1.ISchedule;
const Overlap = temporal.api.enums.v1.ScheduleOverlapPolicy;
const WorkflowReuse = temporal.api.enums.v1.WorkflowIdReusePolicy;
const WorkflowConflict = temporal.api.enums.v1.WorkflowIdConflictPolicy;
/** How many future action times Describe and List show. */
const FUTURE_ACTIONS_MAX = 10;
const LIST_FUTURE_ACTIONS_MAX = 5;
/** ListScheduleMatchingTimes answers at most this many times. */
const MATCHING_TIMES_MAX = 1000;
const NOTES_LENGTH_MAX = 1000;

export function scheduleNotFound(): ServiceError {
  return notFound('schedule not found');
}

/** The schedule checked and its spec canonical, as the server's frontend does before storing it. */
export function validSchedule(input: Schedule | null | undefined): Schedule {
  const schedule: Schedule = { ...input };
  try {
    schedule.spec = canonicalizeSpec(schedule.spec ?? {});
  } catch (error) {
    if (error instanceof SpecError) throw invalidArgument(`Invalid schedule spec: ${error.message}`);
    throw error;
  }
  const start = schedule.action?.startWorkflow;
  if (!start) throw invalidArgument('Only StartWorkflow action is supported for schedules');
  if (!start.workflowId) throw invalidArgument('WorkflowId is not set on request.');
  checkLength('WorkflowId', `${start.workflowId}-2009-11-10T23:00:00Z`, ID_LENGTH_MAX);
  if (!start.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
  validTaskQueueName(start.taskQueue);
  if (start.cronSchedule) throw invalidArgument('Scheduled workflow must not contain CronSchedule');
  if (start.workflowIdReusePolicy) throw invalidArgument('Scheduled workflow must not contain WorkflowIDReusePolicy');
  const overlap = schedule.policies?.overlapPolicy ?? 0;
  if (!Object.values(Overlap).includes(overlap)) throw invalidArgument(`invalid overlap policy: ${overlap}`);
  if ((schedule.state?.notes ?? '').length > NOTES_LENGTH_MAX) throw invalidArgument('Schedule notes exceeds limit.');
  schedule.policies = { ...schedule.policies, overlapPolicy: overlap || Overlap.SCHEDULE_OVERLAP_POLICY_SKIP };
  return schedule;
}

function validScheduleId(scheduleId: string | null | undefined): string {
  if (!scheduleId) throw invalidArgument('ScheduleId is not set on request.');
  checkLength('WorkflowId', scheduleWorkflowId(scheduleId), ID_LENGTH_MAX);
  return scheduleId;
}

/** The schedule's run in a transaction; NOT_FOUND when there is none (or it was deleted). */
async function scheduleRun(tx: Transaction, namespaceId: string, scheduleId: string): Promise<Workflow> {
  const run = await tx.getCurrent(namespaceId, scheduleWorkflowId(scheduleId));
  if (!run?.state.schedule || run.state.schedule.deleted || !isRunning(run.state)) throw scheduleNotFound();
  return run;
}

export function createSchedule(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ICreateScheduleRequest,
): Promise<temporal.api.workflowservice.v1.ICreateScheduleResponse> {
  const scheduleId = validScheduleId(request.scheduleId);
  if (!request.requestId) throw invalidArgument('RequestId is not set on request.');
  const schedule = validSchedule(request.schedule);
  const ctx = engine.ctx;
  const workflowId = scheduleWorkflowId(scheduleId);
  return engine.run({ namespaceId: namespace.id, workflowId }, async (tx) => {
    const runId = ctx.ids.uuid();
    const spec: RunSpec = {
      namespace,
      workflowId,
      runId,
      firstExecutionRunId: runId,
      workflowType: 'temporal-sys-scheduler-workflow',
      taskQueue: 'temporal-sys-per-ns-tq',
      memo: request.memo ?? null,
      searchAttributes: {
        indexedFields: {
          ...request.searchAttributes?.indexedFields,
          TemporalNamespaceDivision: keywordPayload(SCHEDULE_DIVISION),
        },
      },
      executionTimeoutMs: 0,
      runTimeoutMs: 0,
      workflowTaskTimeoutMs: ctx.config.defaultWorkflowTaskTimeoutMs,
      executionExpirationMs: 0,
      retryPolicy: null,
      attempt: 1,
      identity: request.identity ?? '',
      requestId: request.requestId ?? '',
      startDelayMs: 0,
      parent: null,
      completionCallbacks: [],
      links: [],
      isFirstWorkflowTaskDeferred: true,
    };
    let started;
    try {
      started = await startWorkflow(ctx, tx, spec, {
        reusePolicy: WorkflowReuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
        conflictPolicy: WorkflowConflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
      });
    } catch (error) {
      if (error instanceof ServiceError && error.code === ErrorCode.WorkflowAlreadyStarted)
        throw new ServiceError(ErrorCode.AlreadyExists, 'schedule with this ID is already registered');
      throw error;
    }
    const run = started.workflow;
    if (run.state.runId === runId) {
      const state: ScheduleRunState = {
        scheduleId,
        schedule: encodeSchedule(schedule),
        conflictToken: 1,
        createTimeMs: tx.nowMs,
        updateTimeMs: 0,
        processedUpToMs: tx.nowMs,
        actionCount: 0,
        missedCatchupWindow: 0,
        overlapSkipped: 0,
        bufferDropped: 0,
        recentActions: [],
        running: [],
        buffer: [],
        nextBufferId: 1,
        isActionPending: false,
        refreshAtMs: 0,
        deleted: false,
      };
      run.state.schedule = state;
      if (request.initialPatch) applyPatch(run, state, request.initialPatch, tx.nowMs);
      run.touchCore();
    }
    return { conflictToken: conflictTokenOf(run.state.schedule) };
  });
}

function conflictTokenOf(state: ScheduleRunState | undefined): Buffer {
  return Buffer.from(String(state?.conflictToken ?? 0));
}

function futureTimes(state: ScheduleRunState, schedule: Schedule, count: number, nowMs: number): number[] {
  if (schedule.state?.paused) return [];
  const compiled = compiledSpecOf(schedule);
  let remaining = schedule.state?.limitedActions ? Number(schedule.state.remainingActions ?? 0) : count;
  const times: number[] = [];
  let after = Math.max(state.processedUpToMs, nowMs);
  while (times.length < count && remaining > 0) {
    const next = compiled.nextTime(state.scheduleId, after);
    if (!next) break;
    times.push(next.actualMs);
    after = next.nominalMs;
    remaining -= 1;
  }
  return times;
}

export function describeSchedule(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IDescribeScheduleRequest,
): Promise<temporal.api.workflowservice.v1.IDescribeScheduleResponse> {
  const scheduleId = validScheduleId(request.scheduleId);
  return engine.run({ namespaceId: namespace.id, workflowId: scheduleWorkflowId(scheduleId) }, async (tx) => {
    const run = await scheduleRun(tx, namespace.id, scheduleId);
    const state = run.state.schedule as ScheduleRunState;
    const schedule = decodeSchedule(state);
    const searchAttributes = run.startedEvent?.workflowExecutionStartedEventAttributes?.searchAttributes;
    const fields = { ...searchAttributes?.indexedFields };
    delete fields['TemporalNamespaceDivision'];
    return {
      schedule,
      info: {
        actionCount: long(state.actionCount),
        missedCatchupWindow: long(state.missedCatchupWindow),
        overlapSkipped: long(state.overlapSkipped),
        bufferDropped: long(state.bufferDropped),
        bufferSize: long(state.buffer.length),
        runningWorkflows: state.running.map((action) => ({ workflowId: action.workflowId, runId: action.runId })),
        recentActions: state.recentActions.map(actionResult),
        futureActionTimes: futureTimes(state, schedule, FUTURE_ACTIONS_MAX, tx.nowMs).map(timestampFromMs),
        createTime: timestampFromMs(state.createTimeMs),
        ...(state.updateTimeMs > 0 ? { updateTime: timestampFromMs(state.updateTimeMs) } : {}),
      },
      memo: run.startedEvent?.workflowExecutionStartedEventAttributes?.memo ?? { fields: {} },
      searchAttributes: { indexedFields: fields },
      conflictToken: conflictTokenOf(state),
    };
  });
}

export function updateSchedule(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IUpdateScheduleRequest,
): Promise<void> {
  const scheduleId = validScheduleId(request.scheduleId);
  const schedule = validSchedule(request.schedule);
  return engine.run({ namespaceId: namespace.id, workflowId: scheduleWorkflowId(scheduleId) }, async (tx) => {
    const run = await scheduleRun(tx, namespace.id, scheduleId);
    const state = run.state.schedule as ScheduleRunState;
    const token = request.conflictToken ? Buffer.from(request.conflictToken).toString() : '';
    if (token && token !== String(state.conflictToken))
      throw new ServiceError(ErrorCode.FailedPrecondition, 'mismatched conflict token');
    const wasPaused = Boolean(decodeSchedule(state).state?.paused);
    state.schedule = encodeSchedule(schedule);
    // The new spec takes over from now: nothing between the last action and the update is caught up.
    state.processedUpToMs = Math.max(state.processedUpToMs, tx.nowMs);
    if (wasPaused && !schedule.state?.paused) state.processedUpToMs = tx.nowMs;
    state.conflictToken += 1;
    state.updateTimeMs = tx.nowMs;
    run.touchCore();
  });
}

function applyPatch(
  run: Workflow,
  state: ScheduleRunState,
  patch: temporal.api.schedule.v1.ISchedulePatch,
  nowMs: number,
): void {
  const schedule = decodeSchedule(state);
  if (patch.pause) schedule.state = { ...schedule.state, paused: true, notes: patch.pause };
  if (patch.unpause) {
    schedule.state = { ...schedule.state, paused: false, notes: patch.unpause };
    state.processedUpToMs = nowMs;
  }
  if (patch.triggerImmediately)
    bufferStart(state, {
      nominalMs: nowMs,
      actualMs: nowMs,
      overlapPolicy: patch.triggerImmediately.overlapPolicy ?? 0,
      isManual: true,
    });
  for (const backfill of patch.backfillRequest ?? []) {
    const startMs = msFromTimestamp(backfill.startTime) ?? 0;
    const endMs = msFromTimestamp(backfill.endTime) ?? 0;
    const compiled = new CompiledSpec({ ...schedule.spec, startTime: null, endTime: null });
    let after = startMs - 1000;
    for (let i = 0; i < MATCHING_TIMES_MAX; i += 1) {
      const next = compiled.nextTime(state.scheduleId, after);
      if (!next || next.nominalMs > endMs) break;
      bufferStart(state, {
        nominalMs: next.nominalMs,
        actualMs: next.nominalMs,
        overlapPolicy: backfill.overlapPolicy ?? 0,
        isManual: true,
      });
      after = next.nominalMs;
    }
  }
  state.schedule = encodeSchedule(schedule);
  requestAction(run);
}

export function patchSchedule(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IPatchScheduleRequest,
): Promise<void> {
  const scheduleId = validScheduleId(request.scheduleId);
  if (!request.patch) throw invalidArgument('Patch is not set on request.');
  const patch = request.patch;
  if ((patch.pause ?? '').length > NOTES_LENGTH_MAX || (patch.unpause ?? '').length > NOTES_LENGTH_MAX)
    throw invalidArgument('Schedule notes exceeds limit.');
  return engine.run({ namespaceId: namespace.id, workflowId: scheduleWorkflowId(scheduleId) }, async (tx) => {
    const run = await scheduleRun(tx, namespace.id, scheduleId);
    const state = run.state.schedule as ScheduleRunState;
    applyPatch(run, state, patch, tx.nowMs);
    state.conflictToken += 1;
    run.touchCore();
  });
}

export function deleteSchedule(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IDeleteScheduleRequest,
): Promise<void> {
  const scheduleId = validScheduleId(request.scheduleId);
  return engine.run({ namespaceId: namespace.id, workflowId: scheduleWorkflowId(scheduleId) }, async (tx) => {
    const run = await scheduleRun(tx, namespace.id, scheduleId);
    const state = run.state.schedule as ScheduleRunState;
    state.deleted = true;
    state.buffer = [];
    terminateWorkflow(engine.ctx, tx, run, {
      reason: 'schedule deleted',
      details: null,
      identity: request.identity ?? '',
    });
    requestDeletion(run, tx.nowMs);
  });
}

export function listScheduleMatchingTimes(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IListScheduleMatchingTimesRequest,
): Promise<temporal.api.workflowservice.v1.IListScheduleMatchingTimesResponse> {
  const scheduleId = validScheduleId(request.scheduleId);
  return engine.run({ namespaceId: namespace.id, workflowId: scheduleWorkflowId(scheduleId) }, async (tx) => {
    const run = await scheduleRun(tx, namespace.id, scheduleId);
    const state = run.state.schedule as ScheduleRunState;
    const compiled = compiledSpecOf(decodeSchedule(state));
    const endMs = msFromTimestamp(request.endTime) ?? 0;
    let after = msFromTimestamp(request.startTime) ?? 0;
    const startTime: ReturnType<typeof timestampFromMs>[] = [];
    while (startTime.length < MATCHING_TIMES_MAX) {
      const next = compiled.nextTime(scheduleId, after);
      if (!next || next.actualMs > endMs) break;
      startTime.push(timestampFromMs(next.actualMs));
      after = next.nominalMs;
    }
    return { startTime };
  });
}

/** What ListSchedules shows of each schedule. */
export function scheduleListInfo(state: ScheduleRunState, nowMs: number): temporal.api.schedule.v1.IScheduleListInfo {
  const schedule = decodeSchedule(state);
  return {
    spec: schedule.spec ?? null,
    workflowType: schedule.action?.startWorkflow?.workflowType ?? null,
    notes: schedule.state?.notes ?? '',
    paused: Boolean(schedule.state?.paused),
    recentActions: state.recentActions.slice(-LIST_FUTURE_ACTIONS_MAX).map(actionResult),
    futureActionTimes: futureTimes(state, schedule, LIST_FUTURE_ACTIONS_MAX, nowMs).map(timestampFromMs),
  };
}
