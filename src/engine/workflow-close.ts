// Closing a run: the terminal event, clearing what was pending, and the work that follows a close: the
// next run of a continue-as-new or a retry (same workflow id, so same shard and same transaction), and
// outbox tasks for everything that touches other runs (telling the parent, the parent close policy,
// completion callbacks).
import { type Failure, type Payloads, EventType, temporal } from '../common/proto';
import { durationFromMs } from '../common/time';
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { isRunning, NexusCancelStatus, NexusOperationStatus } from './mutable-state';
import { decideRetry, RetryState } from './retry-policy';
import { ContinueAsNewInitiator, createRun, type RunSpec } from './workflow-start';
import { rolloverResetPoints } from './reset-points';
import { TaskKind, type ChildToClose } from './outbox';
import { dropWorkflowTask } from './workflow-tasks';
import { transitionItem } from './item-transition';
import { ActivityDropped } from './activity-machine';
import { completionCallbacksOf, scheduleCallbacks } from './callbacks';
import { carriedSearchAttributes } from './search-attributes';
import { decodeBase64, type Memo } from '../common/proto';

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const ParentClosePolicy = temporal.api.enums.v1.ParentClosePolicy;

export type CloseOutcome =
  | { kind: 'completed'; result: Payloads | null | undefined; completedEventId: number }
  | { kind: 'failed'; failure: Failure | null | undefined; completedEventId: number }
  | { kind: 'canceled'; details: Payloads | null | undefined; completedEventId: number }
  | { kind: 'terminated'; reason: string; details: Payloads | null | undefined; identity: string }
  | { kind: 'timed-out' }
  | {
      kind: 'continued-as-new';
      attributes: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes;
      completedEventId: number;
    };

export function closeWorkflow(ctx: EngineContext, tx: Transaction, workflow: Workflow, outcome: CloseOutcome): void {
  const s = workflow.state;
  if (!isRunning(s)) return;
  const nowMs = tx.nowMs;
  const next = nextRunFor(ctx, workflow, outcome, nowMs);
  appendCloseEvent(workflow, outcome, next?.spec?.runId, next?.retryState, nowMs);
  s.status = statusOf(outcome);
  s.closeTimeMs = nowMs;
  dropWorkflowTask(workflow);
  for (const activity of Object.values(s.activities)) {
    transitionItem(workflow, 'activities', String(activity.scheduledEventId), activity, ActivityDropped, undefined);
  }
  workflow.clearItems('activities');
  workflow.clearItems('timers');
  s.stickyTaskQueue = '';
  applyParentClosePolicy(workflow);
  closeNexusOperations(workflow);
  if (next?.spec) {
    tx.add(createRun(ctx, tx, next.spec, nowMs));
    // The run's callbacks go on with the next run; its updates' callbacks end here.
    scheduleCallbacks(workflow, true);
    return;
  }
  if (s.parent) {
    const { namespaceId, workflowId, runId, initiatedEventId } = s.parent;
    workflow.emit({ kind: TaskKind.NotifyParent, parent: { namespaceId, workflowId, runId }, initiatedEventId });
  }
  scheduleCallbacks(workflow);
}

/**
 * The parent close policy, as the Temporal server applies it whenever a run closes (continue-as-new and
 * retries included): children with TERMINATE or REQUEST_CANCEL are told by a task of their own.
 */
function applyParentClosePolicy(workflow: Workflow): void {
  const children: ChildToClose[] = [];
  for (const child of Object.values(workflow.state.children)) {
    const policy = child.parentClosePolicy || ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE;
    if (policy === ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON || !child.runId) continue;
    children.push({ namespaceId: child.namespaceId, workflowId: child.workflowId, firstRunId: child.runId, policy });
  }
  if (children.length > 0) workflow.emit({ kind: TaskKind.ParentClosePolicy, children });
}

/**
 * Operations end with their caller; a cancel already requested of a started one is still sent once (a
 * TRY_CANCEL caller may finish right after asking), so that operation stays in the closed run's state
 * for its cancel task to read.
 */
function closeNexusOperations(workflow: Workflow): void {
  for (const op of Object.values(workflow.state.nexusOperations)) {
    const isCancelPending =
      op.status === NexusOperationStatus.Started && op.cancel?.status === NexusCancelStatus.Scheduled;
    if (!isCancelPending) workflow.removeItem('nexusOperations', String(op.scheduledEventId));
  }
}

function statusOf(outcome: CloseOutcome): number {
  switch (outcome.kind) {
    case 'completed':
      return Status.WORKFLOW_EXECUTION_STATUS_COMPLETED;
    case 'failed':
      return Status.WORKFLOW_EXECUTION_STATUS_FAILED;
    case 'canceled':
      return Status.WORKFLOW_EXECUTION_STATUS_CANCELED;
    case 'terminated':
      return Status.WORKFLOW_EXECUTION_STATUS_TERMINATED;
    case 'timed-out':
      return Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
    case 'continued-as-new':
      return Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;
  }
}

function appendCloseEvent(
  workflow: Workflow,
  outcome: CloseOutcome,
  newRunId: string | undefined,
  retryState: number | undefined,
  nowMs: number,
): temporal.api.history.v1.IHistoryEvent {
  const newExecutionRunId = newRunId ?? '';
  switch (outcome.kind) {
    case 'completed':
      return workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        'workflowExecutionCompletedEventAttributes',
        { result: outcome.result ?? null, workflowTaskCompletedEventId: outcome.completedEventId, newExecutionRunId },
        nowMs,
      );
    case 'failed':
      return workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        'workflowExecutionFailedEventAttributes',
        {
          failure: outcome.failure ?? null,
          retryState: retryState ?? RetryState.RetryPolicyNotSet,
          workflowTaskCompletedEventId: outcome.completedEventId,
          newExecutionRunId,
        },
        nowMs,
      );
    case 'canceled':
      return workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        'workflowExecutionCanceledEventAttributes',
        { details: outcome.details ?? null, workflowTaskCompletedEventId: outcome.completedEventId },
        nowMs,
      );
    case 'terminated':
      return workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
        'workflowExecutionTerminatedEventAttributes',
        { reason: outcome.reason, details: outcome.details ?? null, identity: outcome.identity },
        nowMs,
      );
    case 'timed-out':
      return workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
        'workflowExecutionTimedOutEventAttributes',
        { retryState: retryState ?? RetryState.RetryPolicyNotSet, newExecutionRunId },
        nowMs,
      );
    case 'continued-as-new': {
      const a = outcome.attributes;
      return workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        'workflowExecutionContinuedAsNewEventAttributes',
        {
          newExecutionRunId,
          workflowType: { name: a.workflowType?.name || workflow.state.workflowType },
          taskQueue: {
            name: a.taskQueue?.name || workflow.state.taskQueue,
            kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
          },
          input: a.input ?? null,
          // The Temporal server fills the command's timeout defaults into the event, and writes the
          // initiator only on the new run's started event.
          workflowRunTimeout: a.workflowRunTimeout ?? durationFromMs(0),
          workflowTaskTimeout: a.workflowTaskTimeout ?? durationFromMs(workflow.state.workflowTaskTimeoutMs),
          workflowTaskCompletedEventId: outcome.completedEventId,
          backoffStartInterval: a.backoffStartInterval ?? null,
          initiator: a.initiator ?? 0,
          inheritBuildId: a.inheritBuildId ?? false,
          header: a.header ?? null,
          memo: a.memo ?? null,
          searchAttributes: a.searchAttributes ?? null,
        },
        nowMs,
      );
    }
  }
}

interface NextRun {
  spec: RunSpec;
  retryState?: number;
}

/**
 * The run that follows this close, if any: continue-as-new, or a retry of a failed/timed-out run; or, when
 * none follows, why (the close event's retry state), as the Temporal server decides it: a run that timed
 * out past its workflow execution timeout is TIMEOUT, else the retry policy says (RETRY_POLICY_NOT_SET
 * without one).
 */
function nextRunFor(
  ctx: EngineContext,
  workflow: Workflow,
  outcome: CloseOutcome,
  nowMs: number,
): NextRun | { spec?: undefined; retryState: number } | undefined {
  if (outcome.kind === 'continued-as-new') return { spec: continueAsNewSpec(ctx, workflow, outcome.attributes, nowMs) };
  if (outcome.kind !== 'failed' && outcome.kind !== 'timed-out') return undefined;
  const s = workflow.state;
  if (outcome.kind === 'timed-out' && s.executionExpirationMs > 0 && nowMs >= s.executionExpirationMs) {
    return { retryState: RetryState.Timeout };
  }
  if (!s.retryPolicy) return undefined;
  const info = outcome.kind === 'failed' ? outcome.failure?.applicationFailureInfo : undefined;
  const decision = decideRetry({
    policy: s.retryPolicy,
    attempt: s.attempt,
    nowMs,
    expirationMs: s.executionExpirationMs,
    errorType: info?.type ?? undefined,
    isNonRetryable: outcome.kind === 'failed' && (info?.nonRetryable ?? false),
  });
  if (!decision.retry) return { retryState: decision.retryState };
  const spec: RunSpec = {
    ...inheritedSpec(ctx, workflow, nowMs),
    attempt: s.attempt + 1,
    startDelayMs: decision.delayMs,
    initiator: ContinueAsNewInitiator.Retry,
    continuedFailure: outcome.kind === 'failed' ? outcome.failure : null,
  };
  return { spec, retryState: RetryState.InProgress };
}

function inheritedSpec(ctx: EngineContext, workflow: Workflow, nowMs: number): RunSpec {
  const s = workflow.state;
  const started = workflow.startedEvent?.workflowExecutionStartedEventAttributes;
  const runTimeoutMs = s.runExpirationMs > 0 ? s.runExpirationMs - s.executionTimeMs : 0;
  return {
    namespace: ctx.namespaces.getById(s.namespaceId),
    workflowId: s.workflowId,
    runId: ctx.ids.uuid(),
    firstExecutionRunId: s.firstExecutionRunId,
    workflowType: s.workflowType,
    taskQueue: s.taskQueue,
    input: started?.input ?? null,
    header: started?.header ?? null,
    memo: s.memo ? decodeBase64<Memo>('temporal.api.common.v1.Memo', s.memo) : null,
    searchAttributes: carriedSearchAttributes(s.searchAttributes),
    executionTimeoutMs: s.executionExpirationMs > 0 ? Math.max(0, s.executionExpirationMs - nowMs) : 0,
    runTimeoutMs,
    workflowTaskTimeoutMs: s.workflowTaskTimeoutMs,
    executionExpirationMs: s.executionExpirationMs,
    retryPolicy: s.retryPolicy,
    attempt: 1,
    identity: started?.identity ?? '',
    requestId: ctx.ids.uuid(),
    startDelayMs: 0,
    parent: s.parent,
    continuedExecutionRunId: s.runId,
    completionCallbacks: completionCallbacksOf(workflow),
    links: [],
    rootExecution: started?.rootWorkflowExecution ?? null,
    prevAutoResetPoints: rolloverResetPoints(s, nowMs, ctx.namespaces.getById(s.namespaceId).retentionMs),
  };
}

function continueAsNewSpec(
  ctx: EngineContext,
  workflow: Workflow,
  a: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes,
  nowMs: number,
): RunSpec {
  const base = inheritedSpec(ctx, workflow, nowMs);
  const runTimeoutMs = a.workflowRunTimeout
    ? Number(a.workflowRunTimeout.seconds ?? 0) * 1000 + Math.floor((a.workflowRunTimeout.nanos ?? 0) / 1e6)
    : base.runTimeoutMs;
  const taskTimeoutMs = a.workflowTaskTimeout
    ? Number(a.workflowTaskTimeout.seconds ?? 0) * 1000 + Math.floor((a.workflowTaskTimeout.nanos ?? 0) / 1e6)
    : base.workflowTaskTimeoutMs;
  const backoffMs = a.backoffStartInterval
    ? Number(a.backoffStartInterval.seconds ?? 0) * 1000 + Math.floor((a.backoffStartInterval.nanos ?? 0) / 1e6)
    : 0;
  return {
    ...base,
    workflowType: a.workflowType?.name || base.workflowType,
    taskQueue: a.taskQueue?.name || base.taskQueue,
    input: a.input ?? null,
    // A new run carries the command's header only, and no identity (the Temporal server writes none).
    header: a.header ?? null,
    identity: '',
    memo: a.memo ?? base.memo ?? null,
    searchAttributes: a.searchAttributes ?? base.searchAttributes ?? null,
    runTimeoutMs,
    workflowTaskTimeoutMs: taskTimeoutMs || base.workflowTaskTimeoutMs,
    startDelayMs: backoffMs,
    initiator: ContinueAsNewInitiator.Workflow,
    lastCompletionResult: a.lastCompletionResult ?? null,
    continuedFailure: a.failure ?? null,
  };
}
