// UpdateWorkflowExecution and PollWorkflowExecutionUpdate: admit an update, get it onto a workflow task,
// and wait (up to the long-poll limit) for the stage the caller asked for.
import { temporal } from '../common/proto';
import { ErrorCode, ServiceError, invalidArgument, notFound } from '../common/errors';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import type { Transaction } from './transaction';
import { isRunning } from './mutable-state';
import { UpdateStage } from './update-registry';
import { findRun } from './client-api';
import { scheduleWorkflowTask } from './workflow-tasks';
import type { RunKey } from './tasks';
import { withDeadline } from '../common/deadline';
import { attachUpdateCallbacks, checkUpdateCallbacks, updateResponseLink } from './update-callbacks';
import { checkCallbackLimits } from './callbacks';

type UpdateResponse = temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse;

interface UpdateStatus {
  stage: number;
  outcome: temporal.api.update.v1.IOutcome | null;
}

async function statusOf(tx: Transaction, workflow: Workflow, updateId: string): Promise<UpdateStatus | undefined> {
  const entry = workflow.updates.get(updateId);
  if (entry) return { stage: entry.stage, outcome: entry.outcome };
  const record = workflow.state.updates[updateId];
  if (!record) return undefined;
  if (record.completedEventId > 0) {
    const completed = await tx.event(workflow, record.completedEventId);
    return {
      stage: UpdateStage.Completed,
      outcome: completed?.workflowExecutionUpdateCompletedEventAttributes?.outcome ?? null,
    };
  }
  return { stage: UpdateStage.Accepted, outcome: null };
}

export async function updateWorkflowExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest,
  signal: AbortSignal,
): Promise<UpdateResponse> {
  const updateId = validateUpdate(request);
  const workflowId = request.workflowExecution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const key = await engine.run({ namespaceId: namespace.id, workflowId }, async (tx) => {
    const workflow = await findRun(tx, namespace, request.workflowExecution, request.firstExecutionRunId);
    await admitUpdate(engine, tx, workflow, request);
    return workflow.key;
  });
  const response = await waitForStage(
    engine,
    key,
    updateId,
    request.waitPolicy?.lifecycleStage || UpdateStage.Accepted,
    signal,
  );
  const link = updateResponseLink(namespace.name, key, request.request?.requestId ?? '', response);
  return link ? { ...response, link } : response;
}

/** Checks the update request; returns its update id. */
export function validateUpdate(request: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest): string {
  const updateId = request.request?.meta?.updateId ?? '';
  if (!updateId) throw invalidArgument('Update ID is not set on request.');
  if (!request.request?.input?.name) throw invalidArgument('Update name is not set on request.');
  checkUpdateCallbacks(request.request);
  return updateId;
}

/** The Temporal server's history.maxInFlightUpdates: updates admitted but not completed, per run. */
export const MAX_IN_FLIGHT_UPDATES = 10;

/** Updates of the run that are admitted, sent or accepted, but not completed. */
function inFlightUpdates(workflow: Workflow): number {
  const ids = new Set(workflow.updates.keys());
  for (const [id, record] of Object.entries(workflow.state.updates)) if (record.completedEventId === 0) ids.add(id);
  for (const [id, entry] of workflow.updates) if (entry.stage === UpdateStage.Completed) ids.delete(id);
  return ids.size;
}

/** Admits the update to the run unless it already knows it (a retried request). */
export async function admitUpdate(
  engine: HistoryEngine,
  tx: Transaction,
  workflow: Workflow,
  request: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest,
): Promise<void> {
  const updateId = request.request?.meta?.updateId ?? '';
  if (!isRunning(workflow.state)) throw notFound('workflow execution already completed');
  const known = await statusOf(tx, workflow, updateId);
  if (known)
    return attachUpdateCallbacks(engine.ctx.config, workflow, updateId, known.stage, request.request, tx.nowMs);
  if (inFlightUpdates(workflow) >= MAX_IN_FLIGHT_UPDATES) {
    throw new ServiceError(
      ErrorCode.ResourceExhausted,
      `limit on number of concurrent in-flight updates has been reached (${MAX_IN_FLIGHT_UPDATES})`,
      {
        typeName: 'temporal.api.errordetails.v1.ResourceExhaustedFailure',
        value: {
          cause: temporal.api.enums.v1.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT,
          scope: temporal.api.enums.v1.ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE,
        },
      },
    );
  }
  checkCallbackLimits(engine.ctx.config, workflow, (request.request?.completionCallbacks ?? []).length, {
    updateId,
    pendingOnUpdate: 0,
  });
  workflow.updates.set(updateId, {
    updateId,
    request: request.request ?? {},
    stage: UpdateStage.Admitted,
    isDelivered: false,
    outcome: null,
    waiters: new Set(),
    attachments: [],
  });
  // With nothing else pending, the task is speculative: dropped from history if the update is rejected.
  scheduleWorkflowTask(engine.ctx, workflow, tx.nowMs, 1, !workflow.hasBufferedEvents);
}

export async function pollWorkflowExecutionUpdate(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IPollWorkflowExecutionUpdateRequest,
  signal: AbortSignal,
): Promise<UpdateResponse> {
  const updateId = request.updateRef?.updateId ?? '';
  if (!updateId) throw invalidArgument('Update ID is not set on request.');
  const workflowId = request.updateRef?.workflowExecution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const key = await engine.run(
    { namespaceId: namespace.id, workflowId },
    async (tx) => (await findRun(tx, namespace, request.updateRef?.workflowExecution)).key,
  );
  return waitForStage(engine, key, updateId, request.waitPolicy?.lifecycleStage || UpdateStage.Completed, signal);
}

export async function waitForStage(
  engine: HistoryEngine,
  key: RunKey,
  updateId: string,
  stage: number,
  signal: AbortSignal,
): Promise<UpdateResponse> {
  const signals = [signal, engine.stopSignal];
  return withDeadline(engine.ctx.clock, signals, engine.ctx.config.updateLongPollMs, (deadline) =>
    waitUntil(engine, key, updateId, stage, deadline),
  );
}

async function waitUntil(
  engine: HistoryEngine,
  key: RunKey,
  updateId: string,
  stage: number,
  deadline: AbortSignal,
): Promise<UpdateResponse> {
  for (;;) {
    const found = await engine.run(key, async (tx) => {
      const workflow = await tx.get(key);
      return { workflow, status: workflow ? await statusOf(tx, workflow, updateId) : undefined };
    });
    const { workflow, status } = found;
    if (!workflow || !status) {
      throw notFound(
        workflow && !isRunning(workflow.state)
          ? 'workflow execution already completed'
          : `update ${updateId} not found`,
      );
    }
    if (status.stage >= stage || deadline.aborted) {
      return {
        updateRef: { workflowExecution: { workflowId: key.workflowId, runId: key.runId }, updateId },
        stage: status.stage,
        ...(status.outcome ? { outcome: status.outcome } : {}),
      };
    }
    await engine.waitForHistory(key, deadline);
  }
}
