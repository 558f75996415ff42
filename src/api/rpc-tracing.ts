// A server span per gRPC request (tracing on only), named as the Temporal server's spans are:
// `temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution`. Its parent, the first found:
// - for the answer to a Nexus task (RespondNexusTaskCompleted / Failed), the header of the request the
//   task carried, which names the Nexus attempt span (nexus/nexus-tracing.ts);
// - the W3C `traceparent` in the call's metadata (a traced caller, or the member that forwarded it);
// - the trace context the SDKs' OpenTelemetry interceptors put in the request's Temporal header
//   (`_tracer-data`: StartWorkflowExecution, SignalWithStart, Signal, updates, multi-operations).
// Attributes: rpc.*, the namespace and the workflow and run ids where the request (or its task token) has them.
import * as grpc from '@grpc/grpc-js';
import {
  ATTRIBUTE_NAMESPACE,
  ATTRIBUTE_RUN_ID,
  ATTRIBUTE_WORKFLOW_ID,
  TRACEPARENT,
  TRACESTATE,
  traceContextOfNexusHeader,
  traceContextOfTemporalHeader,
  type TraceContext,
  type TraceSpan,
  type Tracing,
} from '../common/tracing';
import type { Header } from '../common/proto';
import { decodeTaskToken } from '../engine/tasks';
import type { NexusTaskDispatcher } from '../nexus/nexus-task-dispatcher';

interface Execution {
  readonly workflowId?: string | null;
  readonly runId?: string | null;
}

/** The request fields a span reads (every field optional: requests differ). */
interface TracedRequest {
  readonly namespace?: unknown;
  readonly workflowId?: unknown;
  readonly runId?: unknown;
  readonly workflowExecution?: Execution | null;
  readonly execution?: Execution | null;
  readonly taskToken?: Uint8Array | null;
  readonly header?: Header | null;
  readonly request?: { readonly input?: { readonly header?: Header | null } | null } | null;
  readonly operations?: readonly { readonly startWorkflow?: { readonly header?: Header | null } | null }[] | null;
}

const NEXUS_ANSWERS: ReadonlySet<string> = new Set(['RespondNexusTaskCompleted', 'RespondNexusTaskFailed']);

export class RpcTracer {
  constructor(
    readonly tracing: Tracing,
    private readonly nexusTasks: Pick<NexusTaskDispatcher, 'requestOf'>,
  ) {}

  start(serviceName: string, method: string, request: unknown, metadata: grpc.Metadata): TraceSpan {
    const name = `${serviceName}/${method}`;
    try {
      const traced = (request ?? {}) as TracedRequest;
      const parent = this.parentOf(method, traced, metadata);
      return this.tracing.startSpan(name, 'server', parent, attributesOf(serviceName, method, traced));
    } catch {
      // A request shaped in a way this did not expect still gets its span, with no parent.
      return this.tracing.startSpan(name, 'server', undefined, {});
    }
  }

  private parentOf(method: string, request: TracedRequest, metadata: grpc.Metadata): TraceContext | undefined {
    if (NEXUS_ANSWERS.has(method)) {
      const parent = this.nexusTaskContext(request.taskToken);
      if (parent) return parent;
    }
    return metadataContext(metadata) ?? traceContextOfTemporalHeader(headerOf(request));
  }

  private nexusTaskContext(taskToken: Uint8Array | null | undefined): TraceContext | undefined {
    try {
      const token = decodeTaskToken(taskToken);
      return token.k === 'nx' ? traceContextOfNexusHeader(this.nexusTasks.requestOf(token.t)?.header) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Ends an RPC's span: the run id a start answered with, the gRPC status, failed unless OK. */
export function endRpcSpan(span: TraceSpan, response: unknown, errorCode: number | undefined, message?: string): void {
  const runId = (response as { runId?: unknown } | null | undefined)?.runId;
  if (typeof runId === 'string' && runId !== '') span.setAttribute(ATTRIBUTE_RUN_ID, runId);
  span.setAttribute('rpc.grpc.status_code', errorCode ?? grpc.status.OK);
  if (errorCode !== undefined && errorCode !== grpc.status.OK) {
    const name = grpc.status[errorCode];
    span.fail(message ?? (typeof name === 'string' ? name : String(errorCode)));
  }
  span.end();
}

/** `metadata` with its trace context replaced by `context` (a forwarded request: its span is the parent). */
export function metadataWithTraceContext(metadata: grpc.Metadata, context: TraceContext): grpc.Metadata {
  const result = metadata.clone();
  result.remove(TRACEPARENT);
  result.remove(TRACESTATE);
  for (const [key, value] of Object.entries(context)) result.set(key, value);
  return result;
}

function metadataContext(metadata: grpc.Metadata): TraceContext | undefined {
  const traceparent = metadata.get(TRACEPARENT)[0];
  if (typeof traceparent !== 'string' || traceparent === '') return undefined;
  const tracestate = metadata.get(TRACESTATE)[0];
  return typeof tracestate === 'string' && tracestate !== '' ? { traceparent, tracestate } : { traceparent };
}

function headerOf(request: TracedRequest): Header | null | undefined {
  return request.header ?? request.request?.input?.header ?? request.operations?.[0]?.startWorkflow?.header;
}

function attributesOf(serviceName: string, method: string, request: TracedRequest): Record<string, string> {
  const attributes: Record<string, string> = { 'rpc.system': 'grpc', 'rpc.service': serviceName, 'rpc.method': method };
  if (typeof request.namespace === 'string' && request.namespace !== '')
    attributes[ATTRIBUTE_NAMESPACE] = request.namespace;
  const execution = request.workflowExecution ?? request.execution;
  let workflowId = typeof request.workflowId === 'string' ? request.workflowId : execution?.workflowId;
  let runId = typeof request.runId === 'string' ? request.runId : execution?.runId;
  if (!workflowId && request.taskToken) [workflowId, runId] = idsOfTaskToken(request.taskToken);
  if (workflowId) attributes[ATTRIBUTE_WORKFLOW_ID] = workflowId;
  if (runId) attributes[ATTRIBUTE_RUN_ID] = runId;
  return attributes;
}

function idsOfTaskToken(taskToken: Uint8Array): [string | undefined, string | undefined] {
  try {
    const token = decodeTaskToken(taskToken);
    return token.k === 'nx' ? [undefined, undefined] : [token.w, token.r];
  } catch {
    return [undefined, undefined];
  }
}
