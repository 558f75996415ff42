// Traces: the seam between the code that makes spans (RPCs, Nexus attempts, completion callbacks) and the
// OpenTelemetry SDK that exports them. Tracing is off unless the OTEL_* variables name an OTLP endpoint
// (tracing-config.ts); only then is the SDK loaded (tracing-sdk.ts). Off, `isEnabled` is false and
// callers make no span at all: no object, no header parsing, so the hot path pays one boolean test.
// Trace context travels as W3C text maps (`traceparent`, `tracestate`): in gRPC metadata, in Nexus
// headers, and JSON-encoded in the `_tracer-data` Temporal header the SDKs' OpenTelemetry interceptors write.
import type { Header } from './proto';

/** A W3C trace context carrier: `traceparent` and, if any, `tracestate`, by their lowercase names. */
export type TraceContext = Readonly<Record<string, string>>;

export type SpanKindName = 'server' | 'client' | 'internal';

export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

export interface TraceSpan {
  setAttribute(key: string, value: string | number | boolean): void;
  /** Marks the span failed (status ERROR) with what went wrong. */
  fail(message: string): void;
  end(): void;
  /** The trace context that names this span as the parent, for the next hop. */
  context(): TraceContext;
}

export interface Tracing {
  /** False when tracing is off: then callers make no spans (and startSpan would return a no-op). */
  readonly isEnabled: boolean;
  /** A span; `parent` is the caller's trace context, undefined for a new trace. Never throws. */
  startSpan(name: string, kind: SpanKindName, parent: TraceContext | undefined, attributes: SpanAttributes): TraceSpan;
  /** Exports what is queued (at a clean stop); bounded in time, never rejects. */
  shutdown(): Promise<void>;
}

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';
/** The Temporal header the SDKs' OpenTelemetry interceptors carry the trace context in. */
export const TRACER_DATA_HEADER = '_tracer-data';

/** Span attributes: the namespace, and the workflow and run ids as the Temporal server names them. */
export const ATTRIBUTE_NAMESPACE = 'temporalNamespace';
export const ATTRIBUTE_WORKFLOW_ID = 'temporalWorkflowID';
export const ATTRIBUTE_RUN_ID = 'temporalRunID';

const NOOP_SPAN: TraceSpan = {
  setAttribute: () => undefined,
  fail: () => undefined,
  end: () => undefined,
  context: () => ({}),
};

export const NO_TRACING: Tracing = {
  isEnabled: false,
  startSpan: () => NOOP_SPAN,
  shutdown: () => Promise.resolve(),
};

/** The trace context of a Nexus header (names are case-insensitive), or undefined without a traceparent. */
export function traceContextOfNexusHeader(
  header: Readonly<Record<string, string>> | null | undefined,
): TraceContext | undefined {
  if (!header) return undefined;
  let traceparent: string | undefined;
  let tracestate: string | undefined;
  for (const [key, value] of Object.entries(header)) {
    const name = key.toLowerCase();
    if (name === TRACEPARENT) traceparent = value;
    else if (name === TRACESTATE) tracestate = value;
  }
  if (traceparent === undefined) return undefined;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/**
 * The trace context in a Temporal header's `_tracer-data` field: a json/plain payload of a text map, as
 * the SDKs' interceptors write it. Undefined when absent or unreadable (a bad header never fails a request).
 */
export function traceContextOfTemporalHeader(header: Header | null | undefined): TraceContext | undefined {
  const payload = header?.fields?.[TRACER_DATA_HEADER];
  if (!payload?.data || payload.data.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload.data).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const map = Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    return traceContextOfNexusHeader(map);
  } catch {
    return undefined;
  }
}

/** `header` with its trace context replaced by `context` (any casing of the old names removed). */
export function withTraceContext(
  header: Readonly<Record<string, string>> | null | undefined,
  context: TraceContext,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(header ?? {})) {
    const name = key.toLowerCase();
    if (name !== TRACEPARENT && name !== TRACESTATE) result[key] = value;
  }
  return { ...result, ...context };
}
