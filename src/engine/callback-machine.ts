// A completion callback as a state machine (after the Temporal server's components/callbacks):
// standby (the run is open) -> scheduled (the run closed: a delivery task) -> succeeded | failed, with
// backing off -> scheduled after a retryable failure. Executors deliver; only these transitions change
// the record, which DescribeWorkflowExecution shows as it is.
import { defineTransition } from '../common/state-machine';
import { CallbackStatus as S, type CallbackState } from './mutable-state';
import { NO_FOLLOWUPS, TaskKind, followups, type Followups } from './outbox';

const MACHINE = 'completion callback';

/** `attempt` counts finished attempts; a delivery task names the count it was scheduled at. */
function recordAttempt(callback: CallbackState, nowMs: number, failure: string | null): void {
  callback.attempt += 1;
  callback.lastAttemptCompleteTimeMs = nowMs;
  callback.lastAttemptFailure = failure;
}

function deliveryTask(callback: CallbackState) {
  return { kind: TaskKind.Callback, callbackId: callback.id, attempt: callback.attempt } as const;
}

export const CallbackScheduled = defineTransition({
  machine: MACHINE,
  name: 'scheduled',
  from: [S.Standby],
  to: S.Scheduled,
  apply(callback: CallbackState): Followups {
    return followups([deliveryTask(callback)]);
  },
});

export const CallbackAttemptFailed = defineTransition({
  machine: MACHINE,
  name: 'attempt failed',
  from: [S.Scheduled],
  to: S.BackingOff,
  apply(callback: CallbackState, event: { nowMs: number; failure: string; retryDelayMs: number }): Followups {
    recordAttempt(callback, event.nowMs, event.failure);
    callback.nextAttemptAtMs = event.nowMs + event.retryDelayMs;
    return NO_FOLLOWUPS;
  },
});

export const CallbackRescheduled = defineTransition({
  machine: MACHINE,
  name: 'rescheduled',
  from: [S.BackingOff],
  to: S.Scheduled,
  apply(callback: CallbackState): Followups {
    callback.nextAttemptAtMs = 0;
    return followups([deliveryTask(callback)]);
  },
});

export const CallbackSucceeded = defineTransition({
  machine: MACHINE,
  name: 'succeeded',
  from: [S.Scheduled],
  to: S.Succeeded,
  apply(callback: CallbackState, event: { nowMs: number }): Followups {
    recordAttempt(callback, event.nowMs, null);
    return NO_FOLLOWUPS;
  },
});

export const CallbackFailed = defineTransition({
  machine: MACHINE,
  name: 'failed',
  from: [S.Scheduled],
  to: S.Failed,
  apply(callback: CallbackState, event: { nowMs: number; failure: string }): Followups {
    recordAttempt(callback, event.nowMs, event.failure);
    return NO_FOLLOWUPS;
  },
});
