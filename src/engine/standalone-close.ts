// The close of a standalone run (a Nexus operation's, engine/standalone-nexus.ts, or an activity's,
// engine/standalone-activity.ts) when its one item ends: the run's close event, its status and close
// time. The item's own module keeps the outcome that Poll and Describe answer with.
import { type Failure, type Payloads, EventType, encodeBase64, temporal } from '../common/proto';
import type { Workflow } from './workflow';
import { isRunning, type ActivityState, type NexusOperationState } from './mutable-state';
import { scheduleCallbacks } from './callbacks';

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const RetryState = temporal.api.enums.v1.RetryState;

export type StandaloneEnd =
  | { readonly kind: 'succeeded'; readonly result: Payloads | null | undefined }
  | {
      readonly kind: 'failed' | 'canceled' | 'timed-out';
      readonly cause: Failure;
      /** RetryState of a failure or timeout (non-retryable failure / timeout when not given). */
      readonly retryState?: number;
    };

export type OperationEnd =
  | { readonly kind: 'succeeded'; readonly result: temporal.api.common.v1.IPayload | null | undefined }
  | { readonly kind: 'failed' | 'canceled' | 'timed-out'; readonly cause: Failure };

/** Appends the run's close event for how its item ended, and closes the run: its completion callbacks are due. */
export function closeStandaloneRun(workflow: Workflow, end: StandaloneEnd, nowMs: number): void {
  const s = workflow.state;
  if (!isRunning(s)) return;
  if (end.kind === 'succeeded') {
    workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
      'workflowExecutionCompletedEventAttributes',
      { result: end.result ?? { payloads: [] }, workflowTaskCompletedEventId: 0 },
      nowMs,
    );
    s.status = Status.WORKFLOW_EXECUTION_STATUS_COMPLETED;
  } else if (end.kind === 'failed') {
    workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
      'workflowExecutionFailedEventAttributes',
      {
        failure: end.cause,
        retryState: end.retryState ?? RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
        workflowTaskCompletedEventId: 0,
      },
      nowMs,
    );
    s.status = Status.WORKFLOW_EXECUTION_STATUS_FAILED;
  } else if (end.kind === 'canceled') {
    workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
      'workflowExecutionCanceledEventAttributes',
      { details: null, workflowTaskCompletedEventId: 0 },
      nowMs,
    );
    s.status = Status.WORKFLOW_EXECUTION_STATUS_CANCELED;
  } else {
    workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
      'workflowExecutionTimedOutEventAttributes',
      { retryState: end.retryState ?? RetryState.RETRY_STATE_TIMEOUT },
      nowMs,
    );
    s.status = Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
  }
  s.closeTimeMs = nowMs;
  scheduleCallbacks(workflow);
}

/** A standalone Nexus operation ended: its outcome (the handler's result, or its failure without the caller-side wrapper) and the run's close. */
export function closeStandaloneOperationRun(
  workflow: Workflow,
  op: NexusOperationState,
  end: OperationEnd,
  nowMs: number,
): void {
  const standalone = workflow.state.standalone;
  if (!standalone || !isRunning(workflow.state)) return;
  standalone.closed = { ...op };
  if (end.kind === 'succeeded') {
    standalone.outcome = { result: encodeBase64('temporal.api.common.v1.Payload', end.result ?? {}) };
    closeStandaloneRun(workflow, { kind: 'succeeded', result: { payloads: end.result ? [end.result] : [] } }, nowMs);
  } else {
    standalone.outcome = { failure: encodeBase64('temporal.api.failure.v1.Failure', end.cause) };
    closeStandaloneRun(workflow, end, nowMs);
  }
}

/** A standalone activity ended: its outcome (the result, or the failure with its retry state) and the run's close. */
export function closeStandaloneActivityRun(
  workflow: Workflow,
  activity: ActivityState,
  end: StandaloneEnd,
  nowMs: number,
): void {
  const standalone = workflow.state.standaloneActivity;
  if (!standalone || !isRunning(workflow.state)) return;
  standalone.closed = { ...activity };
  standalone.outcome =
    end.kind === 'succeeded'
      ? { result: encodeBase64('temporal.api.common.v1.Payloads', end.result ?? {}) }
      : {
          failure: encodeBase64('temporal.api.failure.v1.Failure', end.cause),
          ...(end.retryState ? { retryState: end.retryState } : {}),
        };
  closeStandaloneRun(workflow, end, nowMs);
}
