// Child workflows across runs (and shards): the start of a child, reporting a child's close to its
// parent, and the parent close policy. Each is an outbox task executor; each step that changes a run is a
// transaction on that run's shard, and every step is idempotent (the child's start request id names the
// parent's initiated event; a parent records a child's start or close only while it waits for it).
import { EventType, temporal } from '../common/proto';
import { ServiceError, ErrorCode } from '../common/errors';
import { msFromDuration } from '../common/time';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import { isRunning, type ChildState } from './mutable-state';
import type { RunKey } from './tasks';
import { normalizeRetryPolicy } from './retry-policy';
import { scheduleWorkflowTask } from './workflow-tasks';
import { requestCancelWorkflow, startWorkflow, terminateWorkflow } from './workflow-operations';
import { DONE, RELEASED, type ChildToClose, type QueuedTask, type TaskOutcome } from './outbox';
import type { RunSpec } from './workflow-start';
import { OwnerOp } from './cluster-link';

const ParentClosePolicy = temporal.api.enums.v1.ParentClosePolicy;
const FailedCause = temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause;

/** How long a child's close waits for its parent to record the child's start. */
export const PARENT_NOT_READY_RETRY_MS = 100;

export type ChildStart = { kind: 'started'; runId: string } | { kind: 'failed'; cause: number };

export async function executeStartChild(
  engine: HistoryEngine,
  queued: QueuedTask,
  initiatedEventId: number,
): Promise<TaskOutcome> {
  const spec = await engine.run(queued.key, async (tx) => {
    const parent = await tx.get(queued.key);
    const child = parent?.state.children[String(initiatedEventId)];
    if (!parent || !isRunning(parent.state) || !child || child.isStartResolved) {
      parent?.completeTask(queued.taskId);
      return undefined;
    }
    const initiated = (await tx.event(parent, initiatedEventId))?.startChildWorkflowExecutionInitiatedEventAttributes;
    return initiated ? childSpec(engine, parent, child, initiated, tx.nowMs) : undefined;
  });
  if (spec === undefined) return RELEASED;
  const start = await startChildRun(engine, spec);
  await engine.run(queued.key, async (tx) => {
    const parent = await tx.get(queued.key);
    if (!parent) return;
    parent.completeTask(queued.taskId);
    const child = parent.state.children[String(initiatedEventId)];
    if (!isRunning(parent.state) || !child || child.isStartResolved) return;
    const initiated = (await tx.event(parent, initiatedEventId))?.startChildWorkflowExecutionInitiatedEventAttributes;
    recordChildStart(engine, parent, child, initiated ?? {}, start, tx.nowMs);
  });
  return RELEASED;
}

function childSpec(
  engine: HistoryEngine,
  parent: Workflow,
  child: ChildState,
  a: temporal.api.history.v1.IStartChildWorkflowExecutionInitiatedEventAttributes,
  nowMs: number,
): PlannedChild | null {
  const ctx = engine.ctx;
  const namespace = ctx.namespaces.findByName(child.namespace);
  if (!namespace) return null;
  const runId = ctx.ids.uuid();
  const executionTimeoutMs = msFromDuration(a.workflowExecutionTimeout);
  const p = parent.state;
  const spec: RunSpec = {
    namespace,
    workflowId: child.workflowId,
    runId,
    firstExecutionRunId: runId,
    workflowType: child.workflowType,
    taskQueue: a.taskQueue?.name || p.taskQueue,
    input: a.input ?? null,
    header: a.header ?? null,
    memo: a.memo ?? null,
    searchAttributes: a.searchAttributes ?? null,
    priority: a.priority ?? null,
    executionTimeoutMs,
    runTimeoutMs: msFromDuration(a.workflowRunTimeout) || executionTimeoutMs,
    workflowTaskTimeoutMs: msFromDuration(a.workflowTaskTimeout) || ctx.config.defaultWorkflowTaskTimeoutMs,
    executionExpirationMs: executionTimeoutMs > 0 ? nowMs + executionTimeoutMs : 0,
    retryPolicy: a.retryPolicy ? normalizeRetryPolicy(a.retryPolicy, 'RetryPolicy') : null,
    attempt: 1,
    identity: '',
    // A retried task starts nothing new: the child's start dedups on this id.
    requestId: `${p.runId}:${child.initiatedEventId}`,
    startDelayMs: 0,
    parent: {
      namespace: ctx.namespaces.getById(p.namespaceId).name,
      namespaceId: p.namespaceId,
      workflowId: p.workflowId,
      runId: p.runId,
      initiatedEventId: child.initiatedEventId,
    },
    completionCallbacks: [],
    links: [],
    rootExecution: parent.startedEvent?.workflowExecutionStartedEventAttributes?.rootWorkflowExecution ?? {
      workflowId: p.workflowId,
      runId: p.runId,
    },
  };
  return { spec, reusePolicy: a.workflowIdReusePolicy ?? 0 };
}

interface PlannedChild {
  readonly spec: RunSpec;
  readonly reusePolicy: number;
}

function startChildRun(engine: HistoryEngine, planned: PlannedChild | null): Promise<ChildStart> {
  if (!planned) {
    return Promise.resolve({
      kind: 'failed',
      cause: FailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND,
    });
  }
  const target = { namespaceId: planned.spec.namespace.id, workflowId: planned.spec.workflowId };
  return engine.atRunOwner(target, OwnerOp.StartChild, planned);
}

/** Starts the child run (in the process holding its shard). */
export async function startChildHere(engine: HistoryEngine, planned: PlannedChild): Promise<ChildStart> {
  // The namespace as this process knows it (the plan may have come from another member).
  const spec = { ...planned.spec, namespace: engine.ctx.namespaces.getById(planned.spec.namespace.id) };
  try {
    const runId = await engine.run({ namespaceId: spec.namespace.id, workflowId: spec.workflowId }, async (tx) => {
      const result = await startWorkflow(engine.ctx, tx, spec, { reusePolicy: planned.reusePolicy, conflictPolicy: 0 });
      return result.workflow.state.runId;
    });
    return { kind: 'started', runId };
  } catch (error) {
    if (error instanceof ServiceError && error.code === ErrorCode.WorkflowAlreadyStarted) {
      return { kind: 'failed', cause: FailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS };
    }
    throw error;
  }
}

function recordChildStart(
  engine: HistoryEngine,
  parent: Workflow,
  child: ChildState,
  a: temporal.api.history.v1.IStartChildWorkflowExecutionInitiatedEventAttributes,
  start: ChildStart,
  nowMs: number,
): void {
  const id = String(child.initiatedEventId);
  if (start.kind === 'failed') {
    parent.appendExternal(
      EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
      'startChildWorkflowExecutionFailedEventAttributes',
      {
        namespace: child.namespace,
        namespaceId: child.namespaceId,
        workflowId: child.workflowId,
        workflowType: { name: child.workflowType },
        cause: start.cause,
        control: a.control ?? '',
        initiatedEventId: child.initiatedEventId,
        workflowTaskCompletedEventId: Number(a.workflowTaskCompletedEventId ?? 0),
      },
      nowMs,
    );
    parent.removeItem('children', id);
  } else {
    child.runId = start.runId;
    child.isStartResolved = true;
    child.startedEventId = parent.appendExternal(
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
      'childWorkflowExecutionStartedEventAttributes',
      {
        namespace: child.namespace,
        namespaceId: child.namespaceId,
        initiatedEventId: child.initiatedEventId,
        workflowExecution: { workflowId: child.workflowId, runId: child.runId },
        workflowType: { name: child.workflowType },
        header: a.header ?? null,
      },
      nowMs,
    );
    parent.changed('children', id);
  }
  scheduleWorkflowTask(engine.ctx, parent, nowMs);
}

/** Writes a closed child's outcome into its parent's history (the task is the child's). */
export async function executeNotifyParent(
  engine: HistoryEngine,
  queued: QueuedTask,
  parentKey: RunKey,
  initiatedEventId: number,
): Promise<TaskOutcome> {
  const close = await engine.run(queued.key, async (tx) => {
    const childRun = await tx.get(queued.key);
    if (!childRun) return undefined;
    const event = await tx.event(childRun, childRun.state.nextEventId - 1);
    return event ? { event, runId: childRun.state.runId } : undefined;
  });
  if (!close) return DONE;
  return engine.atRunOwner(parentKey, OwnerOp.RecordChildClose, { parentKey, initiatedEventId, close });
}

/** Records a child's close in its parent (in the process holding the parent's shard). */
export function recordChildCloseHere(
  engine: HistoryEngine,
  args: {
    readonly parentKey: RunKey;
    readonly initiatedEventId: number;
    readonly close: { readonly event: temporal.api.history.v1.IHistoryEvent; readonly runId: string };
  },
): Promise<TaskOutcome> {
  const { parentKey, initiatedEventId, close } = args;
  return engine.run(parentKey, async (tx): Promise<TaskOutcome> => {
    const parent = await tx.get(parentKey);
    const child = parent?.state.children[String(initiatedEventId)];
    if (!parent || !isRunning(parent.state) || !child) return DONE;
    // The parent has not recorded the child's start yet: the close waits for it.
    if (!child.isStartResolved) return { kind: 'defer', atMs: tx.nowMs + PARENT_NOT_READY_RETRY_MS };
    recordChildClose(engine, parent, child, close.runId, close.event, tx.nowMs);
    return DONE;
  });
}

function recordChildClose(
  engine: HistoryEngine,
  parent: Workflow,
  child: ChildState,
  childRunId: string,
  e: temporal.api.history.v1.IHistoryEvent,
  nowMs: number,
): void {
  const common = {
    namespace: child.namespace,
    namespaceId: child.namespaceId,
    workflowExecution: { workflowId: child.workflowId, runId: childRunId },
    workflowType: { name: child.workflowType },
    initiatedEventId: child.initiatedEventId,
    startedEventId: child.startedEventId,
  };
  const append = (type: number, field: Parameters<Workflow['appendExternal']>[1], extra: object): void => {
    parent.appendExternal(type, field, { ...common, ...extra }, nowMs);
  };
  if (e.workflowExecutionCompletedEventAttributes) {
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, 'childWorkflowExecutionCompletedEventAttributes', {
      result: e.workflowExecutionCompletedEventAttributes.result ?? null,
    });
  } else if (e.workflowExecutionFailedEventAttributes) {
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, 'childWorkflowExecutionFailedEventAttributes', {
      failure: e.workflowExecutionFailedEventAttributes.failure ?? null,
      retryState: e.workflowExecutionFailedEventAttributes.retryState ?? 0,
    });
  } else if (e.workflowExecutionCanceledEventAttributes) {
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, 'childWorkflowExecutionCanceledEventAttributes', {
      details: e.workflowExecutionCanceledEventAttributes.details ?? null,
    });
  } else if (e.workflowExecutionTerminatedEventAttributes) {
    append(
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
      'childWorkflowExecutionTerminatedEventAttributes',
      {},
    );
  } else if (e.workflowExecutionTimedOutEventAttributes) {
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, 'childWorkflowExecutionTimedOutEventAttributes', {
      retryState: e.workflowExecutionTimedOutEventAttributes.retryState ?? 0,
    });
  } else {
    return;
  }
  parent.removeItem('children', String(child.initiatedEventId));
  scheduleWorkflowTask(engine.ctx, parent, nowMs);
}

/** Terminates or cancels the children of a closed run, each in a transaction on its own shard. */
export async function executeParentClosePolicy(
  engine: HistoryEngine,
  children: readonly ChildToClose[],
): Promise<TaskOutcome> {
  for (const child of children) await engine.atRunOwner(child, OwnerOp.CloseChild, child);
  return DONE;
}

/** Applies the parent close policy to one child (in the process holding the child's shard). */
export function closeChildHere(engine: HistoryEngine, child: ChildToClose): Promise<void> {
  return engine.run(child, async (tx) => {
    const run = await tx.getCurrent(child.namespaceId, child.workflowId);
    if (!run || !isRunning(run.state) || run.state.firstExecutionRunId !== child.firstRunId) return;
    if (child.policy === ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE) {
      terminateWorkflow(engine.ctx, tx, run, { reason: 'by parent close policy', details: null, identity: '' });
    } else {
      requestCancelWorkflow(engine.ctx, tx, run, { cause: 'by parent close policy', identity: '' });
    }
  });
}
