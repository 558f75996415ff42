// The caller side of a Nexus operation as state machines (after the Temporal server's
// components/nexusoperations/statemachine.go).
//
// Operation: scheduled -> (attempt failed) backing off -> (rescheduled) scheduled ... -> started, and from
// scheduled, backing off or started to a terminal state: succeeded, failed, canceled, timed out. Being
// scheduled emits a start-attempt task. A circuit breaker that holds attempts back changes nothing here:
// the task waits (TaskOutcome 'defer') and describe reports the operation as blocked.
//
// Cancellation (requested by the workflow): blocked (the operation has no token yet) -> scheduled (a
// cancel-attempt task) -> succeeded | failed, with backing off -> scheduled in between.
import { defineTransition } from '../common/state-machine';
import {
  NexusCancelStatus as C,
  NexusOperationStatus as S,
  type NexusCancelState,
  type NexusOperationState,
} from './mutable-state';
import { NO_FOLLOWUPS, TaskKind, followups, type Followups, type OutboxTask } from './outbox';

const OPERATION = 'nexus operation';
const CANCELLATION = 'nexus operation cancellation';

export function nexusStartTask(op: NexusOperationState): OutboxTask {
  return { kind: TaskKind.NexusStart, scheduledEventId: op.scheduledEventId, attempt: op.attempt };
}

export function nexusCancelTask(op: NexusOperationState, cancel: NexusCancelState): OutboxTask {
  return { kind: TaskKind.NexusCancel, scheduledEventId: op.scheduledEventId, attempt: cancel.attempt };
}

export const NexusAttemptFailed = defineTransition({
  machine: OPERATION,
  name: 'attempt failed',
  from: [S.Scheduled],
  to: S.BackingOff,
  apply(op: NexusOperationState, event: { nowMs: number; failure: string; retryDelayMs: number }): Followups {
    op.lastAttemptCompleteTimeMs = event.nowMs;
    op.lastAttemptFailure = event.failure;
    op.attempt += 1;
    op.nextAttemptAtMs = event.nowMs + event.retryDelayMs;
    return NO_FOLLOWUPS;
  },
});

export const NexusRescheduled = defineTransition({
  machine: OPERATION,
  name: 'rescheduled',
  from: [S.BackingOff],
  to: S.Scheduled,
  apply(op: NexusOperationState): Followups {
    op.nextAttemptAtMs = 0;
    return followups([nexusStartTask(op)]);
  },
});

export const NexusStarted = defineTransition({
  machine: OPERATION,
  name: 'started',
  from: [S.Scheduled, S.BackingOff],
  to: S.Started,
  apply(op: NexusOperationState, event: { nowMs: number; operationToken: string }): Followups {
    op.startedTimeMs = event.nowMs;
    op.operationToken = event.operationToken;
    op.nextAttemptAtMs = 0;
    op.lastAttemptCompleteTimeMs = event.nowMs;
    const cancel = op.cancel;
    if (cancel?.status !== C.Blocked) return NO_FOLLOWUPS;
    // A cancel requested before the start can be sent now that the operation has a token.
    cancel.status = C.Scheduled;
    return followups([nexusCancelTask(op, cancel)]);
  },
});

const LIVE: readonly NexusOperationState['status'][] = [S.Scheduled, S.BackingOff, S.Started];

export const NexusSucceeded = defineTransition({
  machine: OPERATION,
  name: 'succeeded',
  from: LIVE,
  to: S.Succeeded,
  apply: (_op: NexusOperationState): Followups => NO_FOLLOWUPS,
});

export const NexusFailed = defineTransition({
  machine: OPERATION,
  name: 'failed',
  from: LIVE,
  to: S.Failed,
  apply: (_op: NexusOperationState): Followups => NO_FOLLOWUPS,
});

export const NexusCanceled = defineTransition({
  machine: OPERATION,
  name: 'canceled',
  from: LIVE,
  to: S.Canceled,
  apply: (_op: NexusOperationState): Followups => NO_FOLLOWUPS,
});

export const NexusTimedOut = defineTransition({
  machine: OPERATION,
  name: 'timed out',
  from: LIVE,
  to: S.TimedOut,
  apply: (_op: NexusOperationState): Followups => NO_FOLLOWUPS,
});

// Cancellation. The record is `op.cancel`; its tasks carry the operation's scheduled event id.

export const CancelAttemptFailed = defineTransition({
  machine: CANCELLATION,
  name: 'attempt failed',
  from: [C.Scheduled],
  to: C.BackingOff,
  apply(cancel: NexusCancelState, event: { nowMs: number; failure: string; retryDelayMs: number }): Followups {
    cancel.attempt += 1;
    cancel.lastAttemptCompleteTimeMs = event.nowMs;
    cancel.lastFailure = event.failure;
    cancel.nextAttemptAtMs = event.nowMs + event.retryDelayMs;
    return NO_FOLLOWUPS;
  },
});

export const CancelRescheduled = defineTransition({
  machine: CANCELLATION,
  name: 'rescheduled',
  from: [C.BackingOff],
  to: C.Scheduled,
  apply(cancel: NexusCancelState, event: { op: NexusOperationState }): Followups {
    cancel.nextAttemptAtMs = 0;
    return followups([nexusCancelTask(event.op, cancel)]);
  },
});

export const CancelSucceeded = defineTransition({
  machine: CANCELLATION,
  name: 'succeeded',
  from: [C.Scheduled],
  to: C.Succeeded,
  apply(cancel: NexusCancelState, event: { nowMs: number }): Followups {
    cancel.lastAttemptCompleteTimeMs = event.nowMs;
    return NO_FOLLOWUPS;
  },
});

export const CancelFailed = defineTransition({
  machine: CANCELLATION,
  name: 'failed',
  from: [C.Scheduled],
  to: C.Failed,
  apply(cancel: NexusCancelState, event: { nowMs: number; failure: string }): Followups {
    cancel.lastAttemptCompleteTimeMs = event.nowMs;
    cancel.lastFailure = event.failure;
    return NO_FOLLOWUPS;
  },
});
