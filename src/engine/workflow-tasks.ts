// Scheduling, starting and failing workflow tasks (the machine is workflow-task-machine.ts). Every
// attempt is persisted (Scheduled/Started/Failed|TimedOut), which sdk-core accepts and keeps replay
// simple; the exception is a speculative task (scheduled only to deliver updates), whose events stay out
// of history until something makes it real (see Workflow.materializeSpeculativeTask). A scheduled task
// is handed to matching by an outbox task, written with the schedule.
import { EventType, encodeEvent, temporal } from '../common/proto';
import { durationFromMs } from '../common/time';
import type { EngineConfig, EngineContext } from './engine-context';
import { buildEvent, type Workflow } from './workflow';
import { isRunning, isStandalone, WorkflowTaskStatus } from './mutable-state';
import { TaskKind } from './outbox';
import { transitionRecord } from './item-transition';
import {
  WorkflowTaskDropped,
  WorkflowTaskFailed,
  WorkflowTaskStarted,
  WorkflowTaskTimedOut,
} from './workflow-task-machine';

const TaskQueueKind = temporal.api.enums.v1.TaskQueueKind;

/** Schedules a workflow task unless one is pending or the first task is still delayed. */
export function scheduleWorkflowTask(
  ctx: EngineContext,
  workflow: Workflow,
  nowMs: number,
  attempt = 1,
  isSpeculative = false,
): void {
  const s = workflow.state;
  if (!isRunning(s) || s.workflowTask !== null || isStandalone(s)) return;
  if (s.firstWorkflowTaskAtMs > nowMs) return;
  s.firstWorkflowTaskAtMs = 0;
  const isSticky = s.stickyTaskQueue !== '' && attempt === 1;
  const taskQueue = isSticky ? s.stickyTaskQueue : s.taskQueue;
  const startToCloseTimeoutMs = s.workflowTaskTimeoutMs || ctx.config.defaultWorkflowTaskTimeoutMs;
  const attributes = {
    taskQueue: isSticky
      ? { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: s.taskQueue }
      : { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    startToCloseTimeout: durationFromMs(startToCloseTimeoutMs),
    attempt,
  };
  const type = EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
  const event = isSpeculative
    ? buildEvent(s.nextEventId, type, 'workflowTaskScheduledEventAttributes', attributes, nowMs)
    : workflow.append(type, 'workflowTaskScheduledEventAttributes', attributes, nowMs);
  const scheduledEventId = Number(event.eventId);
  const dispatchTaskId = workflow.emit({
    kind: TaskKind.WorkflowTask,
    scheduledEventId,
    attempt,
    taskQueue,
    normalTaskQueue: s.taskQueue,
    isSticky,
  });
  s.workflowTask = {
    status: WorkflowTaskStatus.Scheduled,
    ...(isSpeculative ? { speculativeEvents: [Buffer.from(encodeEvent(event)).toString('base64')] } : {}),
    scheduledEventId,
    startedEventId: 0,
    attempt,
    scheduledTimeMs: nowMs,
    startedTimeMs: 0,
    taskQueue,
    isSticky,
    startToCloseTimeoutMs,
    requestId: '',
    dispatchTaskId,
  };
}

/** Why the task should suggest continue-as-new: history at (or past) the size or the event count set for it. */
function continueAsNewReasons(
  workflow: Workflow,
  config: Pick<EngineConfig, 'historyCountSuggestContinueAsNew' | 'historySizeSuggestContinueAsNewBytes'>,
): number[] {
  const Reason = temporal.api.enums.v1.SuggestContinueAsNewReason;
  const reasons: number[] = [];
  if (workflow.state.historySizeBytes >= config.historySizeSuggestContinueAsNewBytes)
    reasons.push(Reason.SUGGEST_CONTINUE_AS_NEW_REASON_HISTORY_SIZE_TOO_LARGE);
  // As the server counts: the started event's own id.
  if (workflow.state.nextEventId >= config.historyCountSuggestContinueAsNew)
    reasons.push(Reason.SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_HISTORY_EVENTS);
  return reasons;
}

/** Records that a worker picked up the scheduled workflow task. */
export function startWorkflowTask(
  workflow: Workflow,
  params: { identity: string; requestId: string; nowMs: number; buildId?: string },
  config: Pick<EngineConfig, 'historyCountSuggestContinueAsNew' | 'historySizeSuggestContinueAsNewBytes'>,
): number {
  const task = workflow.state.workflowTask;
  if (!task) throw new Error('no workflow task to start');
  const reasons = continueAsNewReasons(workflow, config);
  const attributes = {
    scheduledEventId: task.scheduledEventId,
    identity: params.identity,
    requestId: params.requestId,
    historySizeBytes: workflow.state.historySizeBytes,
    ...(reasons.length > 0 ? { suggestContinueAsNew: true, suggestContinueAsNewReasons: reasons } : {}),
    ...(params.buildId ? { workerVersion: { buildId: params.buildId } } : {}),
  };
  const type = EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
  const event = task.speculativeEvents
    ? buildEvent(task.scheduledEventId + 1, type, 'workflowTaskStartedEventAttributes', attributes, params.nowMs)
    : workflow.append(type, 'workflowTaskStartedEventAttributes', attributes, params.nowMs);
  if (task.speculativeEvents)
    task.speculativeEvents = [...task.speculativeEvents, Buffer.from(encodeEvent(event)).toString('base64')];
  transitionRecord(workflow, task, WorkflowTaskStarted, {
    startedEventId: Number(event.eventId),
    nowMs: params.nowMs,
    requestId: params.requestId,
  });
  return task.startedEventId;
}

/** Ends the task with its run: the run closed while it was scheduled or running. */
export function dropWorkflowTask(workflow: Workflow): void {
  const task = workflow.state.workflowTask;
  if (!task) return;
  transitionRecord(workflow, task, WorkflowTaskDropped, undefined);
  workflow.state.workflowTask = null;
}

/** Ends the running task as failed (or timed out), flushes buffered events and schedules the retry. */
export function failWorkflowTask(
  ctx: EngineContext,
  workflow: Workflow,
  params: {
    nowMs: number;
    cause: number;
    failure?: temporal.api.failure.v1.IFailure | null | undefined;
    identity?: string;
    timedOut?: 'start-to-close' | 'schedule-to-start';
    scheduleRetry?: boolean;
  },
): void {
  const task = workflow.state.workflowTask;
  if (!task) return;
  const s = workflow.state;
  if (params.timedOut) {
    transitionRecord(workflow, task, WorkflowTaskTimedOut, undefined);
    workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
      'workflowTaskTimedOutEventAttributes',
      {
        scheduledEventId: task.scheduledEventId,
        startedEventId: task.startedEventId,
        timeoutType:
          params.timedOut === 'start-to-close'
            ? temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE
            : temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
      },
      params.nowMs,
    );
  } else {
    transitionRecord(workflow, task, WorkflowTaskFailed, undefined);
    workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      'workflowTaskFailedEventAttributes',
      {
        scheduledEventId: task.scheduledEventId,
        startedEventId: task.startedEventId,
        cause: params.cause,
        failure: params.failure ?? null,
        identity: params.identity ?? '',
      },
      params.nowMs,
    );
  }
  // An unhandled command is not the worker's fault: the next task starts again at attempt 1.
  const isUnhandledCommand =
    params.cause === temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND;
  const nextAttempt =
    params.timedOut === 'schedule-to-start' ? task.attempt : isUnhandledCommand ? 1 : task.attempt + 1;
  s.workflowTask = null;
  s.stickyTaskQueue = '';
  workflow.flushBuffer();
  if (params.scheduleRetry !== false) scheduleWorkflowTask(ctx, workflow, params.nowMs, nextAttempt);
}
