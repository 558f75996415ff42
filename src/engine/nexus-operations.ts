// The caller side of Nexus operations in a workflow: the schedule and cancel commands, and every outcome
// (sync result, async start, failure, cancellation, timeout, completion callback) as history events. The
// machines are in nexus-operation-machine.ts; invocation I/O lives in src/nexus, which reports outcomes
// that these functions apply inside transactions.
import { type Failure, type Payload, EventType, temporal, encodeBase64, long } from '../common/proto';
import { durationFromMs, msFromDuration } from '../common/time';
import type { Transition } from '../common/state-machine';
import type { Workflow } from './workflow';
import type { EngineContext } from './engine-context';
import {
  NexusCancelStatus,
  NexusOperationStatus,
  type NexusCancelState,
  type NexusOperationState,
} from './mutable-state';
import { scheduleWorkflowTask } from './workflow-tasks';
import { closeStandaloneOperationRun, type OperationEnd } from './standalone-close';
import { SYSTEM_ENDPOINT, systemOperationError } from './system-nexus';
import { transitionItem } from './item-transition';
import type { Followups } from './outbox';
import {
  CancelAttemptFailed,
  CancelFailed,
  CancelRescheduled,
  CancelSucceeded,
  NexusAttemptFailed,
  NexusCanceled,
  NexusFailed,
  NexusRescheduled,
  NexusStarted,
  NexusSucceeded,
  NexusTimedOut,
  nexusCancelTask,
  nexusStartTask,
} from './nexus-operation-machine';

const TimeoutType = temporal.api.enums.v1.TimeoutType;

/** Finds endpoints by name for command validation; wired to the Nexus endpoint registry. */
export interface NexusEndpointLookup {
  findByName(name: string): { id: string } | undefined;
}

export const NEXUS_NAME_LENGTH_MAX = 1000;
export const NEXUS_HEADER_SIZE_MAX_BYTES = 8192;
export const NEXUS_OPERATION_TOKEN_LENGTH_MAX = 4096;
const DISALLOWED_HEADERS = new Set(['request-timeout', 'temporal-callback-token']);

/** Validates a ScheduleNexusOperation command; returns a message on error. */
export function nexusScheduleError(
  ctx: EngineContext,
  a: temporal.api.command.v1.IScheduleNexusOperationCommandAttributes | null | undefined,
  callerNamespace: string,
): string | undefined {
  if (!a) return 'ScheduleNexusOperationCommandAttributes is not set.';
  if (!a.endpoint) return 'Endpoint is not set on ScheduleNexusOperationCommand.';
  if (a.endpoint === SYSTEM_ENDPOINT) return systemOperationError(callerNamespace, a);
  if (!ctx.nexusEndpoints.findByName(a.endpoint)) return `endpoint "${a.endpoint}" not found`;
  // As the Temporal server: only a name that is too long is the caller's error; an empty or unknown one
  // is the handler's to answer (NOT_FOUND).
  if ((a.service ?? '').length > NEXUS_NAME_LENGTH_MAX)
    return `ScheduleNexusOperationCommandAttributes.Service exceeds length limit of ${NEXUS_NAME_LENGTH_MAX}`;
  if ((a.operation ?? '').length > NEXUS_NAME_LENGTH_MAX)
    return `ScheduleNexusOperationCommandAttributes.Operation exceeds length limit of ${NEXUS_NAME_LENGTH_MAX}`;
  for (const d of [a.scheduleToCloseTimeout, a.scheduleToStartTimeout, a.startToCloseTimeout]) {
    if (msFromDuration(d) < 0) return 'A valid timeout may not be negative.';
  }
  let headerBytes = 0;
  for (const [key, value] of Object.entries(a.nexusHeader ?? {})) {
    if (DISALLOWED_HEADERS.has(key.toLowerCase())) return `nexus header "${key}" is not allowed`;
    headerBytes += key.length + value.length;
  }
  if (headerBytes > NEXUS_HEADER_SIZE_MAX_BYTES) return 'nexus header size exceeds the limit';
  return undefined;
}

export function scheduleNexusOperation(
  ctx: EngineContext,
  workflow: Workflow,
  a: temporal.api.command.v1.IScheduleNexusOperationCommandAttributes,
  completedEventId: number,
  nowMs: number,
  userMetadata: temporal.api.sdk.v1.IUserMetadata | null | undefined,
): void {
  const s = workflow.state;
  const runRemainingMs = s.runExpirationMs > 0 ? Math.max(0, s.runExpirationMs - nowMs) : 0;
  let scheduleToCloseMs = msFromDuration(a.scheduleToCloseTimeout);
  if (runRemainingMs > 0 && (scheduleToCloseMs === 0 || scheduleToCloseMs > runRemainingMs))
    scheduleToCloseMs = runRemainingMs;
  const cap = (ms: number): number => (scheduleToCloseMs > 0 && ms > scheduleToCloseMs ? scheduleToCloseMs : ms);
  const scheduleToStartMs = cap(msFromDuration(a.scheduleToStartTimeout));
  const startToCloseMs = cap(msFromDuration(a.startToCloseTimeout));
  const header = Object.fromEntries(Object.entries(a.nexusHeader ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const endpoint = ctx.nexusEndpoints.findByName(a.endpoint ?? '');
  const requestId = ctx.ids.uuid();
  const event = workflow.append(
    EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
    'nexusOperationScheduledEventAttributes',
    {
      endpoint: a.endpoint ?? '',
      service: a.service ?? '',
      operation: a.operation ?? '',
      input: a.input ?? null,
      scheduleToCloseTimeout: durationFromMs(scheduleToCloseMs),
      nexusHeader: header,
      workflowTaskCompletedEventId: completedEventId,
      requestId,
      endpointId: endpoint?.id ?? '',
      // Like the Temporal server, only timeouts the command set are written (no "0s").
      ...(scheduleToStartMs > 0 ? { scheduleToStartTimeout: durationFromMs(scheduleToStartMs) } : {}),
      ...(startToCloseMs > 0 ? { startToCloseTimeout: durationFromMs(startToCloseMs) } : {}),
    },
    nowMs,
    userMetadata ? { userMetadata } : undefined,
  );
  const scheduledEventId = Number(event.eventId);
  const op: NexusOperationState = {
    status: NexusOperationStatus.Scheduled,
    scheduledEventId,
    endpoint: a.endpoint ?? '',
    endpointId: endpoint?.id ?? '',
    service: a.service ?? '',
    operation: a.operation ?? '',
    requestId,
    scheduledTimeMs: nowMs,
    scheduleToCloseTimeoutMs: scheduleToCloseMs,
    scheduleToStartTimeoutMs: scheduleToStartMs,
    startToCloseTimeoutMs: startToCloseMs,
    startedTimeMs: 0,
    attempt: 1,
    lastAttemptCompleteTimeMs: 0,
    lastAttemptFailure: null,
    nextAttemptAtMs: 0,
    operationToken: '',
    cancel: null,
  };
  workflow.putItem('nexusOperations', String(scheduledEventId), op);
  workflow.emit(nexusStartTask(op));
}

/** Returns a message if the cancel command is invalid. */
export function nexusCancelError(workflow: Workflow, scheduledEventId: number): string | undefined {
  const op = workflow.state.nexusOperations[String(scheduledEventId)];
  if (!op) {
    return `requested cancelation for a non-existing or already completed operation with scheduled event ID of ${scheduledEventId}`;
  }
  if (op.cancel)
    return `cancelation was already requested for an operation with scheduled event ID ${scheduledEventId}`;
  return undefined;
}

export function requestCancelNexusOperation(
  workflow: Workflow,
  scheduledEventId: number,
  completedEventId: number,
  nowMs: number,
): void {
  const op = workflow.state.nexusOperations[String(scheduledEventId)];
  if (!op) return;
  const event = workflow.append(
    EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED,
    'nexusOperationCancelRequestedEventAttributes',
    { scheduledEventId, workflowTaskCompletedEventId: completedEventId },
    nowMs,
  );
  const isStarted = op.status === NexusOperationStatus.Started;
  const cancel: NexusCancelState = {
    status: isStarted ? NexusCancelStatus.Scheduled : NexusCancelStatus.Blocked,
    requestedEventId: Number(event.eventId),
    requestedTimeMs: nowMs,
    attempt: 1,
    nextAttemptAtMs: 0,
    lastAttemptCompleteTimeMs: 0,
    lastFailure: null,
  };
  op.cancel = cancel;
  workflow.changed('nexusOperations', String(scheduledEventId));
  if (isStarted) workflow.emit(nexusCancelTask(op, cancel));
}

function transition<E>(
  workflow: Workflow,
  op: NexusOperationState,
  t: Transition<NexusOperationState, E, Followups>,
  event: E,
): void {
  transitionItem(workflow, 'nexusOperations', String(op.scheduledEventId), op, t, event);
}

function transitionCancel<E>(
  workflow: Workflow,
  op: NexusOperationState,
  cancel: NexusCancelState,
  t: Transition<NexusCancelState, E, Followups>,
  event: E,
): void {
  transitionItem(workflow, 'nexusOperations', String(op.scheduledEventId), cancel, t, event);
}

/** The operation is done: the caller's next workflow task, or the close of a standalone operation's run. */
function finish(
  ctx: EngineContext,
  workflow: Workflow,
  op: NexusOperationState,
  end: OperationEnd,
  nowMs: number,
): void {
  workflow.removeItem('nexusOperations', String(op.scheduledEventId));
  if (workflow.state.standalone) closeStandaloneOperationRun(workflow, op, end, nowMs);
  else scheduleWorkflowTask(ctx, workflow, nowMs);
}

export function nexusOperationSucceeded(
  ctx: EngineContext,
  workflow: Workflow,
  op: NexusOperationState,
  result: Payload | null | undefined,
  links: temporal.api.common.v1.ILink[],
  nowMs: number,
): void {
  transition(workflow, op, NexusSucceeded, undefined);
  workflow.appendExternal(
    EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED,
    'nexusOperationCompletedEventAttributes',
    { scheduledEventId: op.scheduledEventId, result: result ?? null, requestId: op.requestId },
    nowMs,
    links,
  );
  finish(ctx, workflow, op, { kind: 'succeeded', result }, nowMs);
}

export function nexusOperationStarted(
  ctx: EngineContext,
  workflow: Workflow,
  op: NexusOperationState,
  operationToken: string,
  links: temporal.api.common.v1.ILink[],
  nowMs: number,
  eventTimeMs = nowMs,
): void {
  transition(workflow, op, NexusStarted, { nowMs, operationToken });
  workflow.appendExternal(
    EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED,
    'nexusOperationStartedEventAttributes',
    { scheduledEventId: op.scheduledEventId, operationId: operationToken, requestId: op.requestId, operationToken },
    eventTimeMs,
    links,
  );
  scheduleWorkflowTask(ctx, workflow, nowMs);
}

/** The failure the caller sees: Temporal's NexusOperationFailure wrapper around the real cause. */
export function nexusOperationFailure(op: NexusOperationState, cause: Failure): Failure {
  return {
    message: 'nexus operation completed unsuccessfully',
    nexusOperationExecutionFailureInfo: {
      scheduledEventId: long(op.scheduledEventId),
      endpoint: op.endpoint,
      service: op.service,
      operation: op.operation,
      operationToken: op.operationToken,
      operationId: op.operationToken,
    },
    cause,
  };
}

export type NexusTerminal = 'failed' | 'canceled' | 'timed-out';

/** Each unsuccessful end: its transition and its event. */
const UNSUCCESSFUL_ENDS = {
  failed: {
    transition: NexusFailed,
    type: EventType.EVENT_TYPE_NEXUS_OPERATION_FAILED,
    field: 'nexusOperationFailedEventAttributes',
  },
  canceled: {
    transition: NexusCanceled,
    type: EventType.EVENT_TYPE_NEXUS_OPERATION_CANCELED,
    field: 'nexusOperationCanceledEventAttributes',
  },
  'timed-out': {
    transition: NexusTimedOut,
    type: EventType.EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT,
    field: 'nexusOperationTimedOutEventAttributes',
  },
} as const satisfies Record<NexusTerminal, { transition: unknown; type: number; field: string }>;

export function nexusOperationEnded(
  ctx: EngineContext,
  workflow: Workflow,
  op: NexusOperationState,
  kind: NexusTerminal,
  cause: Failure,
  nowMs: number,
): void {
  const end = UNSUCCESSFUL_ENDS[kind];
  transition(workflow, op, end.transition, undefined);
  const attributes = {
    scheduledEventId: op.scheduledEventId,
    failure: nexusOperationFailure(op, cause),
    requestId: op.requestId,
  };
  workflow.appendExternal(end.type, end.field, attributes, nowMs);
  finish(ctx, workflow, op, { kind, cause }, nowMs);
}

/** A retryable attempt failure: back off and try again. */
export function nexusAttemptFailed(
  workflow: Workflow,
  op: NexusOperationState,
  failure: Failure,
  nowMs: number,
  retryDelayMs: number,
): void {
  transition(workflow, op, NexusAttemptFailed, {
    nowMs,
    failure: encodeBase64('temporal.api.failure.v1.Failure', failure),
    retryDelayMs,
  });
}

export function nexusCancelCompleted(
  ctx: EngineContext,
  workflow: Workflow,
  op: NexusOperationState,
  nowMs: number,
): void {
  const cancel = op.cancel;
  if (!cancel) return;
  transitionCancel(workflow, op, cancel, CancelSucceeded, { nowMs });
  workflow.appendExternal(
    EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED,
    'nexusOperationCancelRequestCompletedEventAttributes',
    { requestedEventId: cancel.requestedEventId, scheduledEventId: op.scheduledEventId },
    nowMs,
    undefined,
    true,
  );
  scheduleWorkflowTask(ctx, workflow, nowMs);
}

export function nexusCancelFailed(
  ctx: EngineContext,
  workflow: Workflow,
  op: NexusOperationState,
  failure: Failure,
  nowMs: number,
): void {
  const cancel = op.cancel;
  if (!cancel) return;
  transitionCancel(workflow, op, cancel, CancelFailed, {
    nowMs,
    failure: encodeBase64('temporal.api.failure.v1.Failure', failure),
  });
  workflow.appendExternal(
    EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED,
    'nexusOperationCancelRequestFailedEventAttributes',
    { requestedEventId: cancel.requestedEventId, scheduledEventId: op.scheduledEventId, failure },
    nowMs,
    undefined,
    true,
  );
  scheduleWorkflowTask(ctx, workflow, nowMs);
}

export function nexusCancelAttemptFailed(
  workflow: Workflow,
  op: NexusOperationState,
  failure: Failure,
  nowMs: number,
  retryDelayMs: number,
): void {
  const cancel = op.cancel;
  if (!cancel) return;
  transitionCancel(workflow, op, cancel, CancelAttemptFailed, {
    nowMs,
    failure: encodeBase64('temporal.api.failure.v1.Failure', failure),
    retryDelayMs,
  });
}

/** The earliest time this operation needs attention (timeout or next attempt); 0 = none. */
export function nexusOperationDeadline(op: NexusOperationState): number {
  const at: number[] = [];
  if (op.scheduleToCloseTimeoutMs > 0) at.push(op.scheduledTimeMs + op.scheduleToCloseTimeoutMs);
  if (op.status !== NexusOperationStatus.Started && op.scheduleToStartTimeoutMs > 0)
    at.push(op.scheduledTimeMs + op.scheduleToStartTimeoutMs);
  if (op.status === NexusOperationStatus.Started && op.startToCloseTimeoutMs > 0)
    at.push(op.startedTimeMs + op.startToCloseTimeoutMs);
  if (op.status === NexusOperationStatus.BackingOff) at.push(op.nextAttemptAtMs);
  if (op.cancel?.status === NexusCancelStatus.BackingOff) at.push(op.cancel.nextAttemptAtMs);
  return at.length > 0 ? Math.min(...at) : 0;
}

function timeoutFailure(timeoutType: number): Failure {
  return { message: 'operation timed out', timeoutFailureInfo: { timeoutType } };
}

/** Applies whatever is due at nowMs: timeouts first, then the end of a backoff. */
export function processNexusOperationDeadline(
  ctx: EngineContext,
  workflow: Workflow,
  op: NexusOperationState,
  nowMs: number,
): void {
  const isStarted = op.status === NexusOperationStatus.Started;
  if (op.scheduleToCloseTimeoutMs > 0 && nowMs >= op.scheduledTimeMs + op.scheduleToCloseTimeoutMs) {
    return nexusOperationEnded(
      ctx,
      workflow,
      op,
      'timed-out',
      timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE),
      nowMs,
    );
  }
  if (!isStarted && op.scheduleToStartTimeoutMs > 0 && nowMs >= op.scheduledTimeMs + op.scheduleToStartTimeoutMs) {
    return nexusOperationEnded(
      ctx,
      workflow,
      op,
      'timed-out',
      timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START),
      nowMs,
    );
  }
  if (isStarted && op.startToCloseTimeoutMs > 0 && nowMs >= op.startedTimeMs + op.startToCloseTimeoutMs) {
    return nexusOperationEnded(
      ctx,
      workflow,
      op,
      'timed-out',
      timeoutFailure(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE),
      nowMs,
    );
  }
  if (op.status === NexusOperationStatus.BackingOff && nowMs >= op.nextAttemptAtMs)
    transition(workflow, op, NexusRescheduled, undefined);
  const cancel = op.cancel;
  if (cancel?.status === NexusCancelStatus.BackingOff && nowMs >= cancel.nextAttemptAtMs) {
    transitionCancel(workflow, op, cancel, CancelRescheduled, { op });
  }
}
