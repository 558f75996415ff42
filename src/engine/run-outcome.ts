// What a handler run's close (or its update's completion) means for the Nexus operation that started it:
// the outcome, and the link the handler gives its caller. Read by completion callbacks (callbacks.ts)
// and applied to the caller by nexus-completion.ts.
import { type Failure, temporal, long } from '../common/proto';

/** The outcome a handler run's close event means for the operation that started it. */
export type NexusOutcome =
  | { readonly kind: 'succeeded'; readonly result: temporal.api.common.v1.IPayload | null }
  | { readonly kind: 'failed' | 'canceled' | 'timed-out'; readonly cause: Failure };

export function outcomeOfClose(event: temporal.api.history.v1.IHistoryEvent): NexusOutcome | undefined {
  if (event.workflowExecutionCompletedEventAttributes) {
    return { kind: 'succeeded', result: event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0] ?? null };
  }
  if (event.workflowExecutionFailedEventAttributes) {
    return {
      kind: 'failed',
      cause: event.workflowExecutionFailedEventAttributes.failure ?? { message: 'workflow failed' },
    };
  }
  if (event.workflowExecutionCanceledEventAttributes) {
    return {
      kind: 'canceled',
      cause: {
        message: 'operation canceled',
        canceledFailureInfo: { details: event.workflowExecutionCanceledEventAttributes.details ?? null },
      },
    };
  }
  if (event.workflowExecutionTerminatedEventAttributes) {
    return { kind: 'failed', cause: { message: 'operation terminated', terminatedFailureInfo: {} } };
  }
  if (event.workflowExecutionTimedOutEventAttributes) {
    return {
      kind: 'failed',
      cause: {
        message: 'operation exceeded internal timeout',
        timeoutFailureInfo: { timeoutType: temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE },
      },
    };
  }
  return undefined;
}

/** The link a handler run gives its caller: its WorkflowExecutionStarted event. */
export function handlerStartLink(namespace: string, workflowId: string, runId: string): temporal.api.common.v1.ILink {
  return {
    workflowEvent: {
      namespace,
      workflowId,
      runId,
      eventRef: { eventId: long(1), eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    },
  };
}
