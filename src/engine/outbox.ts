// The follow-up tasks of the outbox. A change that causes follow-up work writes a task row in the same
// transaction (Workflow.emit); the shard's task processor runs it after the commit and deletes it once
// it is done, retrying with backoff if it throws, also across restarts. Every executor is idempotent:
// a task may run more than once (a crash between its work and its deletion), never zero times.
import type { RunKey } from './tasks';

export const TaskKind = {
  /** Hand a workflow task to matching; the row lives until the task starts or is superseded. */
  WorkflowTask: 'workflow-task',
  /** Hand an activity attempt to matching; the row lives until the attempt starts or is superseded. */
  ActivityTask: 'activity-task',
  StartChild: 'start-child',
  NotifyParent: 'notify-parent',
  ParentClosePolicy: 'parent-close-policy',
  SignalExternal: 'signal-external',
  CancelExternal: 'cancel-external',
  NexusStart: 'nexus-start',
  NexusCancel: 'nexus-cancel',
  Callback: 'callback',
  /** A schedule takes the actions in its buffer (engine/schedule-actions.ts). */
  ScheduleAction: 'schedule-action',
} as const;
export type TaskKind = (typeof TaskKind)[keyof typeof TaskKind];

export interface ChildToClose {
  readonly namespaceId: string;
  readonly workflowId: string;
  /** The child's first run: the policy applies to whichever run of that chain is current. */
  readonly firstRunId: string;
  /** temporal.api.enums.v1.ParentClosePolicy */
  readonly policy: number;
}

export type OutboxTask =
  | {
      readonly kind: typeof TaskKind.WorkflowTask;
      readonly scheduledEventId: number;
      readonly attempt: number;
      readonly taskQueue: string;
      readonly normalTaskQueue: string;
      readonly isSticky: boolean;
    }
  | {
      readonly kind: typeof TaskKind.ActivityTask;
      readonly scheduledEventId: number;
      readonly attempt: number;
      readonly taskQueue: string;
    }
  | { readonly kind: typeof TaskKind.StartChild; readonly initiatedEventId: number }
  | { readonly kind: typeof TaskKind.NotifyParent; readonly parent: RunKey; readonly initiatedEventId: number }
  | { readonly kind: typeof TaskKind.ParentClosePolicy; readonly children: readonly ChildToClose[] }
  | { readonly kind: typeof TaskKind.SignalExternal; readonly initiatedEventId: number }
  | { readonly kind: typeof TaskKind.CancelExternal; readonly initiatedEventId: number }
  | { readonly kind: typeof TaskKind.NexusStart; readonly scheduledEventId: number; readonly attempt: number }
  | { readonly kind: typeof TaskKind.NexusCancel; readonly scheduledEventId: number; readonly attempt: number }
  | { readonly kind: typeof TaskKind.Callback; readonly callbackId: string; readonly attempt: number }
  | { readonly kind: typeof TaskKind.ScheduleAction };

/** A task with its row identity: the run it belongs to and its id in the shard. */
export interface QueuedTask {
  readonly taskId: number;
  readonly key: RunKey;
  readonly task: OutboxTask;
}

/** What an executor reports. */
export type TaskOutcome =
  /** Done: the row is deleted. */
  | { readonly kind: 'done' }
  /** The row is not the processor's to delete: a transaction deleted it, or will (a dispatch task). */
  | { readonly kind: 'released' }
  /** Not now (e.g. the destination's circuit breaker is open): run it again at `atMs`, unchanged. */
  | { readonly kind: 'defer'; readonly atMs: number };

export const DONE: TaskOutcome = { kind: 'done' };
export const RELEASED: TaskOutcome = { kind: 'released' };

export type TaskExecutor = (queued: QueuedTask) => Promise<TaskOutcome>;

/** Executors by task kind; server.ts registers the ones outside the engine (Nexus, HTTP callbacks). */
export type TaskExecutors = { [K in TaskKind]?: TaskExecutor };

/** Tasks that wait on another service's answer run in a lane of their own, so they never block the rest. */
export function isOutboundTask(kind: string): boolean {
  return kind === TaskKind.NexusStart || kind === TaskKind.NexusCancel || kind === TaskKind.Callback;
}

/** The task queues a dispatch task may be offered to (none for other tasks). */
export function dispatchQueues(task: OutboxTask): string[] {
  if (task.kind === TaskKind.WorkflowTask) return [task.taskQueue, task.normalTaskQueue];
  if (task.kind === TaskKind.ActivityTask) return [task.taskQueue];
  return [];
}

export function encodeTask(task: OutboxTask): string {
  return JSON.stringify(task);
}

export function decodeTask(payload: string): OutboxTask {
  return JSON.parse(payload) as OutboxTask;
}

/** What a transition says follows from it: tasks to write, and dispatch rows it made unnecessary. */
export interface Followups {
  readonly tasks: readonly OutboxTask[];
  readonly doneTaskIds: readonly number[];
  /** A dispatch task whose row id the record keeps (as `dispatchTaskId`), to delete it when it is done. */
  readonly dispatch?: OutboxTask;
}

export const NO_FOLLOWUPS: Followups = { tasks: [], doneTaskIds: [] };

export function followups(tasks: readonly OutboxTask[], doneTaskIds: readonly number[] = []): Followups {
  return { tasks, doneTaskIds: doneTaskIds.filter((id) => id > 0) };
}
