// What the clients of standalone Nexus operations read: Describe (NexusOperationExecutionInfo), Poll (a
// long poll until the operation reaches a stage), and List / Count over the operations' visibility rows.
import { google, temporal, decodeBase64, long } from '../common/proto';
import { durationFromMs, timestampFromMs } from '../common/time';
import { invalidArgument } from '../common/errors';
import { withDeadline } from '../common/deadline';
import type { NamespaceRecord, ExecutionRecord, Store } from '../store/store';
import type { VisibilityScope } from '../store/visibility-sql';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import type { Transaction } from './transaction';
import { isRunning, NexusCancelStatus, NexusOperationStatus, type NexusOperationState } from './mutable-state';
import {
  SERVICE_ATTRIBUTE,
  STANDALONE_DIVISION,
  STANDALONE_ID_PREFIX,
  STANDALONE_SCHEDULED_EVENT_ID,
  operationIdOf,
  operationKey,
  operationOf,
  operationRun,
  standaloneWorkflowId,
  validOperationId,
} from './standalone-nexus';
import { describeRun, longPollMarkOf, longPollTokenOf, stateSizeBytes } from './standalone-long-poll';
import { clientSearchAttributes, rowSearchAttributes, statusInEnum, validRunId } from './standalone-common';
import { LIST_PAGE_SIZE_DEFAULT, LIST_PAGE_SIZE_MAX, countResponse } from './visibility-api';

const ExecutionStatus = temporal.api.enums.v1.NexusOperationExecutionStatus;
const PendingState = temporal.api.enums.v1.PendingNexusOperationState;
const CancellationState = temporal.api.enums.v1.NexusOperationCancellationState;
const WaitStage = temporal.api.enums.v1.NexusOperationWaitStage;

/** Longest a Poll waits before it answers empty (the Temporal server's nexusoperation.longPollTimeout). */
export const POLL_TIMEOUT_MS = 60_000;

/** The run's status as an operation's (the run closes with the operation, with the matching status). */
function statusOf(workflowStatus: number): number {
  return statusInEnum(workflowStatus, ExecutionStatus, 'NEXUS_OPERATION_EXECUTION_STATUS_');
}

function pendingStateOf(op: NexusOperationState | undefined, isOpen: boolean): number {
  if (!op || !isOpen) return PendingState.PENDING_NEXUS_OPERATION_STATE_UNSPECIFIED;
  if (op.status === NexusOperationStatus.BackingOff) return PendingState.PENDING_NEXUS_OPERATION_STATE_BACKING_OFF;
  if (op.status === NexusOperationStatus.Started) return PendingState.PENDING_NEXUS_OPERATION_STATE_STARTED;
  return PendingState.PENDING_NEXUS_OPERATION_STATE_SCHEDULED;
}

function cancellationStateOf(status: string | undefined): number {
  switch (status) {
    case NexusCancelStatus.Scheduled:
      return CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_SCHEDULED;
    case NexusCancelStatus.BackingOff:
      return CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_BACKING_OFF;
    case NexusCancelStatus.Succeeded:
      return CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_SUCCEEDED;
    case NexusCancelStatus.Failed:
      return CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_FAILED;
    default:
      return CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_UNSPECIFIED;
  }
}

const failureOf = (base64: string | null | undefined): temporal.api.failure.v1.IFailure | null =>
  base64 ? decodeBase64<temporal.api.failure.v1.IFailure>('temporal.api.failure.v1.Failure', base64) : null;

const timeOf = (ms: number): google.protobuf.ITimestamp | null => (ms > 0 ? timestampFromMs(ms) : null);

/** The outcome of a closed operation: its result or its failure. */
function outcomeOf(run: Workflow): {
  result?: temporal.api.common.v1.IPayload;
  failure?: temporal.api.failure.v1.IFailure;
} {
  const outcome = run.state.standalone?.outcome;
  if (!outcome || isRunning(run.state)) return {};
  if (outcome.result !== undefined)
    return { result: decodeBase64<temporal.api.common.v1.IPayload>('temporal.api.common.v1.Payload', outcome.result) };
  return { failure: failureOf(outcome.failure) ?? { message: 'nexus operation failed' } };
}

async function infoOf(tx: Transaction, run: Workflow): Promise<temporal.api.nexus.v1.INexusOperationExecutionInfo> {
  const s = run.state;
  const op = operationOf(run);
  const scheduled = (await tx.event(run, STANDALONE_SCHEDULED_EVENT_ID)) ?? null;
  const a = scheduled?.nexusOperationScheduledEventAttributes;
  const links: temporal.api.common.v1.ILink[] = [];
  for (let eventId = STANDALONE_SCHEDULED_EVENT_ID + 1; eventId < s.nextEventId; eventId += 1) {
    const event = await tx.event(run, eventId);
    if (event?.nexusOperationStartedEventAttributes || event?.nexusOperationCompletedEventAttributes)
      links.push(...(event.links ?? []));
  }
  const isOpen = isRunning(s);
  const closeMs = isOpen ? 0 : s.closeTimeMs;
  const cancel = op?.cancel;
  const requested = s.standalone?.cancel;
  const started = run.startedEvent?.workflowExecutionStartedEventAttributes;
  return {
    operationId: s.standalone?.operationId ?? operationIdOf(s.workflowId),
    runId: s.runId,
    endpoint: op?.endpoint ?? a?.endpoint ?? '',
    service: op?.service ?? a?.service ?? '',
    operation: op?.operation ?? a?.operation ?? '',
    status: statusOf(s.status),
    state: pendingStateOf(op, isOpen),
    scheduleToCloseTimeout: op?.scheduleToCloseTimeoutMs ? durationFromMs(op.scheduleToCloseTimeoutMs) : null,
    scheduleToStartTimeout: op?.scheduleToStartTimeoutMs ? durationFromMs(op.scheduleToStartTimeoutMs) : null,
    startToCloseTimeout: op?.startToCloseTimeoutMs ? durationFromMs(op.startToCloseTimeoutMs) : null,
    attempt: op?.attempt ?? 1,
    scheduleTime: timeOf(s.startTimeMs),
    expirationTime: op?.scheduleToCloseTimeoutMs ? timeOf(op.scheduledTimeMs + op.scheduleToCloseTimeoutMs) : null,
    closeTime: timeOf(closeMs),
    lastAttemptCompleteTime: timeOf(op?.lastAttemptCompleteTimeMs ?? 0),
    lastAttemptFailure: failureOf(op?.lastAttemptFailure),
    nextAttemptScheduleTime:
      isOpen && op?.status === NexusOperationStatus.BackingOff ? timeOf(op.nextAttemptAtMs) : null,
    executionDuration: durationFromMs(Math.max(0, (closeMs || tx.nowMs) - s.startTimeMs)),
    cancellationInfo: requested
      ? {
          state: cancellationStateOf(cancel?.status),
          attempt: cancel && cancel.status !== NexusCancelStatus.Blocked ? cancel.attempt : 0,
          lastAttemptCompleteTime: timeOf(cancel?.lastAttemptCompleteTimeMs ?? 0),
          lastAttemptFailure: failureOf(cancel?.lastFailure),
          nextAttemptScheduleTime:
            cancel?.status === NexusCancelStatus.BackingOff ? timeOf(cancel.nextAttemptAtMs) : null,
          reason: requested.reason,
        }
      : null,
    requestId: op?.requestId ?? '',
    operationToken: op?.operationToken ?? '',
    stateTransitionCount: long(Math.max(1, s.nextEventId - 1)),
    searchAttributes: clientSearchAttributes(started?.searchAttributes?.indexedFields, [SERVICE_ATTRIBUTE]),
    nexusHeader: a?.nexusHeader ?? {},
    userMetadata: scheduled?.userMetadata ?? null,
    links,
    identity: s.standalone?.identity ?? '',
    stateSizeBytes: long(stateSizeBytes(run)),
  };
}

type DescribeRequest = temporal.api.workflowservice.v1.IDescribeNexusOperationExecutionRequest;

export function describeNexusOperationExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: DescribeRequest,
  signal: AbortSignal,
): Promise<temporal.api.workflowservice.v1.IDescribeNexusOperationExecutionResponse> {
  const operationId = validOperationId(request.operationId);
  const mark = longPollMarkOf(
    request.longPollToken,
    request.runId ?? '',
    namespace.id,
    'run_id is required when long_poll_token is provided',
  );
  const runId = validRunId(request.runId);
  const target = { namespaceId: namespace.id, workflowId: standaloneWorkflowId(operationId) };
  return describeRun(
    engine,
    target,
    mark,
    signal,
    (tx) => operationRun(tx, namespace.id, operationId, runId),
    async (tx, run) => {
      const input = request.includeInput
        ? ((await tx.event(run, STANDALONE_SCHEDULED_EVENT_ID))?.nexusOperationScheduledEventAttributes?.input ?? null)
        : null;
      return {
        runId: run.state.runId,
        info: await infoOf(tx, run),
        ...(input ? { input } : {}),
        ...(request.includeOutcome ? outcomeOf(run) : {}),
        longPollToken: longPollTokenOf(run),
      };
    },
  );
}

type PollRequest = temporal.api.workflowservice.v1.IPollNexusOperationExecutionRequest;
type PollResponse = temporal.api.workflowservice.v1.IPollNexusOperationExecutionResponse;

/** Waits until the operation has started (STARTED) or closed (CLOSED); empty when the wait runs out. */
export function pollNexusOperationExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: PollRequest,
  signal: AbortSignal,
): Promise<PollResponse> {
  const operationId = validOperationId(request.operationId);
  const runId = validRunId(request.runId);
  const stage = request.waitStage || WaitStage.NEXUS_OPERATION_WAIT_STAGE_CLOSED;
  if (stage !== WaitStage.NEXUS_OPERATION_WAIT_STAGE_CLOSED && stage !== WaitStage.NEXUS_OPERATION_WAIT_STAGE_STARTED)
    throw invalidArgument(`unsupported wait_stage: ${WaitStage[stage] ?? String(stage)}`);
  const target = { namespaceId: namespace.id, workflowId: standaloneWorkflowId(operationId) };
  return withDeadline(engine.ctx.clock, [signal, engine.stopSignal], POLL_TIMEOUT_MS, async (waiting) => {
    for (;;) {
      const read = await engine.run(target, async (tx) => {
        const run = await operationRun(tx, namespace.id, operationId, runId);
        const op = operationOf(run);
        const isClosed = !isRunning(run.state);
        const isReached =
          isClosed ||
          (stage === WaitStage.NEXUS_OPERATION_WAIT_STAGE_STARTED && op?.status === NexusOperationStatus.Started);
        const response: PollResponse = {
          runId: run.state.runId,
          waitStage: isClosed
            ? WaitStage.NEXUS_OPERATION_WAIT_STAGE_CLOSED
            : WaitStage.NEXUS_OPERATION_WAIT_STAGE_STARTED,
          operationToken: op?.operationToken ?? '',
          ...outcomeOf(run),
        };
        return { response, isReached, key: run.key };
      });
      if (read.isReached) return read.response;
      if (waiting.aborted) return {};
      await engine.waitForHistory(operationKey(namespace.id, operationId, read.key.runId), waiting);
      if (waiting.aborted) return {};
    }
  });
}

/** What List and Count see: the operations' division, with their own names for the row's fields. */
const OPERATIONS_SCOPE: VisibilityScope = {
  division: STANDALONE_DIVISION,
  aliases: {
    OperationId: { field: 'WorkflowId', valuePrefix: STANDALONE_ID_PREFIX },
    Endpoint: { field: 'TaskQueue' },
    Operation: { field: 'WorkflowType' },
    Service: { field: SERVICE_ATTRIBUTE },
  },
};

function typesFor(namespace: NamespaceRecord): Record<string, string> {
  return { ...namespace.searchAttributes, [SERVICE_ATTRIBUTE]: 'Keyword' };
}

function listInfoOf(record: ExecutionRecord): temporal.api.nexus.v1.INexusOperationExecutionListInfo {
  const closeMs = record.closeTimeMs ?? 0;
  const service = record.searchAttributes[SERVICE_ATTRIBUTE];
  return {
    operationId: operationIdOf(record.workflowId),
    runId: record.runId,
    endpoint: record.taskQueue,
    service: typeof service === 'string' ? service : '',
    operation: record.workflowType,
    scheduleTime: timeOf(record.startTimeMs),
    closeTime: timeOf(closeMs),
    status: statusOf(record.status),
    searchAttributes: rowSearchAttributes(record.searchAttributes, [SERVICE_ATTRIBUTE]),
    stateTransitionCount: long(Math.max(1, record.nextEventId - 1)),
    executionDuration: closeMs > 0 ? durationFromMs(closeMs - record.startTimeMs) : null,
  };
}

export async function listNexusOperationExecutions(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IListNexusOperationExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.IListNexusOperationExecutionsResponse> {
  const pageSize =
    request.pageSize && request.pageSize > 0 ? Math.min(request.pageSize, LIST_PAGE_SIZE_MAX) : LIST_PAGE_SIZE_DEFAULT;
  const result = await store.listExecutions({
    namespaceId: namespace.id,
    query: request.query ?? '',
    pageSize,
    nextPageToken: request.nextPageToken ?? undefined,
    searchAttributeTypes: typesFor(namespace),
    scope: OPERATIONS_SCOPE,
  });
  return { operations: result.records.map(listInfoOf), nextPageToken: result.nextPageToken ?? null };
}

export async function countNexusOperationExecutions(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ICountNexusOperationExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.ICountNexusOperationExecutionsResponse> {
  const result = await store.countExecutions({
    namespaceId: namespace.id,
    query: request.query ?? '',
    searchAttributeTypes: typesFor(namespace),
    scope: OPERATIONS_SCOPE,
  });
  return countResponse(result);
}
