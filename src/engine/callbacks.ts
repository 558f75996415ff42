// Completion callbacks of a run (a Nexus caller waiting for it to close): attached at start (and carried
// across continue-as-new), scheduled when the run closes, delivered by an outbox task whose executor
// (nexus/callback-executor.ts) reads the attempt here, does the I/O and reports the result here. The
// machine is callback-machine.ts; DescribeWorkflowExecution shows each callback's state from it.
import { type Failure, temporal, decodeBase64, encodeBase64 } from '../common/proto';
import { msFromTimestamp, timestampFromMs } from '../common/time';
import type { Transition } from '../common/state-machine';
import type { HistoryEngine } from './history-engine';
import { CallbackStatus, isRunning, type CallbackState } from './mutable-state';
import type { Workflow } from './workflow';
import type { Followups, QueuedTask } from './outbox';
import { transitionItem } from './item-transition';
import {
  CallbackAttemptFailed,
  CallbackFailed,
  CallbackRescheduled,
  CallbackScheduled,
  CallbackSucceeded,
} from './callback-machine';
import { handlerStartLink, outcomeOfClose, type NexusOutcome } from './run-outcome';
import type { Transaction } from './transaction';
import type { RunKey } from './tasks';
import type { EngineConfig } from './engine-context';
import { UpdateStage, type UpdateEntry } from './update-registry';
import { ErrorCode, ServiceError } from '../common/errors';

/**
 * Refuses, before anything changes, callbacks beyond the Temporal server's limits: `adding` more on the
 * run (none yet for a new one), and with `updateId` on that update too (`pendingOnUpdate` counts those
 * of an update still in flight, which are registered at its acceptance).
 */
export function checkCallbackLimits(
  config: EngineConfig,
  workflow: Workflow | undefined,
  adding: number,
  update?: { readonly updateId: string; readonly pendingOnUpdate: number },
): void {
  if (adding === 0) return;
  const callbacks = workflow ? Object.values(workflow.state.callbacks) : [];
  const onUpdates = update
    ? [...(workflow?.updates.values() ?? [])].reduce((sum, entry) => sum + pendingUpdateCallbacks(entry), 0)
    : 0;
  const total = callbacks.length + onUpdates;
  if (adding + total > config.callbacksPerWorkflowMax) {
    throw new ServiceError(
      ErrorCode.FailedPrecondition,
      `cannot attach more than ${config.callbacksPerWorkflowMax} callbacks to a workflow (${total} callbacks already attached)`,
    );
  }
  if (!update) return;
  const onThisUpdate = callbacks.filter((c) => c.updateId === update.updateId).length + update.pendingOnUpdate;
  if (adding + onThisUpdate > config.callbacksPerUpdateMax) {
    throw new ServiceError(
      ErrorCode.FailedPrecondition,
      `cannot attach more than ${config.callbacksPerUpdateMax} callbacks to update ${JSON.stringify(update.updateId)} (${onThisUpdate} callbacks already attached)`,
    );
  }
}

/** Callbacks of an update still in flight: its own request's and those attached to it since. */
export function pendingUpdateCallbacks(entry: UpdateEntry): number {
  if (entry.stage >= UpdateStage.Accepted) return 0;
  return (
    (entry.request.completionCallbacks ?? []).length +
    entry.attachments.reduce((sum, attachment) => sum + attachment.callbacks.length, 0)
  );
}

/** Callbacks of the run, or (with `update`) of one of its updates, waiting in standby. */
export function addCompletionCallbacks(
  workflow: Workflow,
  callbacks: readonly temporal.api.common.v1.ICallback[],
  nowMs: number,
  update?: { readonly updateId: string; readonly requestId: string },
): void {
  let next = Object.keys(workflow.state.callbacks).length;
  for (const callback of callbacks) {
    const id = String(next);
    next += 1;
    workflow.putItem('callbacks', id, {
      status: CallbackStatus.Standby,
      id,
      callback: encodeBase64('temporal.api.common.v1.Callback', callback),
      registrationTimeMs: nowMs,
      attempt: 0,
      lastAttemptCompleteTimeMs: 0,
      lastAttemptFailure: null,
      nextAttemptAtMs: 0,
      ...(update ? { updateId: update.updateId, requestId: update.requestId } : {}),
    });
  }
}

/** The run's callbacks, decoded (carried to the run that continues it; its updates' callbacks stay). */
export function completionCallbacksOf(workflow: Workflow): temporal.api.common.v1.ICallback[] {
  return sortedCallbacks(workflow)
    .filter((c) => c.updateId === undefined)
    .map((c) => decodeBase64<temporal.api.common.v1.ICallback>('temporal.api.common.v1.Callback', c.callback));
}

function sortedCallbacks(workflow: Workflow): CallbackState[] {
  return Object.values(workflow.state.callbacks).sort((a, b) => Number(a.id) - Number(b.id));
}

function transition<E>(
  workflow: Workflow,
  callback: CallbackState,
  t: Transition<CallbackState, E, Followups>,
  event: E,
): void {
  transitionItem(workflow, 'callbacks', callback.id, callback, t, event);
}

/**
 * The run closed: every waiting callback is to be delivered; when it continued as new (`updatesOnly`)
 * only its updates' callbacks, whose updates can no longer complete.
 */
export function scheduleCallbacks(workflow: Workflow, updatesOnly = false): void {
  for (const callback of sortedCallbacks(workflow)) {
    if (updatesOnly && callback.updateId === undefined) continue;
    if (callback.status === CallbackStatus.Standby) transition(workflow, callback, CallbackScheduled, undefined);
  }
}

/** The update completed: its callbacks are to be delivered. */
export function scheduleUpdateCallbacks(workflow: Workflow, updateId: string): void {
  for (const callback of sortedCallbacks(workflow)) {
    if (callback.updateId === updateId && callback.status === CallbackStatus.Standby)
      transition(workflow, callback, CallbackScheduled, undefined);
  }
}

export function callbackDeadline(callback: CallbackState): number {
  return callback.status === CallbackStatus.BackingOff ? callback.nextAttemptAtMs : 0;
}

export function processCallbackDeadline(workflow: Workflow, callback: CallbackState, nowMs: number): void {
  if (callback.status === CallbackStatus.BackingOff && nowMs >= callback.nextAttemptAtMs) {
    transition(workflow, callback, CallbackRescheduled, undefined);
  }
}

/** Everything one delivery attempt needs, read from the closed handler run. */
export interface CallbackAttempt {
  readonly callback: temporal.api.common.v1.ICallback;
  readonly handlerNamespace: string;
  readonly handler: RunKey;
  readonly startTimeMs: number;
  readonly closeTimeMs: number;
  readonly outcome: NexusOutcome;
  /** The handler's link for the caller: the run's start, or the request that attached an update's callback. */
  readonly link: temporal.api.common.v1.ILink;
  /** The header the run was started with (its trace context, for the delivery's span). */
  readonly startHeader: temporal.api.common.v1.IHeader | null | undefined;
}

/** The attempt a delivery task stands for; undefined when the task is stale (already delivered, retried). */
export function readCallbackAttempt(
  engine: HistoryEngine,
  queued: QueuedTask,
  callbackId: string,
  attempt: number,
): Promise<CallbackAttempt | undefined> {
  return engine.run(queued.key, async (tx) => {
    const workflow = await tx.get(queued.key);
    const callback = workflow?.state.callbacks[callbackId];
    if (!workflow || callback?.status !== CallbackStatus.Scheduled || callback.attempt !== attempt) {
      workflow?.completeTask(queued.taskId);
      return undefined;
    }
    const handlerNamespace = engine.ctx.namespaces.getById(workflow.state.namespaceId).name;
    const ended =
      callback.updateId !== undefined ? await updateEnd(tx, workflow, callback.updateId) : await runEnd(tx, workflow);
    if (!ended) return undefined;
    return {
      callback: decodeBase64<temporal.api.common.v1.ICallback>('temporal.api.common.v1.Callback', callback.callback),
      handlerNamespace,
      handler: workflow.key,
      startTimeMs: workflow.state.startTimeMs,
      closeTimeMs: ended.closeTimeMs,
      outcome: ended.outcome,
      link:
        callback.updateId !== undefined
          ? updateRequestLink(handlerNamespace, workflow, callback.requestId ?? '')
          : handlerStartLink(handlerNamespace, workflow.state.workflowId, workflow.state.runId),
      startHeader: workflow.startedEvent?.workflowExecutionStartedEventAttributes?.header,
    };
  });
}

interface Ended {
  readonly outcome: NexusOutcome;
  readonly closeTimeMs: number;
}

async function runEnd(tx: Transaction, workflow: Workflow): Promise<Ended | undefined> {
  const activityEnd = standaloneActivityEnd(workflow);
  if (activityEnd) return activityEnd;
  const closeEvent = await tx.event(workflow, workflow.state.nextEventId - 1);
  const outcome = closeEvent ? outcomeOfClose(closeEvent) : undefined;
  return outcome ? { outcome, closeTimeMs: workflow.state.closeTimeMs } : undefined;
}

/** How a standalone activity ended (an activity-backed operation): its result, or its own failure (a timeout keeps its type). */
function standaloneActivityEnd(workflow: Workflow): Ended | undefined {
  const outcome = workflow.state.standaloneActivity?.outcome;
  if (!outcome || isRunning(workflow.state)) return undefined;
  const closeTimeMs = workflow.state.closeTimeMs;
  if (outcome.result !== undefined) {
    const result = decodeBase64<temporal.api.common.v1.IPayloads>('temporal.api.common.v1.Payloads', outcome.result);
    return { outcome: { kind: 'succeeded', result: result.payloads?.[0] ?? null }, closeTimeMs };
  }
  const cause = outcome.failure
    ? decodeBase64<Failure>('temporal.api.failure.v1.Failure', outcome.failure)
    : { message: 'activity failed' };
  const isCanceled =
    workflow.state.status === temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED;
  return { outcome: { kind: isCanceled ? 'canceled' : 'failed', cause }, closeTimeMs };
}

/** How an update ended: its outcome, or (the run closed first) the Temporal server's failure for that. */
async function updateEnd(tx: Transaction, workflow: Workflow, updateId: string): Promise<Ended | undefined> {
  const record = workflow.state.updates[updateId];
  if (record && record.completedEventId > 0) {
    const completed = await tx.event(workflow, record.completedEventId);
    const outcome = completed?.workflowExecutionUpdateCompletedEventAttributes?.outcome;
    if (!completed || !outcome) return undefined;
    const closeTimeMs = msFromTimestamp(completed.eventTime) ?? tx.nowMs;
    return outcome.failure
      ? { outcome: { kind: 'failed', cause: outcome.failure }, closeTimeMs }
      : { outcome: { kind: 'succeeded', result: outcome.success?.payloads?.[0] ?? null }, closeTimeMs };
  }
  if (isRunning(workflow.state)) return undefined;
  return {
    outcome: {
      kind: 'failed',
      cause: {
        message: 'Workflow Update failed because the Workflow completed before the Update completed.',
        source: 'Server',
        applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow', nonRetryable: true },
      },
    },
    closeTimeMs: workflow.state.closeTimeMs,
  };
}

/** The link to the request that attached an update's callback: its acceptance, or a later attach. */
export function updateRequestLink(
  namespace: string,
  workflow: Workflow,
  requestId: string,
): temporal.api.common.v1.ILink {
  const isAttached = (workflow.state.attachedRequestIds ?? {})[requestId] !== undefined;
  return {
    workflowEvent: {
      namespace,
      workflowId: workflow.state.workflowId,
      runId: workflow.state.runId,
      requestIdRef: {
        requestId,
        eventType: isAttached
          ? temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED
          : temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      },
    },
  };
}

export type CallbackResult =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'retry'; readonly failure: Failure; readonly retryDelayMs: number }
  | { readonly kind: 'failed'; readonly failure: Failure };

/** Applies the result of a delivery attempt, and deletes its task, in one transaction. */
export function recordCallbackResult(
  engine: HistoryEngine,
  queued: QueuedTask,
  callbackId: string,
  attempt: number,
  result: CallbackResult,
): Promise<void> {
  return engine.run(queued.key, async (tx) => {
    const workflow = await tx.get(queued.key);
    if (!workflow) return;
    workflow.completeTask(queued.taskId);
    const callback = workflow.state.callbacks[callbackId];
    if (callback?.status !== CallbackStatus.Scheduled || callback.attempt !== attempt) return;
    switch (result.kind) {
      case 'succeeded':
        return transition(workflow, callback, CallbackSucceeded, { nowMs: tx.nowMs });
      case 'retry':
        return transition(workflow, callback, CallbackAttemptFailed, {
          nowMs: tx.nowMs,
          failure: encodeBase64('temporal.api.failure.v1.Failure', result.failure),
          retryDelayMs: result.retryDelayMs,
        });
      case 'failed':
        return transition(workflow, callback, CallbackFailed, {
          nowMs: tx.nowMs,
          failure: encodeBase64('temporal.api.failure.v1.Failure', result.failure),
        });
    }
  });
}

const ApiState = temporal.api.enums.v1.CallbackState;
const STATE_OF: Record<CallbackStatus, number> = {
  [CallbackStatus.Standby]: ApiState.CALLBACK_STATE_STANDBY,
  [CallbackStatus.Scheduled]: ApiState.CALLBACK_STATE_SCHEDULED,
  [CallbackStatus.BackingOff]: ApiState.CALLBACK_STATE_BACKING_OFF,
  [CallbackStatus.Succeeded]: ApiState.CALLBACK_STATE_SUCCEEDED,
  [CallbackStatus.Failed]: ApiState.CALLBACK_STATE_FAILED,
};

/** The callbacks as DescribeWorkflowExecution reports them. */
export function callbackInfos(workflow: Workflow): temporal.api.workflow.v1.ICallbackInfo[] {
  return sortedCallbacks(workflow).map((c) => ({
    callback: decodeBase64('temporal.api.common.v1.Callback', c.callback),
    trigger:
      c.updateId !== undefined
        ? { updateWorkflowExecutionCompleted: { updateId: c.updateId } }
        : { workflowClosed: {} },
    registrationTime: timestampFromMs(c.registrationTimeMs),
    state: STATE_OF[c.status],
    attempt: c.attempt,
    ...(c.lastAttemptCompleteTimeMs ? { lastAttemptCompleteTime: timestampFromMs(c.lastAttemptCompleteTimeMs) } : {}),
    ...(c.lastAttemptFailure
      ? { lastAttemptFailure: decodeBase64('temporal.api.failure.v1.Failure', c.lastAttemptFailure) }
      : {}),
    ...(c.nextAttemptAtMs ? { nextAttemptScheduleTime: timestampFromMs(c.nextAttemptAtMs) } : {}),
  }));
}
