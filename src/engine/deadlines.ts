// Everything in a run that fires at a time: user timers, workflow task and activity timeouts, activity
// retries, the delayed first workflow task, and the run's own timeouts. The engine keeps one wake-up per
// run at the earliest of these; when it fires, every due item is applied in one transaction.
import { EventType } from '../common/proto';
import type { EngineContext, Transaction } from './engine-context';
import type { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import { activityDeadline, processActivityDeadline } from './activities';
import { failWorkflowTask, scheduleWorkflowTask } from './workflow-tasks';
import { closeWorkflow } from './workflow-close';
import { nexusOperationDeadline, processNexusOperationDeadline } from './nexus-operations';
import type { EngineHooks } from './engine-hooks';

export function nextDeadline(workflow: Workflow): number {
  const s = workflow.state;
  if (!isRunning(s)) return 0;
  const candidates: number[] = [];
  const task = s.workflowTask;
  if (task && task.startedEventId > 0) candidates.push(task.startedTimeMs + task.startToCloseTimeoutMs);
  if (task && task.startedEventId === 0 && task.isSticky && s.stickyScheduleToStartTimeoutMs > 0) {
    candidates.push(task.scheduledTimeMs + s.stickyScheduleToStartTimeoutMs);
  }
  if (s.firstWorkflowTaskAtMs > 0) candidates.push(s.firstWorkflowTaskAtMs);
  if (s.runExpirationMs > 0) candidates.push(s.runExpirationMs);
  if (s.executionExpirationMs > 0) candidates.push(s.executionExpirationMs);
  for (const timer of Object.values(s.timers)) candidates.push(timer.fireAtMs);
  for (const activity of Object.values(s.activities)) {
    const at = activityDeadline(activity);
    if (at > 0) candidates.push(at);
  }
  for (const op of Object.values(s.nexusOperations)) {
    const at = nexusOperationDeadline(op);
    if (at > 0) candidates.push(at);
  }
  return candidates.length > 0 ? Math.min(...candidates) : 0;
}

export function processDeadlines(ctx: EngineContext, tx: Transaction, workflow: Workflow, hooks: EngineHooks): void {
  const s = workflow.state;
  const now = tx.nowMs;
  if (!isRunning(s)) return;
  const runExpired = s.runExpirationMs > 0 && now >= s.runExpirationMs;
  const executionExpired = s.executionExpirationMs > 0 && now >= s.executionExpirationMs;
  if (runExpired || executionExpired) {
    workflow.flushBuffer();
    closeWorkflow(ctx, tx, workflow, { kind: 'timed-out' }, hooks);
    return;
  }
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
    delete s.timers[timer.timerId];
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
