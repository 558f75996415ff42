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
import type { RunKey } from './tasks';
import { OwnerOp } from './cluster-link';

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

/** Applies the request to its target (in the process holding its shard); false when there is no running target. */
function deliver(
  engine: HistoryEngine,
  queued: QueuedTask,
  request: ExternalRequestState,
  initiated: Initiated | undefined,
): Promise<boolean> {
  const namespace = engine.ctx.namespaces.findByName(request.namespace);
  if (!namespace || !request.workflowId) return Promise.resolve(false);
  return engine.atRunOwner({ namespaceId: namespace.id, workflowId: request.workflowId }, OwnerOp.DeliverExternal, {
    source: queued.key,
    request,
    initiated,
  });
}

export function deliverExternalHere(
  engine: HistoryEngine,
  args: { readonly source: RunKey; readonly request: ExternalRequestState; readonly initiated?: Initiated | null },
): Promise<boolean> {
  const { source, request } = args;
  const initiated = args.initiated ?? undefined;
  const namespace = engine.ctx.namespaces.findByName(request.namespace);
  if (!namespace || !request.workflowId) return Promise.resolve(false);
  const self = { workflowId: source.workflowId, runId: source.runId };
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
        dedupeId: `${source.runId}:${request.initiatedEventId}`,
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

/** The events of each outcome, for signals and for cancel requests. */
const OUTCOME_EVENTS = {
  signal: {
    delivered: {
      type: EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
      field: 'externalWorkflowExecutionSignaledEventAttributes',
    },
    failed: {
      type: EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
      field: 'signalExternalWorkflowExecutionFailedEventAttributes',
    },
    notFound:
      temporal.api.enums.v1.SignalExternalWorkflowExecutionFailedCause
        .SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
  },
  cancel: {
    delivered: {
      type: EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
      field: 'externalWorkflowExecutionCancelRequestedEventAttributes',
    },
    failed: {
      type: EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
      field: 'requestCancelExternalWorkflowExecutionFailedEventAttributes',
    },
    notFound:
      temporal.api.enums.v1.CancelExternalWorkflowExecutionFailedCause
        .CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
  },
} as const;

function recordOutcome(
  engine: HistoryEngine,
  source: Workflow,
  request: ExternalRequestState,
  initiated: Initiated | undefined,
  isDelivered: boolean,
  nowMs: number,
): void {
  source.removeItem('externalRequests', String(request.initiatedEventId));
  const a =
    request.kind === 'signal'
      ? initiated?.signalExternalWorkflowExecutionInitiatedEventAttributes
      : initiated?.requestCancelExternalWorkflowExecutionInitiatedEventAttributes;
  const common = {
    initiatedEventId: request.initiatedEventId,
    namespace: request.namespace,
    namespaceId: engine.ctx.namespaces.findByName(request.namespace)?.id ?? '',
    workflowExecution: { workflowId: request.workflowId, runId: request.runId },
  };
  const events = OUTCOME_EVENTS[request.kind];
  if (isDelivered) {
    // The Temporal server's ExternalWorkflowExecutionSignaled carries the control; the cancel one does not.
    const control = request.kind === 'signal' ? { control: a?.control ?? '' } : {};
    source.appendExternal(events.delivered.type, events.delivered.field, { ...common, ...control }, nowMs);
  } else {
    source.appendExternal(
      events.failed.type,
      events.failed.field,
      {
        ...common,
        cause: events.notFound,
        workflowTaskCompletedEventId: Number(a?.workflowTaskCompletedEventId ?? 0),
        control: a?.control ?? '',
      },
      nowMs,
    );
  }
  scheduleWorkflowTask(engine.ctx, source, nowMs);
}
