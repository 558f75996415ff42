// Standalone Nexus operations: operations a client starts (StartNexusOperationExecution and its family),
// not a workflow. Each is a run of its own, in a division of its own: its workflow id is the operation id
// behind a prefix no workflow id has in practice (so operation ids and workflow ids do not collide), its
// visibility row names the operation (workflow_type), the endpoint (task_queue), the service (a reserved
// search attribute) and the division (TemporalNamespaceDivision), and it holds one Nexus operation item,
// scheduled by the same code as a workflow's ScheduleNexusOperation command. So invocation, retries,
// timeouts, the completion callback, cancellation and fencing are the workflow operation's; the run has
// no workflow tasks, and when the operation ends the run closes with it (standalone-close.ts).
import { google, temporal } from '../common/proto';
import { ServiceError, ErrorCode, invalidArgument, notFound } from '../common/errors';
import { msFromDuration } from '../common/time';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import { requestDeletion } from './workflow-operations';
import type { Transaction } from './transaction';
import type { RunKey } from './tasks';
import {
  isRunning,
  NexusOperationStatus,
  type NexusOperationState,
  type StandaloneOperationState,
} from './mutable-state';
import { startWorkflow } from './workflow-operations';
import {
  ID_LENGTH_MAX,
  INPUT_SIZE_MAX_BYTES,
  REASON_LENGTH_MAX,
  checkLength,
  keywordPayload,
  terminateStandaloneRun,
  validRunId,
} from './standalone-common';
import type { RunSpec } from './workflow-start';
import {
  NEXUS_HEADER_SIZE_MAX_BYTES,
  NEXUS_NAME_LENGTH_MAX,
  requestCancelNexusOperation,
  scheduleNexusOperation,
} from './nexus-operations';

/** The workflow id of an operation's run is this prefix and the operation id. */
export const STANDALONE_ID_PREFIX = '\u0001nexus-operation:';
/** The TemporalNamespaceDivision of standalone operations' runs (Temporal's CHASM archetype). */
export const STANDALONE_DIVISION = 'nexusoperation';
/** The reserved search attribute that holds an operation's service. */
export const SERVICE_ATTRIBUTE = 'TemporalNexusOperationService';
/** The operation's item in its run: the event after WorkflowExecutionStarted. */
export const STANDALONE_SCHEDULED_EVENT_ID = 2;

const DISALLOWED_HEADERS = new Set(['request-timeout', 'temporal-callback-token']);
const ReusePolicy = temporal.api.enums.v1.NexusOperationIdReusePolicy;
const ConflictPolicy = temporal.api.enums.v1.NexusOperationIdConflictPolicy;

export function standaloneWorkflowId(operationId: string): string {
  return `${STANDALONE_ID_PREFIX}${operationId}`;
}

export function operationIdOf(workflowId: string): string {
  return workflowId.startsWith(STANDALONE_ID_PREFIX) ? workflowId.slice(STANDALONE_ID_PREFIX.length) : workflowId;
}

export function alreadyStarted(startRequestId: string, runId: string): ServiceError {
  return new ServiceError(
    ErrorCode.AlreadyExists,
    `nexus operation execution already started: request_id=${startRequestId}, run_id=${runId}`,
    {
      typeName: 'temporal.api.errordetails.v1.NexusOperationExecutionAlreadyStartedFailure',
      value: { startRequestId, runId },
    },
  );
}

export function operationNotFound(operationId: string): ServiceError {
  return notFound(`operation not found for ID: ${operationId}`);
}

export function validOperationId(operationId: string | null | undefined): string {
  if (!operationId) throw invalidArgument('operation_id is required');
  checkLength('operation_id', operationId, ID_LENGTH_MAX);
  return operationId;
}

function validTimeout(name: string, duration: google.protobuf.IDuration | null | undefined): number {
  const ms = msFromDuration(duration);
  if (ms < 0) throw invalidArgument(`${name} is invalid: negative duration`);
  return ms;
}

type StartRequest = temporal.api.workflowservice.v1.IStartNexusOperationExecutionRequest;

/** Starts a standalone operation (its run, and the first attempt as an outbox task), as the Temporal server validates it. */
export function startNexusOperationExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: StartRequest,
): Promise<temporal.api.workflowservice.v1.IStartNexusOperationExecutionResponse> {
  const ctx = engine.ctx;
  const requestId = request.requestId || ctx.ids.uuid();
  checkLength('request_id', requestId, ID_LENGTH_MAX);
  const operationId = validOperationId(request.operationId);
  checkLength('identity', request.identity ?? '', ID_LENGTH_MAX);
  if (!request.endpoint) throw invalidArgument('endpoint is required');
  if (!request.service) throw invalidArgument('service is required');
  checkLength('service', request.service, NEXUS_NAME_LENGTH_MAX);
  if (!request.operation) throw invalidArgument('operation is required');
  checkLength('operation', request.operation, NEXUS_NAME_LENGTH_MAX);
  validTimeout('schedule_to_close_timeout', request.scheduleToCloseTimeout);
  validTimeout('schedule_to_start_timeout', request.scheduleToStartTimeout);
  validTimeout('start_to_close_timeout', request.startToCloseTimeout);
  const inputBytes = request.input?.data?.length ?? 0;
  if (inputBytes > INPUT_SIZE_MAX_BYTES)
    throw invalidArgument(`input exceeds size limit. Length=${inputBytes} Limit=${INPUT_SIZE_MAX_BYTES}`);
  let headerBytes = 0;
  for (const [key, value] of Object.entries(request.nexusHeader ?? {})) {
    if (DISALLOWED_HEADERS.has(key.toLowerCase()))
      throw invalidArgument(`nexus_header contains a disallowed key: "${key}"`);
    headerBytes += key.length + value.length;
  }
  if (headerBytes > NEXUS_HEADER_SIZE_MAX_BYTES) throw invalidArgument('nexus_header exceeds size limit');
  for (const name of Object.keys(request.searchAttributes?.indexedFields ?? {})) {
    if (!Object.hasOwn(namespace.searchAttributes, name))
      throw invalidArgument(`search attribute ${name} is not defined`);
  }
  const endpoint = ctx.nexusEndpoints.findByName(request.endpoint);
  if (!endpoint) {
    throw notFound(`could not find Nexus endpoint by name: ${request.endpoint}`);
  }
  const workflowId = standaloneWorkflowId(operationId);
  return engine.run({ namespaceId: namespace.id, workflowId }, async (tx) => {
    const runId = ctx.ids.uuid();
    const spec: RunSpec = {
      namespace,
      workflowId,
      runId,
      firstExecutionRunId: runId,
      workflowType: request.operation ?? '',
      taskQueue: request.endpoint ?? '',
      searchAttributes: {
        indexedFields: {
          ...request.searchAttributes?.indexedFields,
          TemporalNamespaceDivision: keywordPayload(STANDALONE_DIVISION),
          [SERVICE_ATTRIBUTE]: keywordPayload(request.service ?? ''),
        },
      },
      executionTimeoutMs: 0,
      runTimeoutMs: 0,
      workflowTaskTimeoutMs: ctx.config.defaultWorkflowTaskTimeoutMs,
      executionExpirationMs: 0,
      retryPolicy: null,
      attempt: 1,
      identity: request.identity ?? '',
      requestId,
      startDelayMs: 0,
      parent: null,
      completionCallbacks: [],
      links: [],
      isFirstWorkflowTaskDeferred: true,
    };
    let started;
    try {
      started = await startWorkflow(ctx, tx, spec, policiesOf(request));
    } catch (error) {
      if (error instanceof ServiceError && error.code === ErrorCode.WorkflowAlreadyStarted) {
        const current = await tx.getCurrent(namespace.id, workflowId);
        throw alreadyStarted(current?.state.startRequestIds[0] ?? '', current?.state.runId ?? '');
      }
      throw error;
    }
    const workflow = started.workflow;
    const isNew = workflow.state.runId === runId;
    if (isNew) {
      workflow.state.standalone = {
        operationId,
        identity: request.identity ?? '',
        closed: null,
        outcome: null,
        cancel: null,
        terminateRequestId: '',
      };
      scheduleNexusOperation(
        ctx,
        workflow,
        {
          endpoint: request.endpoint ?? '',
          service: request.service ?? '',
          operation: request.operation ?? '',
          input: request.input ?? null,
          scheduleToCloseTimeout: request.scheduleToCloseTimeout ?? null,
          scheduleToStartTimeout: request.scheduleToStartTimeout ?? null,
          startToCloseTimeout: request.startToCloseTimeout ?? null,
          nexusHeader: request.nexusHeader ?? {},
        },
        0,
        tx.nowMs,
        request.userMetadata,
      );
    }
    return { runId: workflow.state.runId, started: isNew };
  });
}

function policiesOf(request: StartRequest): { reusePolicy: number; conflictPolicy: number } {
  const reuse = request.idReusePolicy || ReusePolicy.NEXUS_OPERATION_ID_REUSE_POLICY_ALLOW_DUPLICATE;
  const conflict = request.idConflictPolicy || ConflictPolicy.NEXUS_OPERATION_ID_CONFLICT_POLICY_FAIL;
  const WorkflowReuse = temporal.api.enums.v1.WorkflowIdReusePolicy;
  const WorkflowConflict = temporal.api.enums.v1.WorkflowIdConflictPolicy;
  return {
    reusePolicy:
      reuse === ReusePolicy.NEXUS_OPERATION_ID_REUSE_POLICY_REJECT_DUPLICATE
        ? WorkflowReuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
        : reuse === ReusePolicy.NEXUS_OPERATION_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
          ? WorkflowReuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
          : WorkflowReuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
    conflictPolicy:
      conflict === ConflictPolicy.NEXUS_OPERATION_ID_CONFLICT_POLICY_USE_EXISTING
        ? WorkflowConflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
        : WorkflowConflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
  };
}

/** The operation's run (the latest for its id when runId is empty), in a transaction; NOT_FOUND when none. */
export async function operationRun(
  tx: Transaction,
  namespaceId: string,
  operationId: string,
  runId: string,
): Promise<Workflow> {
  const workflowId = standaloneWorkflowId(operationId);
  const run = runId ? await tx.get({ namespaceId, workflowId, runId }) : await tx.getCurrent(namespaceId, workflowId);
  if (!run?.state.standalone) throw operationNotFound(operationId);
  return run;
}

export function operationKey(namespaceId: string, operationId: string, runId: string): RunKey {
  return { namespaceId, workflowId: standaloneWorkflowId(operationId), runId };
}

/** The operation item: live while the run runs, as it was at the close after. */
export function operationOf(run: Workflow): NexusOperationState | undefined {
  return run.state.nexusOperations[String(STANDALONE_SCHEDULED_EVENT_ID)] ?? run.state.standalone?.closed ?? undefined;
}

type CancelRequest = temporal.api.workflowservice.v1.IRequestCancelNexusOperationExecutionRequest;
type TerminateRequest = temporal.api.workflowservice.v1.ITerminateNexusOperationExecutionRequest;

/** Validates a cancel or terminate request and runs `fn` on the operation's run, in one transaction. */
function onOperation(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: CancelRequest | TerminateRequest,
  fn: (tx: Transaction, run: Workflow, standalone: StandaloneOperationState, requestId: string) => void,
): Promise<void> {
  const operationId = validOperationId(request.operationId);
  const runId = validRunId(request.runId);
  checkLength('identity', request.identity ?? '', ID_LENGTH_MAX);
  checkLength('reason', request.reason ?? '', REASON_LENGTH_MAX);
  const requestId = request.requestId || engine.ctx.ids.uuid();
  return engine.run({ namespaceId: namespace.id, workflowId: standaloneWorkflowId(operationId) }, async (tx) => {
    const run = await operationRun(tx, namespace.id, operationId, runId);
    const standalone = run.state.standalone;
    if (!standalone) throw operationNotFound(operationId);
    fn(tx, run, standalone, requestId);
  });
}

/** RequestCancelNexusOperationExecution: the cancel is sent once the operation has started. */
export function requestCancelNexusOperationExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: CancelRequest,
): Promise<void> {
  return onOperation(engine, namespace, request, (tx, run, standalone, requestId) => {
    if (standalone.cancel?.requestId === requestId) return;
    if (!isRunning(run.state)) throw new ServiceError(ErrorCode.FailedPrecondition, 'operation already completed');
    if (standalone.cancel) {
      throw new ServiceError(
        ErrorCode.FailedPrecondition,
        `cancellation already requested with request ID ${standalone.cancel.requestId}`,
      );
    }
    standalone.cancel = { requestId, reason: request.reason ?? '', identity: request.identity ?? '', timeMs: tx.nowMs };
    requestCancelNexusOperation(run, STANDALONE_SCHEDULED_EVENT_ID, 0, tx.nowMs);
  });
}

/** TerminateNexusOperationExecution: the run closes at once; the handler is not told. */
export function terminateNexusOperationExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: TerminateRequest,
): Promise<void> {
  return onOperation(engine, namespace, request, (tx, run, standalone, requestId) =>
    terminateOperationRun(engine, tx, run, standalone, requestId, request),
  );
}

/** DeleteNexusOperationExecution: a running operation is terminated first; then its run is deleted. */
export function deleteNexusOperationExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IDeleteNexusOperationExecutionRequest,
): Promise<void> {
  const terminate: TerminateRequest = { ...request, reason: 'Delete nexus operation execution' };
  return onOperation(engine, namespace, terminate, (tx, run, standalone, requestId) => {
    if (isRunning(run.state)) terminateOperationRun(engine, tx, run, standalone, requestId, terminate);
    requestDeletion(run, tx.nowMs);
  });
}

function terminateOperationRun(
  engine: HistoryEngine,
  tx: Transaction,
  run: Workflow,
  standalone: StandaloneOperationState,
  requestId: string,
  request: TerminateRequest,
): void {
  terminateStandaloneRun(
    engine.ctx,
    tx,
    run,
    standalone,
    requestId,
    request,
    () => closedStateName(run),
    () => {
      const op = run.state.nexusOperations[String(STANDALONE_SCHEDULED_EVENT_ID)];
      standalone.closed = op ? { ...op } : standalone.closed;
    },
  );
}

function closedStateName(run: Workflow): string {
  const status = run.state.standalone?.closed?.status;
  if (status === NexusOperationStatus.Succeeded) return 'Succeeded';
  if (status === NexusOperationStatus.Failed) return 'Failed';
  if (status === NexusOperationStatus.TimedOut) return 'TimedOut';
  if (status === NexusOperationStatus.Canceled) return 'Canceled';
  return 'Terminated';
}
