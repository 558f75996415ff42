// Everything in a run that comes due at a time: user timers, workflow task and activity timeouts,
// activity and Nexus retries, the delayed first workflow task, the run's own timeouts and, once it has
// closed, the backoff of its completion callbacks and its deletion (at the end of its namespace's
// retention, or at once after a delete request, once no callback is left to deliver). A run has one
// wake-up, persisted with every commit, at the earliest of these (wakeup-queue.ts); when it fires, every
// due item is applied in one transaction.
import { EventType } from '../common/proto';
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { CallbackStatus, isRunning, type MutableState } from './mutable-state';
import { activityDeadline, processActivityDeadline } from './activities';
import { failWorkflowTask, scheduleWorkflowTask } from './workflow-tasks';
import { closeWorkflow } from './workflow-close';
import { nexusOperationDeadline, processNexusOperationDeadline } from './nexus-operations';
import { callbackDeadline, processCallbackDeadline } from './callbacks';
import { processScheduleDeadline, scheduleDeadline } from './schedule-actions';

export function nextDeadline(ctx: EngineContext, workflow: Workflow): number {
  const s = workflow.state;
  const candidates: number[] = [];
  for (const callback of Object.values(s.callbacks)) candidates.push(callbackDeadline(callback));
  if (!isRunning(s)) candidates.push(deletionDueMs(ctx, s));
  if (isRunning(s)) {
    const task = s.workflowTask;
    if (task && task.startedEventId > 0) candidates.push(task.startedTimeMs + task.startToCloseTimeoutMs);
    if (task && task.startedEventId === 0 && task.isSticky && s.stickyScheduleToStartTimeoutMs > 0) {
      candidates.push(task.scheduledTimeMs + s.stickyScheduleToStartTimeoutMs);
    }
    candidates.push(s.firstWorkflowTaskAtMs, s.runExpirationMs, s.executionExpirationMs);
    if (s.schedule) candidates.push(scheduleDeadline(s.schedule));
    for (const timer of Object.values(s.timers)) candidates.push(timer.fireAtMs);
    for (const activity of Object.values(s.activities)) candidates.push(activityDeadline(activity));
    for (const op of Object.values(s.nexusOperations)) candidates.push(nexusOperationDeadline(op));
  }
  let earliest = 0;
  for (const at of candidates) if (at > 0 && (earliest === 0 || at < earliest)) earliest = at;
  return earliest;
}

export function processDeadlines(ctx: EngineContext, tx: Transaction, workflow: Workflow): void {
  const s = workflow.state;
  const now = tx.nowMs;
  for (const callback of Object.values(s.callbacks)) processCallbackDeadline(workflow, callback, now);
  if (!isRunning(s)) {
    const dueMs = deletionDueMs(ctx, s);
    if (dueMs > 0 && now >= dueMs && !hasCallbacksToDeliver(s)) workflow.markDeleted();
    return;
  }
  const runExpired = s.runExpirationMs > 0 && now >= s.runExpirationMs;
  const executionExpired = s.executionExpirationMs > 0 && now >= s.executionExpirationMs;
  if (runExpired || executionExpired) {
    workflow.flushBuffer();
    closeWorkflow(ctx, tx, workflow, { kind: 'timed-out' });
    return;
  }
  if (s.schedule) processScheduleDeadline(workflow, now);
  const task = s.workflowTask;
  if (task && task.startedEventId > 0 && now >= task.startedTimeMs + task.startToCloseTimeoutMs) {
    failWorkflowTask(ctx, workflow, { nowMs: now, cause: 0, timedOut: 'start-to-close' });
  } else if (
    task &&
    task.startedEventId === 0 &&
    task.isSticky &&
    s.stickyScheduleToStartTimeoutMs > 0 &&
    now >= task.scheduledTimeMs + s.stickyScheduleToStartTimeoutMs
  ) {
    failWorkflowTask(ctx, workflow, { nowMs: now, cause: 0, timedOut: 'schedule-to-start' });
  }
  if (s.firstWorkflowTaskAtMs > 0 && now >= s.firstWorkflowTaskAtMs) scheduleWorkflowTask(ctx, workflow, now);
  const dueTimers = Object.values(s.timers)
    .filter((t) => t.fireAtMs <= now)
    .sort((a, b) => a.startedEventId - b.startedEventId);
  for (const timer of dueTimers) {
    workflow.removeItem('timers', timer.timerId);
    workflow.appendExternal(
      EventType.EVENT_TYPE_TIMER_FIRED,
      'timerFiredEventAttributes',
      { timerId: timer.timerId, startedEventId: timer.startedEventId },
      now,
    );
    scheduleWorkflowTask(ctx, workflow, now);
  }
  for (const activity of Object.values(s.activities)) processActivityDeadline(ctx, workflow, activity, now);
  for (const op of Object.values(s.nexusOperations)) processNexusOperationDeadline(ctx, workflow, op, now);
}

/** When a closed run is to be deleted: as a delete request asked, else when its retention ends. */
function deletionDueMs(ctx: EngineContext, s: MutableState): number {
  if (s.deleteAtMs) return s.deleteAtMs;
  if (s.closeTimeMs <= 0) return 0;
  const namespace = ctx.namespaces.findById(s.namespaceId);
  return namespace ? s.closeTimeMs + namespace.retentionMs : 0;
}

/** A run stays while a completion callback is being delivered (scheduled or backing off). */
function hasCallbacksToDeliver(s: MutableState): boolean {
  return Object.values(s.callbacks).some(
    (callback) => callback.status === CallbackStatus.Scheduled || callback.status === CallbackStatus.BackingOff,
  );
}
