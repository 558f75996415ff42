// Operations on runs inside a transaction, shared by the client API and by runs acting on each other
// (children, external signals and cancels): start with id-reuse/conflict policies, signal, request
// cancel, terminate.
import { type Payloads, type Header, EventType, temporal } from '../common/proto';
import { workflowAlreadyStarted, invalidArgument, ServiceError, ErrorCode } from '../common/errors';
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import { createRun, type RunSpec } from './workflow-start';
import { scheduleWorkflowTask, failWorkflowTask } from './workflow-tasks';
import { closeWorkflow } from './workflow-close';
import { addCompletionCallbacks, checkCallbackLimits } from './callbacks';

const ReusePolicy = temporal.api.enums.v1.WorkflowIdReusePolicy;
const ConflictPolicy = temporal.api.enums.v1.WorkflowIdConflictPolicy;
const Status = temporal.api.enums.v1.WorkflowExecutionStatus;

export interface StartPolicies {
  readonly reusePolicy: number;
  readonly conflictPolicy: number;
}

export interface StartResult {
  readonly workflow: Workflow;
  readonly started: boolean;
  /** Set when the request was attached to the running run (USE_EXISTING with attachRequestId). */
  readonly attachedRequestId?: string;
}

/** Starts a run under the id policies, or returns the run a repeated request id already started. */
export async function startWorkflow(
  ctx: EngineContext,
  tx: Transaction,
  spec: RunSpec,
  policies: StartPolicies,
): Promise<StartResult> {
  const current = await tx.getCurrent(spec.namespace.id, spec.workflowId);
  if (current) {
    if (spec.requestId && current.state.startRequestIds.includes(spec.requestId)) {
      // A retried start answers as the original did (the real server's respondToRetriedRequest).
      return { workflow: current, started: true };
    }
    if (spec.requestId && current.state.attachedRequestIds?.[spec.requestId] !== undefined) {
      return { workflow: current, started: false, attachedRequestId: spec.requestId };
    }
    if (isRunning(current.state)) {
      const conflict = policies.conflictPolicy || ConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL;
      if (conflict === ConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) {
        return attachToRun(ctx, tx, current, spec);
      }
      const terminateRunning =
        conflict === ConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING ||
        policies.reusePolicy === ReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING;
      if (!terminateRunning) {
        throw workflowAlreadyStarted(
          `Workflow execution is already running. WorkflowId: ${spec.workflowId}, RunId: ${current.state.runId}.`,
          current.state.startRequestIds[0] ?? '',
          current.state.runId,
        );
      }
      terminateWorkflow(ctx, tx, current, {
        reason: 'TerminateIfRunning WorkflowIdReusePolicy',
        details: null,
        identity: spec.identity,
      });
    } else {
      checkReusePolicy(current, spec, policies.reusePolicy);
    }
  }
  const workflow = createRun(ctx, tx, spec, tx.nowMs);
  tx.add(workflow);
  return { workflow, started: true };
}

/**
 * USE_EXISTING: the running run answers the start. With OnConflictOptions the request is attached to it,
 * as on the Temporal server: a WorkflowExecutionOptionsUpdated event (which the worker may ignore) with
 * the request id, the completion callbacks and the links it asks to attach; the callbacks then fire when
 * the run closes, so every Nexus caller that started it completes. No workflow task is scheduled.
 */
function attachToRun(ctx: EngineContext, tx: Transaction, workflow: Workflow, spec: RunSpec): StartResult {
  const options = spec.onConflictOptions;
  if (!options || (!options.attachRequestId && !options.attachCompletionCallbacks && !options.attachLinks)) {
    return { workflow, started: false };
  }
  const requestId = options.attachRequestId ? spec.requestId : '';
  const callbacks = options.attachCompletionCallbacks ? spec.completionCallbacks : [];
  checkCallbackLimits(ctx.config, workflow, callbacks.length);
  const eventId = workflow.appendExternal(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED,
    'workflowExecutionOptionsUpdatedEventAttributes',
    { attachedRequestId: requestId, attachedCompletionCallbacks: [...callbacks] },
    tx.nowMs,
    options.attachLinks ? (spec.requestLinks ?? spec.links) : undefined,
    true,
  );
  addCompletionCallbacks(workflow, callbacks, tx.nowMs);
  if (!requestId) return { workflow, started: false };
  workflow.state.attachedRequestIds = { ...workflow.state.attachedRequestIds, [requestId]: eventId };
  return { workflow, started: false, attachedRequestId: requestId };
}

function checkReusePolicy(current: Workflow, spec: RunSpec, reusePolicy: number): void {
  const status = current.state.status;
  const failedLike =
    status === Status.WORKFLOW_EXECUTION_STATUS_FAILED ||
    status === Status.WORKFLOW_EXECUTION_STATUS_CANCELED ||
    status === Status.WORKFLOW_EXECUTION_STATUS_TERMINATED ||
    status === Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
  const rejected =
    reusePolicy === ReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ||
    (reusePolicy === ReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY && !failedLike);
  if (rejected) {
    throw workflowAlreadyStarted(
      `Workflow execution already finished and WorkflowId reuse policy does not allow it to be started again. WorkflowId: ${spec.workflowId}, RunId: ${current.state.runId}.`,
      current.state.startRequestIds[0] ?? '',
      current.state.runId,
    );
  }
}

export function signalWorkflow(
  ctx: EngineContext,
  tx: Transaction,
  workflow: Workflow,
  signal: {
    name: string;
    input: Payloads | null | undefined;
    header: Header | null | undefined;
    identity: string;
    /** Written on the event (a client's request id). */
    requestId?: string;
    /** A retried delivery with the same id is applied once (defaults to the request id). */
    dedupeId?: string;
    externalWorkflowExecution?: temporal.api.common.v1.IWorkflowExecution | null;
    /** Links the request carries (a Nexus caller's, for a signal-backed operation), kept on the event. */
    links?: readonly temporal.api.common.v1.ILink[] | null;
  },
): void {
  assertRunning(workflow);
  const s = workflow.state;
  const dedupeId = signal.dedupeId ?? signal.requestId ?? '';
  if (dedupeId && s.signalRequestIds[dedupeId]) return;
  if (s.signalCount >= ctx.config.signalsPerExecutionMax) {
    throw invalidArgument('exceeded workflow execution limit for signal events');
  }
  s.signalCount += 1;
  if (dedupeId) workflow.putItem('signalRequestIds', dedupeId, true);
  workflow.appendExternal(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
    'workflowExecutionSignaledEventAttributes',
    {
      signalName: signal.name,
      input: signal.input ?? null,
      identity: signal.identity,
      header: signal.header ?? null,
      ...(signal.externalWorkflowExecution ? { externalWorkflowExecution: signal.externalWorkflowExecution } : {}),
      ...(signal.requestId ? { requestId: signal.requestId } : {}),
    },
    tx.nowMs,
    signal.links ?? undefined,
  );
  scheduleWorkflowTask(ctx, workflow, tx.nowMs);
}

export function requestCancelWorkflow(
  ctx: EngineContext,
  tx: Transaction,
  workflow: Workflow,
  request: {
    cause: string;
    identity: string;
    externalInitiatedEventId?: number;
    externalWorkflowExecution?: temporal.api.common.v1.IWorkflowExecution | null;
  },
): void {
  assertRunning(workflow);
  if (workflow.state.cancelRequested) return;
  workflow.state.cancelRequested = true;
  workflow.appendExternal(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
    'workflowExecutionCancelRequestedEventAttributes',
    {
      cause: request.cause,
      identity: request.identity,
      ...(request.externalInitiatedEventId ? { externalInitiatedEventId: request.externalInitiatedEventId } : {}),
      ...(request.externalWorkflowExecution ? { externalWorkflowExecution: request.externalWorkflowExecution } : {}),
    },
    tx.nowMs,
  );
  scheduleWorkflowTask(ctx, workflow, tx.nowMs);
}

/** The identity the Temporal server's own terminations carry (a delete, a command past a limit). */
export const HISTORY_SERVICE_IDENTITY = 'history-service';

export function terminateWorkflow(
  ctx: EngineContext,
  tx: Transaction,
  workflow: Workflow,
  request: { reason: string; details: Payloads | null | undefined; identity: string },
): void {
  assertRunning(workflow);
  const task = workflow.state.workflowTask;
  if (task && task.startedEventId > 0) {
    failWorkflowTask(ctx, workflow, {
      nowMs: tx.nowMs,
      cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
      scheduleRetry: false,
    });
  } else {
    workflow.flushBuffer();
  }
  closeWorkflow(ctx, tx, workflow, { kind: 'terminated', ...request });
}

export function assertRunning(workflow: Workflow): void {
  if (!isRunning(workflow.state)) {
    throw new ServiceError(ErrorCode.NotFound, 'workflow execution already completed', {
      typeName: 'temporal.api.errordetails.v1.NotFoundFailure',
      value: {},
    });
  }
}

/** Asks for a closed run to be deleted now instead of at the end of its retention (deadlines.ts). */
export function requestDeletion(run: Workflow, nowMs: number): void {
  run.state.deleteAtMs = nowMs;
  run.touchCore();
}
