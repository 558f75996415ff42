// An in-process OTLP/HTTP trace receiver for tests: a node:http server on 127.0.0.1 that accepts
// POST /v1/traces in both encodings (application/json, and application/x-protobuf decoded with the
// OpenTelemetry exporter's own generated protos) and keeps every span it was sent, flattened.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly resource: Readonly<Record<string, AttributeValue>>;
}

export interface OtlpReceiver {
  /** The base URL (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** The headers and content type of each request received. */
  readonly requests: { readonly headers: http.IncomingHttpHeaders; readonly contentType: string }[];
  close(): Promise<void>;
}

interface KeyValue {
  key?: string;
  value?: { stringValue?: string; intValue?: unknown; boolValue?: boolean; doubleValue?: number } | null;
}

interface OtlpSpan {
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  name?: string;
  kind?: number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string } | null;
}

interface OtlpRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] } | null; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const RECEIVED_BODY_MAX_BYTES = 16 * 1024 * 1024;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const protoRoot = require('@opentelemetry/otlp-transformer/build/src/generated/root') as {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: { decode(bytes: Uint8Array): OtlpRequest } } };
      };
    };
  };
};

function hexOf(id: unknown): string {
  if (typeof id === 'string') return id;
  if (id instanceof Uint8Array) return Buffer.from(id).toString('hex');
  return '';
}

function valueOf(value: KeyValue['value']): AttributeValue {
  if (!value) return '';
  if (value.stringValue !== undefined && value.stringValue !== null) return value.stringValue;
  if (value.boolValue !== undefined && value.boolValue !== null) return value.boolValue;
  if (value.intValue !== undefined && value.intValue !== null) return Number(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) return value.doubleValue;
  return '';
}

function attributesOf(list: readonly KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key ?? '', valueOf(kv.value)]));
}

function flatten(request: OtlpRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: hexOf(span.traceId),
        spanId: hexOf(span.spanId),
        parentSpanId: hexOf(span.parentSpanId),
        name: span.name ?? '',
        kind: span.kind ?? 0,
        attributes: attributesOf(span.attributes),
        statusCode: span.status?.code ?? 0,
        statusMessage: span.status?.message ?? '',
        resource,
      })),
    );
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= RECEIVED_BODY_MAX_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const contentType = String(request.headers['content-type'] ?? '');
      if (request.method !== 'POST' || request.url !== '/v1/traces' || size > RECEIVED_BODY_MAX_BYTES) {
        response.writeHead(404).end();
        return;
      }
      requests.push({ headers: request.headers, contentType });
      const body = Buffer.concat(chunks);
      try {
        const decoded = contentType.includes('json')
          ? (JSON.parse(body.toString('utf8')) as OtlpRequest)
          : protoRoot.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.decode(body);
        spans.push(...flatten(decoded));
      } catch {
        response.writeHead(400).end();
        return;
      }
      if (contentType.includes('json')) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
