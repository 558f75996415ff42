// The close of a standalone Nexus operation's run when its operation ends (engine/standalone-nexus.ts):
// the run's close event, its status and close time, and the outcome Poll and Describe answer with (the
// handler's result, or its failure without the caller-side wrapper, as the Temporal server keeps it).
import { type Failure, type Payload, EventType, encodeBase64, temporal } from '../common/proto';
import type { Workflow } from './workflow';
import { isRunning, type NexusOperationState } from './mutable-state';

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const RetryState = temporal.api.enums.v1.RetryState;

export type StandaloneEnd =
  | { readonly kind: 'succeeded'; readonly result: Payload | null | undefined }
  | { readonly kind: 'failed' | 'canceled' | 'timed-out'; readonly cause: Failure };

export function closeStandaloneRun(
  workflow: Workflow,
  op: NexusOperationState,
  end: StandaloneEnd,
  nowMs: number,
): void {
  const s = workflow.state;
  const standalone = s.standalone;
  if (!standalone || !isRunning(s)) return;
  standalone.closed = { ...op };
  if (end.kind === 'succeeded') {
    standalone.outcome = { result: encodeBase64('temporal.api.common.v1.Payload', end.result ?? {}) };
    workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
      'workflowExecutionCompletedEventAttributes',
      { result: { payloads: end.result ? [end.result] : [] }, workflowTaskCompletedEventId: 0 },
      nowMs,
    );
    s.status = Status.WORKFLOW_EXECUTION_STATUS_COMPLETED;
  } else {
    standalone.outcome = { failure: encodeBase64('temporal.api.failure.v1.Failure', end.cause) };
    if (end.kind === 'failed') {
      workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        'workflowExecutionFailedEventAttributes',
        {
          failure: end.cause,
          retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
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
        { retryState: RetryState.RETRY_STATE_TIMEOUT },
        nowMs,
      );
      s.status = Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
    }
  }
  s.closeTimeMs = nowMs;
}
