// A schedule's actions. Its run's wake-up (deadlines.ts) is the next action time of its spec, or when it
// must look at its running workflows again; when it fires, the due nominal times go into the schedule's
// buffer (those older than the catch-up window are counted as missed) and a schedule-action outbox task
// is written in the same transaction, so a restart neither loses an action nor takes one twice. The
// task's executor reads the running workflows' statuses, applies the overlap policy to the buffer, starts
// the workflows (the request id names the schedule and the nominal time, so a retried task starts
// nothing new), and records what it did in one transaction on the schedule, deleting its task there.
import { temporal, long } from '../common/proto';
import { LruCache } from '../common/lru-cache';
import { msFromDuration, timestampFromMs } from '../common/time';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import { RELEASED, TaskKind, type QueuedTask, type TaskOutcome } from './outbox';
import { CompiledSpec } from './schedule-spec';
import {
  BUFFER_MAX,
  CATCHUP_WINDOW_DEFAULT_MS,
  CATCHUP_WINDOW_MIN_MS,
  RECENT_ACTIONS_MAX,
  RUNNING_TRACKED_MAX,
  SCHEDULE_REFRESH_MS,
  decodeSchedule,
  encodeSchedule,
  type BufferedStart,
  type ScheduleAction,
  type ScheduleRunState,
} from './schedule-state';
import { SCHEDULER_IDENTITY, callScheduleWorkflow } from './schedule-workflow-calls';

const Overlap = temporal.api.enums.v1.ScheduleOverlapPolicy;
const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
/** Due times taken in one wake-up; the rest come at the next, at once. */
const TAKES_PER_WAKEUP_MAX = 1000;

const compiledSpecs = new LruCache<string, CompiledSpec>(256);

export function compiledSpecOf(schedule: temporal.api.schedule.v1.ISchedule): CompiledSpec {
  const key = JSON.stringify(schedule.spec ?? {});
  let compiled = compiledSpecs.get(key);
  if (!compiled) {
    compiled = new CompiledSpec(schedule.spec ?? {});
    compiledSpecs.set(key, compiled);
  }
  return compiled;
}

export function catchupWindowMs(schedule: temporal.api.schedule.v1.ISchedule): number {
  const ms = msFromDuration(schedule.policies?.catchupWindow);
  return ms > 0 ? Math.max(ms, CATCHUP_WINDOW_MIN_MS) : CATCHUP_WINDOW_DEFAULT_MS;
}

function hasActionsLeft(schedule: temporal.api.schedule.v1.ISchedule): boolean {
  return !schedule.state?.limitedActions || Number(schedule.state.remainingActions ?? 0) > 0;
}

/** The schedule's next deadline: its next action time, or its refresh; 0 when none. */
export function scheduleDeadline(state: ScheduleRunState): number {
  if (state.deleted) return 0;
  const schedule = decodeSchedule(state);
  let earliest = state.refreshAtMs;
  if (!schedule.state?.paused && hasActionsLeft(schedule)) {
    const next = compiledSpecOf(schedule).nextTime(state.scheduleId, state.processedUpToMs);
    if (next && (earliest === 0 || next.actualMs < earliest)) earliest = next.actualMs;
  }
  return earliest;
}

/** At the schedule's wake-up: takes the due actions into the buffer and asks for the action task. */
export function processScheduleDeadline(run: Workflow, nowMs: number): void {
  const state = run.state.schedule;
  if (!state || state.deleted) return;
  const schedule = decodeSchedule(state);
  const compiled = compiledSpecOf(schedule);
  const windowMs = catchupWindowMs(schedule);
  let isScheduleChanged = false;
  for (let taken = 0; taken < TAKES_PER_WAKEUP_MAX; taken += 1) {
    if (schedule.state?.paused || !hasActionsLeft(schedule)) break;
    const next = compiled.nextTime(state.scheduleId, state.processedUpToMs);
    if (!next || next.actualMs > nowMs) break;
    state.processedUpToMs = next.nominalMs;
    if (nowMs - next.actualMs > windowMs) {
      state.missedCatchupWindow += 1;
      continue;
    }
    if (schedule.state?.limitedActions) {
      schedule.state.remainingActions = long(Number(schedule.state.remainingActions ?? 0) - 1);
      isScheduleChanged = true;
    }
    bufferStart(state, { nominalMs: next.nominalMs, actualMs: next.actualMs, overlapPolicy: 0, isManual: false });
  }
  if (isScheduleChanged) state.schedule = encodeSchedule(schedule);
  if (state.refreshAtMs > 0 && state.refreshAtMs <= nowMs) state.refreshAtMs = 0;
  requestAction(run);
  run.touchCore();
}

/** Adds a start to the buffer (dropped, and counted, past its bound). */
export function bufferStart(state: ScheduleRunState, start: Omit<BufferedStart, 'id'>): void {
  if (state.buffer.length >= BUFFER_MAX) {
    state.bufferDropped += 1;
    return;
  }
  state.buffer.push({ id: state.nextBufferId, ...start });
  state.nextBufferId += 1;
}

/** Writes a schedule-action task unless one is outstanding. */
export function requestAction(run: Workflow, force = false): void {
  const state = run.state.schedule;
  if (!state || state.isActionPending) return;
  if (!force && state.buffer.length === 0 && state.running.length === 0) return;
  state.isActionPending = true;
  run.emit({ kind: TaskKind.ScheduleAction });
}

/** The workflow id of an action: the schedule's workflow id and the nominal time (RFC 3339, seconds). */
export function actionWorkflowId(workflowId: string, nominalMs: number): string {
  return `${workflowId}-${new Date(nominalMs).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

interface Snapshot {
  readonly namespaceId: string;
  readonly scheduleId: string;
  readonly schedule: temporal.api.schedule.v1.ISchedule;
  readonly buffer: readonly BufferedStart[];
  readonly running: readonly ScheduleAction[];
}

interface Decision {
  readonly started: ScheduleAction[];
  readonly doneIds: number[];
  skipped: number;
  readonly closed: ScheduleAction[];
  failedWorkflowId: string;
}

export async function executeScheduleAction(engine: HistoryEngine, queued: QueuedTask): Promise<TaskOutcome> {
  const snapshot = await engine.run(queued.key, async (tx): Promise<Snapshot | null> => {
    const run = await tx.get(queued.key);
    const state = run?.state.schedule;
    if (!run || !state || state.deleted) {
      run?.completeTask(queued.taskId);
      return null;
    }
    return {
      namespaceId: run.state.namespaceId,
      scheduleId: state.scheduleId,
      schedule: decodeSchedule(state),
      buffer: [...state.buffer],
      running: state.running.map((action) => ({ ...action })),
    };
  });
  if (!snapshot) return RELEASED;
  const decision: Decision = { started: [], doneIds: [], skipped: 0, closed: [], failedWorkflowId: '' };
  const stillRunning: ScheduleAction[] = [];
  for (const action of snapshot.running) {
    action.status = await statusOf(engine, snapshot.namespaceId, action);
    if (action.status === Status.WORKFLOW_EXECUTION_STATUS_RUNNING) stillRunning.push(action);
    else {
      decision.closed.push(action);
      if (isFailure(action.status)) decision.failedWorkflowId = action.workflowId;
    }
  }
  const isPausing = Boolean(decision.failedWorkflowId && snapshot.schedule.policies?.pauseOnFailure);
  let isWaitingKept = false;
  for (const start of snapshot.buffer) {
    if (isPausing || snapshot.schedule.state?.paused) {
      if (!start.isManual) break;
    }
    const policy =
      start.overlapPolicy || snapshot.schedule.policies?.overlapPolicy || Overlap.SCHEDULE_OVERLAP_POLICY_SKIP;
    if (stillRunning.length > 0 && policy !== Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL) {
      if (policy === Overlap.SCHEDULE_OVERLAP_POLICY_SKIP) {
        decision.doneIds.push(start.id);
        decision.skipped += 1;
        continue;
      }
      if (policy === Overlap.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE) {
        if (isWaitingKept) {
          decision.doneIds.push(start.id);
          decision.skipped += 1;
        }
        isWaitingKept = true;
        continue;
      }
      if (policy === Overlap.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER) {
        for (const action of stillRunning) await cancelRun(engine, snapshot.namespaceId, action, false);
        break;
      }
      if (policy === Overlap.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER) {
        for (const action of stillRunning.splice(0)) {
          await cancelRun(engine, snapshot.namespaceId, action, true);
          action.status = Status.WORKFLOW_EXECUTION_STATUS_TERMINATED;
          decision.closed.push(action);
        }
      } else {
        break; // BUFFER_ALL: this one and the later ones wait.
      }
    }
    decision.doneIds.push(start.id);
    const started = await startAction(engine, snapshot, start);
    if (started) {
      decision.started.push(started);
      stillRunning.push(started);
    }
  }
  await engine.run(queued.key, async (tx) => {
    const run = await tx.get(queued.key);
    if (!run) return;
    run.completeTask(queued.taskId);
    const state = run.state.schedule;
    if (!state || state.deleted) return;
    recordDecision(run, state, decision, isPausing, tx.nowMs);
  });
  return RELEASED;
}

function recordDecision(
  run: Workflow,
  state: ScheduleRunState,
  decision: Decision,
  isPausing: boolean,
  nowMs: number,
): void {
  const done = new Set(decision.doneIds);
  state.buffer = state.buffer.filter((start) => !done.has(start.id));
  const closed = new Map(decision.closed.map((action) => [action.runId, action.status]));
  state.running = state.running
    .filter((action) => !closed.has(action.runId))
    .concat(decision.started)
    .slice(-RUNNING_TRACKED_MAX);
  for (const action of state.recentActions) action.status = closed.get(action.runId) ?? action.status;
  state.recentActions = state.recentActions.concat(decision.started).slice(-RECENT_ACTIONS_MAX);
  state.actionCount += decision.started.length;
  state.overlapSkipped += decision.skipped;
  if (isPausing) {
    const schedule = decodeSchedule(state);
    schedule.state = {
      ...schedule.state,
      paused: true,
      notes: `paused due to workflow failure: ${decision.failedWorkflowId}`,
    };
    state.schedule = encodeSchedule(schedule);
  }
  state.isActionPending = false;
  state.refreshAtMs = state.running.length > 0 || state.buffer.length > 0 ? nowMs + SCHEDULE_REFRESH_MS : 0;
  // Starts that came in meanwhile (a trigger, a backfill) are taken at once.
  if (state.buffer.some((start) => start.id >= 0 && !done.has(start.id)) && decision.started.length > 0)
    requestAction(run);
  run.touchCore();
}

function isFailure(status: number): boolean {
  return status === Status.WORKFLOW_EXECUTION_STATUS_FAILED || status === Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
}

async function statusOf(engine: HistoryEngine, namespaceId: string, action: ScheduleAction): Promise<number> {
  const result = await callScheduleWorkflow(engine, {
    kind: 'status',
    namespaceId,
    workflowId: action.workflowId,
    runId: action.runId,
  });
  return 'status' in result ? result.status : action.status;
}

async function cancelRun(engine: HistoryEngine, namespaceId: string, action: ScheduleAction, terminate: boolean) {
  // A run that closed meanwhile answers an error, which changes nothing.
  await callScheduleWorkflow(engine, {
    kind: terminate ? 'terminate' : 'cancel',
    namespaceId,
    workflowId: action.workflowId,
    runId: action.runId,
  });
}

function datetimePayload(ms: number): temporal.api.common.v1.IPayload {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Datetime') },
    data: Buffer.from(JSON.stringify(new Date(ms).toISOString())),
  };
}

function keywordOf(value: string): temporal.api.common.v1.IPayload {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') },
    data: Buffer.from(JSON.stringify(value)),
  };
}

/** The start request of one action: the schedule's workflow with the action's id and search attributes. */
function startRequest(
  namespace: string,
  scheduleId: string,
  info: temporal.api.workflow.v1.INewWorkflowExecutionInfo,
  workflowId: string,
  start: BufferedStart,
): temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest {
  return {
    namespace,
    workflowId,
    workflowType: info.workflowType ?? null,
    taskQueue: info.taskQueue ?? null,
    input: info.input ?? null,
    workflowExecutionTimeout: info.workflowExecutionTimeout ?? null,
    workflowRunTimeout: info.workflowRunTimeout ?? null,
    workflowTaskTimeout: info.workflowTaskTimeout ?? null,
    retryPolicy: info.retryPolicy ?? null,
    memo: info.memo ?? null,
    header: info.header ?? null,
    userMetadata: info.userMetadata ?? null,
    priority: info.priority ?? null,
    identity: SCHEDULER_IDENTITY,
    // A retried task starts nothing new: the start dedups on this id.
    requestId: `sched-${scheduleId}-${start.nominalMs}-${start.id}`,
    searchAttributes: {
      indexedFields: {
        ...info.searchAttributes?.indexedFields,
        TemporalScheduledStartTime: datetimePayload(start.nominalMs),
        TemporalScheduledById: keywordOf(scheduleId),
      },
    },
  };
}

/** Starts one action's workflow; null when it could not start (e.g. its id is taken by another run). */
async function startAction(
  engine: HistoryEngine,
  snapshot: Snapshot,
  start: BufferedStart,
): Promise<ScheduleAction | null> {
  const info = snapshot.schedule.action?.startWorkflow;
  const namespace = engine.ctx.namespaces.findById(snapshot.namespaceId);
  if (!info || !namespace) return null;
  const workflowId = actionWorkflowId(info.workflowId ?? '', start.nominalMs);
  const result = await callScheduleWorkflow(engine, {
    kind: 'start',
    namespaceId: snapshot.namespaceId,
    workflowId,
    request: startRequest(namespace.name, snapshot.scheduleId, info, workflowId, start),
  });
  if (!('runId' in result)) {
    engine.logger.warn('a schedule could not start its workflow', {
      scheduleId: snapshot.scheduleId,
      workflowId,
      error: 'error' in result ? result.error : '',
    });
    return null;
  }
  return {
    scheduleTimeMs: start.nominalMs,
    actualTimeMs: start.actualMs,
    workflowId,
    runId: result.runId,
    status: Status.WORKFLOW_EXECUTION_STATUS_RUNNING,
  };
}

/** Described actions: what the server's ScheduleActionResult carries. */
export function actionResult(action: ScheduleAction): temporal.api.schedule.v1.IScheduleActionResult {
  return {
    scheduleTime: timestampFromMs(action.scheduleTimeMs),
    actualTime: timestampFromMs(action.actualTimeMs),
    startWorkflowResult: { workflowId: action.workflowId, runId: action.runId },
    startWorkflowStatus: action.status,
  };
}
