// Runs acting on other runs: starting child workflows, reporting a child's close to its parent, the
// parent close policy, and signals/cancels to external workflows. Each runs as an effect after the
// initiating commit, in a transaction of its own, and is retried from mutable state after a restart.
import { EventType, temporal } from '../common/proto';
import { ServiceError, ErrorCode } from '../common/errors';
import { msFromDuration } from '../common/time';
import type { EngineContext, Transaction } from './engine-context';
import type { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import type { RunKey } from './tasks';
import { normalizeRetryPolicy } from './retry-policy';
import { scheduleWorkflowTask } from './workflow-tasks';
import { requestCancelWorkflow, signalWorkflow, startWorkflow, terminateWorkflow } from './workflow-operations';
import type { EngineHooks } from './engine-hooks';

const ParentClosePolicy = temporal.api.enums.v1.ParentClosePolicy;

export function startChild(
  ctx: EngineContext,
  tx: Transaction,
  parentKey: RunKey,
  initiatedEventId: number,
  hooks: EngineHooks,
): void {
  const parent = tx.get(parentKey);
  if (!parent || !isRunning(parent.state)) return;
  const child = parent.state.children[String(initiatedEventId)];
  if (!child || child.isStartResolved) return;
  const a = parent.events[initiatedEventId - 1]?.startChildWorkflowExecutionInitiatedEventAttributes;
  if (!a) return;
  const namespace = ctx.namespaces.findByName(child.namespace);
  const failStart = (cause: number): void => {
    parent.appendExternal(
      EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
      'startChildWorkflowExecutionFailedEventAttributes',
      {
        namespace: child.namespace,
        namespaceId: child.namespaceId,
        workflowId: child.workflowId,
        workflowType: { name: child.workflowType },
        cause,
        control: a.control ?? '',
        initiatedEventId,
        workflowTaskCompletedEventId: Number(a.workflowTaskCompletedEventId ?? 0),
      },
      tx.nowMs,
    );
    delete parent.state.children[String(initiatedEventId)];
    scheduleWorkflowTask(ctx, parent, tx.nowMs);
  };
  if (!namespace)
    return failStart(
      temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause
        .START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND,
    );
  const runId = ctx.ids.uuid();
  const executionTimeoutMs = msFromDuration(a.workflowExecutionTimeout);
  try {
    const result = startWorkflow(
      ctx,
      tx,
      {
        namespace,
        workflowId: child.workflowId,
        runId,
        firstExecutionRunId: runId,
        workflowType: child.workflowType,
        taskQueue: a.taskQueue?.name || parent.state.taskQueue,
        input: a.input ?? null,
        header: a.header ?? null,
        memo: a.memo ?? null,
        searchAttributes: a.searchAttributes ?? null,
        executionTimeoutMs,
        runTimeoutMs: msFromDuration(a.workflowRunTimeout) || executionTimeoutMs,
        workflowTaskTimeoutMs: msFromDuration(a.workflowTaskTimeout) || ctx.config.defaultWorkflowTaskTimeoutMs,
        executionExpirationMs: executionTimeoutMs > 0 ? tx.nowMs + executionTimeoutMs : 0,
        retryPolicy: a.retryPolicy ? normalizeRetryPolicy(a.retryPolicy, 'RetryPolicy') : null,
        attempt: 1,
        identity: '',
        requestId: `${parent.state.runId}:${initiatedEventId}`,
        startDelayMs: 0,
        parent: {
          namespace: ctx.namespaces.getById(parent.state.namespaceId).name,
          namespaceId: parent.state.namespaceId,
          workflowId: parent.state.workflowId,
          runId: parent.state.runId,
          initiatedEventId,
        },
        completionCallbacks: [],
        links: [],
        rootExecution: parent.events[0]?.workflowExecutionStartedEventAttributes?.rootWorkflowExecution ?? {
          workflowId: parent.state.workflowId,
          runId: parent.state.runId,
        },
      },
      { reusePolicy: a.workflowIdReusePolicy ?? 0, conflictPolicy: 0 },
      hooks,
    );
    child.runId = result.workflow.state.runId;
  } catch (error) {
    if (error instanceof ServiceError && error.code === ErrorCode.WorkflowAlreadyStarted) {
      return failStart(
        temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause
          .START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS,
      );
    }
    throw error;
  }
  child.isStartResolved = true;
  child.startedEventId = parent.appendExternal(
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
    'childWorkflowExecutionStartedEventAttributes',
    {
      namespace: child.namespace,
      namespaceId: child.namespaceId,
      initiatedEventId,
      workflowExecution: { workflowId: child.workflowId, runId: child.runId },
      workflowType: { name: child.workflowType },
      header: a.header ?? null,
    },
    tx.nowMs,
  );
  scheduleWorkflowTask(ctx, parent, tx.nowMs);
}

/** Writes the child's close into the parent's history. */
export function notifyParentOfChildClose(
  ctx: EngineContext,
  tx: Transaction,
  childKey: RunKey,
  closeEvent: temporal.api.history.v1.IHistoryEvent,
): void {
  const childRun = tx.get(childKey);
  const parentInfo = childRun?.state.parent;
  if (!childRun || !parentInfo) return;
  const parent = tx.get({
    namespaceId: parentInfo.namespaceId,
    workflowId: parentInfo.workflowId,
    runId: parentInfo.runId,
  });
  if (!parent || !isRunning(parent.state)) return;
  const child = parent.state.children[String(parentInfo.initiatedEventId)];
  if (!child) return;
  const common = {
    namespace: child.namespace,
    namespaceId: child.namespaceId,
    workflowExecution: { workflowId: child.workflowId, runId: childRun.state.runId },
    workflowType: { name: child.workflowType },
    initiatedEventId: child.initiatedEventId,
    startedEventId: child.startedEventId,
  };
  const append = (type: number, field: Parameters<Workflow['appendExternal']>[1], extra: object): void => {
    parent.appendExternal(type, field, { ...common, ...extra }, tx.nowMs);
  };
  const e = closeEvent;
  if (e.workflowExecutionCompletedEventAttributes)
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, 'childWorkflowExecutionCompletedEventAttributes', {
      result: e.workflowExecutionCompletedEventAttributes.result ?? null,
    });
  else if (e.workflowExecutionFailedEventAttributes)
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, 'childWorkflowExecutionFailedEventAttributes', {
      failure: e.workflowExecutionFailedEventAttributes.failure ?? null,
      retryState: e.workflowExecutionFailedEventAttributes.retryState ?? 0,
    });
  else if (e.workflowExecutionCanceledEventAttributes)
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, 'childWorkflowExecutionCanceledEventAttributes', {
      details: e.workflowExecutionCanceledEventAttributes.details ?? null,
    });
  else if (e.workflowExecutionTerminatedEventAttributes)
    append(
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
      'childWorkflowExecutionTerminatedEventAttributes',
      {},
    );
  else if (e.workflowExecutionTimedOutEventAttributes)
    append(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, 'childWorkflowExecutionTimedOutEventAttributes', {
      retryState: e.workflowExecutionTimedOutEventAttributes.retryState ?? 0,
    });
  else return;
  delete parent.state.children[String(child.initiatedEventId)];
  scheduleWorkflowTask(ctx, parent, tx.nowMs);
}

export function applyParentClosePolicy(
  ctx: EngineContext,
  tx: Transaction,
  parent: Workflow,
  hooks: EngineHooks,
): void {
  for (const child of Object.values(parent.state.children)) {
    const policy = child.parentClosePolicy || ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE;
    if (policy === ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON || !child.runId) continue;
    const key = { namespaceId: child.namespaceId, workflowId: child.workflowId, runId: child.runId };
    tx.after((next) => {
      const run = next.get(key);
      if (!run || !isRunning(run.state)) return;
      if (policy === ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE) {
        terminateWorkflow(ctx, next, run, { reason: 'by parent close policy', details: null, identity: '' }, hooks);
      } else {
        requestCancelWorkflow(ctx, next, run, { cause: 'by parent close policy', identity: '' });
      }
    });
  }
}

/** Delivers a SignalExternal / RequestCancelExternal command and records the outcome in the source. */
export function deliverExternalRequest(
  ctx: EngineContext,
  tx: Transaction,
  sourceKey: RunKey,
  initiatedEventId: number,
): void {
  const source = tx.get(sourceKey);
  if (!source || !isRunning(source.state)) return;
  const request = source.state.externalRequests[String(initiatedEventId)];
  if (!request) return;
  const namespace = ctx.namespaces.findByName(request.namespace);
  const initiated = source.events[initiatedEventId - 1];
  const target = namespace ? findTarget(tx, namespace.id, request.workflowId, request.runId) : undefined;
  const execution = { workflowId: request.workflowId, runId: request.runId };
  const self = { workflowId: source.state.workflowId, runId: source.state.runId };
  delete source.state.externalRequests[String(initiatedEventId)];
  if (request.kind === 'signal') {
    const a = initiated?.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (target && a) {
      // The Temporal server signs a signal from another workflow with its history service's identity.
      signalWorkflow(ctx, tx, target, {
        name: a.signalName ?? '',
        input: a.input,
        header: a.header,
        identity: 'history-service',
        externalWorkflowExecution: self,
      });
      source.appendExternal(
        EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
        'externalWorkflowExecutionSignaledEventAttributes',
        {
          initiatedEventId,
          namespace: request.namespace,
          namespaceId: namespace?.id ?? '',
          workflowExecution: execution,
          control: a.control ?? '',
        },
        tx.nowMs,
      );
    } else {
      source.appendExternal(
        EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
        'signalExternalWorkflowExecutionFailedEventAttributes',
        {
          cause:
            temporal.api.enums.v1.SignalExternalWorkflowExecutionFailedCause
              .SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          workflowTaskCompletedEventId: Number(a?.workflowTaskCompletedEventId ?? 0),
          namespace: request.namespace,
          namespaceId: namespace?.id ?? '',
          workflowExecution: execution,
          initiatedEventId,
          control: a?.control ?? '',
        },
        tx.nowMs,
      );
    }
  } else {
    const a = initiated?.requestCancelExternalWorkflowExecutionInitiatedEventAttributes;
    if (target) {
      requestCancelWorkflow(ctx, tx, target, {
        cause: a?.reason ?? '',
        identity: '',
        externalInitiatedEventId: initiatedEventId,
        externalWorkflowExecution: self,
      });
      source.appendExternal(
        EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
        'externalWorkflowExecutionCancelRequestedEventAttributes',
        {
          initiatedEventId,
          namespace: request.namespace,
          namespaceId: namespace?.id ?? '',
          workflowExecution: execution,
        },
        tx.nowMs,
      );
    } else {
      source.appendExternal(
        EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
        'requestCancelExternalWorkflowExecutionFailedEventAttributes',
        {
          cause:
            temporal.api.enums.v1.CancelExternalWorkflowExecutionFailedCause
              .CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          workflowTaskCompletedEventId: Number(a?.workflowTaskCompletedEventId ?? 0),
          namespace: request.namespace,
          namespaceId: namespace?.id ?? '',
          workflowExecution: execution,
          initiatedEventId,
          control: a?.control ?? '',
        },
        tx.nowMs,
      );
    }
  }
  scheduleWorkflowTask(ctx, source, tx.nowMs);
}

function findTarget(tx: Transaction, namespaceId: string, workflowId: string, runId: string): Workflow | undefined {
  const target = runId ? tx.get({ namespaceId, workflowId, runId }) : tx.getCurrent(namespaceId, workflowId);
  return target && isRunning(target.state) ? target : undefined;
}
