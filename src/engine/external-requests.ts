// SignalExternalWorkflowExecution and RequestCancelExternalWorkflowExecution commands, delivered by an
// outbox task of the source run: read the request, apply it to the target (a transaction on the
// target's shard), then record the outcome in the source (a transaction on its shard). A retried
// delivery signals once (the target dedups on the initiated event) and cancels once (a cancel request
// is recorded once per run).
import { EventType, temporal } from '../common/proto';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import { isRunning, type ExternalRequestState } from './mutable-state';
import { scheduleWorkflowTask } from './workflow-tasks';
import { requestCancelWorkflow, signalWorkflow } from './workflow-operations';
import { RELEASED, type QueuedTask, type TaskOutcome } from './outbox';

type Initiated = temporal.api.history.v1.IHistoryEvent;

export async function executeExternalRequest(
  engine: HistoryEngine,
  queued: QueuedTask,
  initiatedEventId: number,
): Promise<TaskOutcome> {
  const read = await engine.run(queued.key, async (tx) => {
    const source = await tx.get(queued.key);
    const request = source?.state.externalRequests[String(initiatedEventId)];
    if (!source || !isRunning(source.state) || !request) {
      source?.completeTask(queued.taskId);
      return undefined;
    }
    return { request: { ...request }, initiated: await tx.event(source, initiatedEventId) };
  });
  if (!read) return RELEASED;
  const isDelivered = await deliver(engine, queued, read.request, read.initiated);
  await engine.run(queued.key, async (tx) => {
    const source = await tx.get(queued.key);
    if (!source) return;
    source.completeTask(queued.taskId);
    const request = source.state.externalRequests[String(initiatedEventId)];
    if (!isRunning(source.state) || !request) return;
    recordOutcome(engine, source, request, read.initiated, isDelivered, tx.nowMs);
  });
  return RELEASED;
}

/** Applies the request to its target; false when there is no running target. */
async function deliver(
  engine: HistoryEngine,
  queued: QueuedTask,
  request: ExternalRequestState,
  initiated: Initiated | undefined,
): Promise<boolean> {
  const namespace = engine.ctx.namespaces.findByName(request.namespace);
  if (!namespace || !request.workflowId) return false;
  const self = { workflowId: queued.key.workflowId, runId: queued.key.runId };
  return engine.run({ namespaceId: namespace.id, workflowId: request.workflowId }, async (tx) => {
    const target = request.runId
      ? await tx.get({ namespaceId: namespace.id, workflowId: request.workflowId, runId: request.runId })
      : await tx.getCurrent(namespace.id, request.workflowId);
    if (!target || !isRunning(target.state)) return false;
    if (request.kind === 'signal') {
      const a = initiated?.signalExternalWorkflowExecutionInitiatedEventAttributes;
      // The Temporal server signs a signal from another workflow with its history service's identity.
      signalWorkflow(engine.ctx, tx, target, {
        name: a?.signalName ?? '',
        input: a?.input,
        header: a?.header,
        identity: 'history-service',
        dedupeId: `${queued.key.runId}:${request.initiatedEventId}`,
        externalWorkflowExecution: self,
      });
    } else {
      requestCancelWorkflow(engine.ctx, tx, target, {
        cause: initiated?.requestCancelExternalWorkflowExecutionInitiatedEventAttributes?.reason ?? '',
        identity: '',
        externalInitiatedEventId: request.initiatedEventId,
        externalWorkflowExecution: self,
      });
    }
    return true;
  });
}

function recordOutcome(
  engine: HistoryEngine,
  source: Workflow,
  request: ExternalRequestState,
  initiated: Initiated | undefined,
  isDelivered: boolean,
  nowMs: number,
): void {
  const namespaceId = engine.ctx.namespaces.findByName(request.namespace)?.id ?? '';
  const execution = { workflowId: request.workflowId, runId: request.runId };
  const initiatedEventId = request.initiatedEventId;
  source.removeItem('externalRequests', String(initiatedEventId));
  if (request.kind === 'signal') {
    const a = initiated?.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (isDelivered) {
      source.appendExternal(
        EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
        'externalWorkflowExecutionSignaledEventAttributes',
        {
          initiatedEventId,
          namespace: request.namespace,
          namespaceId,
          workflowExecution: execution,
          control: a?.control ?? '',
        },
        nowMs,
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
          namespaceId,
          workflowExecution: execution,
          initiatedEventId,
          control: a?.control ?? '',
        },
        nowMs,
      );
    }
  } else {
    const a = initiated?.requestCancelExternalWorkflowExecutionInitiatedEventAttributes;
    if (isDelivered) {
      source.appendExternal(
        EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
        'externalWorkflowExecutionCancelRequestedEventAttributes',
        { initiatedEventId, namespace: request.namespace, namespaceId, workflowExecution: execution },
        nowMs,
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
          namespaceId,
          workflowExecution: execution,
          initiatedEventId,
          control: a?.control ?? '',
        },
        nowMs,
      );
    }
  }
  scheduleWorkflowTask(engine.ctx, source, nowMs);
}
