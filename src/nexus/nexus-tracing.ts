// The spans of the Nexus module (made only when tracing is on):
// - `nexus.StartOperation` / `nexus.CancelOperation`: one per attempt a caller workflow or a standalone
//   operation makes, a child of the `traceparent` in the operation's Nexus header (the caller SDK's
//   span); the request to the handler carries this span's own context, so the handler's spans are its
//   children;
// - `nexus.CompletionCallback`: one per delivery attempt of a completion callback, a child of the trace
//   context the closed run was started with (`_tracer-data` of its WorkflowExecutionStarted event), else of
//   a `traceparent` among the callback's headers;
// - `nexus.http.StartOperation` / `nexus.http.CancelOperation` / `nexus.http.CompletionCallback`: one per
//   Nexus HTTP request dispatched to a worker or applying a completion, a child of its `traceparent`.
import type { Failure, Header } from '../common/proto';
import {
  ATTRIBUTE_NAMESPACE,
  ATTRIBUTE_RUN_ID,
  ATTRIBUTE_WORKFLOW_ID,
  traceContextOfNexusHeader,
  traceContextOfTemporalHeader,
  type SpanAttributes,
  type TraceContext,
  type TraceSpan,
  type Tracing,
} from '../common/tracing';

/** As the SDKs' OpenTelemetry interceptors name them. */
export const ATTRIBUTE_ENDPOINT = 'temporalNexusEndpoint';
export const ATTRIBUTE_SERVICE = 'temporalNexusService';
export const ATTRIBUTE_OPERATION = 'temporalNexusOperation';
export const ATTRIBUTE_ATTEMPT = 'temporalNexusAttempt';
export const ATTRIBUTE_OUTCOME = 'temporalNexusOutcome';

export type AttemptKind = 'start' | 'cancel';

export interface AttemptSpanParams {
  readonly kind: AttemptKind;
  readonly callerNamespace: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly endpoint: string;
  readonly service: string;
  readonly operation: string;
  readonly attempt: number;
  /** The header the request to the handler carries (the operation's Nexus header, lowercase names). */
  readonly header: Readonly<Record<string, string>> | null | undefined;
}

export function startAttemptSpan(tracing: Tracing, params: AttemptSpanParams): TraceSpan {
  return tracing.startSpan(
    params.kind === 'start' ? 'nexus.StartOperation' : 'nexus.CancelOperation',
    'client',
    traceContextOfNexusHeader(params.header),
    {
      [ATTRIBUTE_NAMESPACE]: params.callerNamespace,
      [ATTRIBUTE_WORKFLOW_ID]: params.workflowId,
      [ATTRIBUTE_RUN_ID]: params.runId,
      [ATTRIBUTE_ENDPOINT]: params.endpoint,
      [ATTRIBUTE_SERVICE]: params.service,
      [ATTRIBUTE_OPERATION]: params.operation,
      [ATTRIBUTE_ATTEMPT]: params.attempt,
    },
  );
}

/** Ends a span with its outcome label (as nexus_requests labels it); failed unless it succeeded or started. */
export function endOutcomeSpan(span: TraceSpan, outcome: string, failure?: Failure): void {
  span.setAttribute(ATTRIBUTE_OUTCOME, outcome);
  if (failure) span.fail(failure.message || outcome);
  span.end();
}

export interface CallbackSpanParams {
  readonly handlerNamespace: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly attempt: number;
  /** `system` (a caller of this server) or `http`. */
  readonly target: string;
  /** The header of the closed run's WorkflowExecutionStarted event. */
  readonly startHeader: Header | null | undefined;
  readonly callbackHeader: Readonly<Record<string, string>> | null | undefined;
}

export function startCallbackSpan(tracing: Tracing, params: CallbackSpanParams): TraceSpan {
  const parent = traceContextOfTemporalHeader(params.startHeader) ?? traceContextOfNexusHeader(params.callbackHeader);
  return tracing.startSpan('nexus.CompletionCallback', 'client', parent, {
    [ATTRIBUTE_NAMESPACE]: params.handlerNamespace,
    [ATTRIBUTE_WORKFLOW_ID]: params.workflowId,
    [ATTRIBUTE_RUN_ID]: params.runId,
    [ATTRIBUTE_ATTEMPT]: params.attempt,
    temporalNexusCallbackTarget: params.target,
  });
}

/** A span of a Nexus HTTP request, a child of the trace context in its headers (lowercase names). */
export function startHttpSpan(
  tracing: Tracing,
  name: string,
  headers: Readonly<Record<string, string>>,
  attributes: SpanAttributes,
): TraceSpan {
  const parent: TraceContext | undefined = traceContextOfNexusHeader(headers);
  return tracing.startSpan(`nexus.http.${name}`, 'server', parent, attributes);
}
