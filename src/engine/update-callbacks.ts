// Completion callbacks of updates (update-backed Nexus operations), as the Temporal server keeps them:
// the callbacks of the request an update was admitted with are registered when it is accepted (the
// WorkflowExecutionUpdateAccepted event carries that request); a later request for the same update
// with another request id attaches its callbacks with a WorkflowExecutionOptionsUpdated event (at once
// when the update is accepted, at its acceptance while it is in flight, not at all once it completed,
// as that caller gets the outcome in its response). They fire when the update completes, or with a
// failure when the run closes first (callbacks.ts).
import { EventType, temporal } from '../common/proto';
import { invalidArgument } from '../common/errors';
import type { Workflow } from './workflow';
import { addCompletionCallbacks, checkCallbackLimits, pendingUpdateCallbacks } from './callbacks';
import type { EngineConfig } from './engine-context';
import { UpdateStage, type UpdateEntry } from './update-registry';

type UpdateRequest = temporal.api.update.v1.IRequest;

/** The Temporal server's check: callbacks need a request id (the caller's link names it). */
export function checkUpdateCallbacks(request: UpdateRequest | null | undefined): void {
  if ((request?.completionCallbacks ?? []).length > 0 && !request?.requestId) {
    throw invalidArgument('invalid *update.Request: request_id is required when completion_callbacks are set');
  }
}

/** The links an accepted update's event carries: those of its Nexus callbacks. */
export function acceptedEventLinks(request: UpdateRequest | null | undefined): temporal.api.common.v1.ILink[] {
  return (request?.completionCallbacks ?? []).flatMap((callback) => (callback.nexus ? (callback.links ?? []) : []));
}

function isKnownRequest(workflow: Workflow, updateId: string, requestId: string): boolean {
  return Object.values(workflow.state.callbacks).some((c) => c.updateId === updateId && c.requestId === requestId);
}

/** The update was accepted: its request's callbacks, then those of requests that came while it was in flight. */
export function registerAcceptedUpdateCallbacks(
  workflow: Workflow,
  updateId: string,
  request: UpdateRequest | null | undefined,
  entry: UpdateEntry | undefined,
  nowMs: number,
): void {
  const callbacks = request?.completionCallbacks ?? [];
  if (callbacks.length > 0 && request?.requestId) {
    addCompletionCallbacks(workflow, callbacks, nowMs, { updateId, requestId: request.requestId });
  }
  for (const attachment of entry?.attachments.splice(0) ?? []) attachToAccepted(workflow, updateId, attachment, nowMs);
}

function attachToAccepted(
  workflow: Workflow,
  updateId: string,
  attachment: { readonly requestId: string; readonly callbacks: readonly temporal.api.common.v1.ICallback[] },
  nowMs: number,
): void {
  if (isKnownRequest(workflow, updateId, attachment.requestId)) return;
  const eventId = workflow.appendExternal(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED,
    'workflowExecutionOptionsUpdatedEventAttributes',
    {
      workflowUpdateOptions: [
        { updateId, attachedRequestId: attachment.requestId, attachedCompletionCallbacks: [...attachment.callbacks] },
      ],
    },
    nowMs,
    undefined,
    true,
  );
  addCompletionCallbacks(workflow, attachment.callbacks, nowMs, { updateId, requestId: attachment.requestId });
  workflow.state.attachedRequestIds = { ...workflow.state.attachedRequestIds, [attachment.requestId]: eventId };
}

/**
 * A request for an update the run already knows: its callbacks are attached (a retry of the request
 * that admitted it, or of one already attached, attaches nothing).
 */
export function attachUpdateCallbacks(
  config: EngineConfig,
  workflow: Workflow,
  updateId: string,
  stage: number,
  request: UpdateRequest | null | undefined,
  nowMs: number,
): void {
  const callbacks = request?.completionCallbacks ?? [];
  const requestId = request?.requestId ?? '';
  if (callbacks.length === 0 || !requestId) return;
  const entry = workflow.updates.get(updateId);
  if (entry && entry.stage < UpdateStage.Accepted) {
    if (entry.request.requestId === requestId || entry.attachments.some((a) => a.requestId === requestId)) return;
    checkCallbackLimits(config, workflow, callbacks.length, {
      updateId,
      pendingOnUpdate: pendingUpdateCallbacks(entry),
    });
    entry.attachments.push({ requestId, callbacks });
    return;
  }
  if (stage !== UpdateStage.Accepted || isKnownRequest(workflow, updateId, requestId)) return;
  checkCallbackLimits(config, workflow, callbacks.length, { updateId, pendingOnUpdate: 0 });
  attachToAccepted(workflow, updateId, { requestId, callbacks }, nowMs);
}

/** The link UpdateWorkflowExecution answers with once the update is past admission, as the Temporal server's. */
export function updateResponseLink(
  namespace: string,
  execution: { readonly workflowId: string; readonly runId: string },
  requestId: string,
  response: { readonly stage?: number | null; readonly outcome?: temporal.api.update.v1.IOutcome | null },
): temporal.api.common.v1.ILink | undefined {
  if (!response.stage || response.stage < UpdateStage.Accepted) return undefined;
  const { workflowId, runId } = execution;
  if (response.stage === UpdateStage.Completed && response.outcome?.failure) {
    return { workflow: { namespace, workflowId, runId, reason: 'Update rejected' } };
  }
  return {
    workflowEvent: {
      namespace,
      workflowId,
      runId,
      requestIdRef: { requestId, eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED },
    },
  };
}
