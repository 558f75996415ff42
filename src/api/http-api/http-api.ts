// The Temporal HTTP API on --http-port: each `/api/v1/...` route (http-routes.ts) becomes the gRPC call it
// is bound to, made inside the process to the public gRPC port's handlers (as grpc-gateway calls the
// Temporal frontend), so routing, forwarding in a cluster, validation and errors are the gRPC API's. Requests and responses
// are proto3 JSON (common/proto-json.ts); an error is grpc-gateway's body `{code, message, details}` with
// the HTTP status grpc-gateway gives its gRPC code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { google, protoRoot } from '../../common/proto';
import { messageFromProtoJson, ProtoJsonError, toProtoJson, type JsonValue } from '../../common/proto-json';
import type { Clock } from '../../common/clock';
import { verifiedPeerCertificate } from '../../common/tls-peer';
import { HTTP_API_PREFIX, matchRoute, PathEncodingError } from './http-routes';
import { InvokeError, type Invoke } from '../grpc-server';
import { GET_ENDPOINT_ACCESS_PATH, LIST_AUDIT_EVENTS_PATH } from '../causeway-service/causeway-proto';
import { ALLOW_NAMESPACES_HEADER } from '../operator-service/nexus-endpoints';
import { AUDIT_HTTP_PATH, auditJsonOf, auditRequestOf } from './audit-route';
import { ENDPOINT_ACCESS_HTTP_PATH, endpointAccessJsonOf, endpointAccessRequestOf } from './endpoint-access-route';

/** Request bodies larger than this are refused (the gRPC port's own limit is larger; JSON is bigger than protobuf). */
export const HTTP_API_BODY_MAX_BYTES = 16 * 1024 * 1024;
/** How long a call may take: long polls last a minute, as on the gRPC port. */
const CALL_TIMEOUT_MS = 75_000;

/** grpc-gateway's HTTP status of each gRPC code (runtime.HTTPStatusFromCode). */
const HTTP_STATUS: Readonly<Record<number, number>> = {
  [grpc.status.OK]: 200,
  [grpc.status.CANCELLED]: 499,
  [grpc.status.UNKNOWN]: 500,
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.DEADLINE_EXCEEDED]: 504,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.ALREADY_EXISTS]: 409,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.UNAUTHENTICATED]: 401,
  [grpc.status.RESOURCE_EXHAUSTED]: 429,
  [grpc.status.FAILED_PRECONDITION]: 400,
  [grpc.status.ABORTED]: 409,
  [grpc.status.OUT_OF_RANGE]: 400,
  [grpc.status.UNIMPLEMENTED]: 501,
  [grpc.status.INTERNAL]: 500,
  [grpc.status.UNAVAILABLE]: 503,
  [grpc.status.DATA_LOSS]: 500,
};

/** Headers passed on as gRPC metadata (credentials, the SDK-style client headers, the W3C trace context). */
const PASSED_HEADERS = [
  'authorization',
  'temporal-namespace',
  'client-name',
  'client-version',
  'traceparent',
  'tracestate',
  // Causeway's endpoint allowlist on endpoint create and update (docs/security.md).
  ALLOW_NAMESPACES_HEADER,
];

class HttpApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpApi {
  /** Serves the request if it is an HTTP API route; false for any other path. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
}

export function createHttpApi(deps: {
  /** The public gRPC port's handlers, once it is bound. */
  readonly invoke: () => Invoke | undefined;
  readonly clock: Clock;
}): HttpApi {
  return {
    handle(request, response) {
      // A request target no URL parser takes (`//[`) is no HTTP API route: the Nexus routes answer 404.
      const url = URL.canParse(request.url ?? '/', 'http://causeway')
        ? new URL(request.url ?? '/', 'http://causeway')
        : undefined;
      if (!url?.pathname.startsWith(HTTP_API_PREFIX)) return false;
      serve(request, response, url, deps.invoke, deps.clock).catch((error: unknown) => {
        if (response.headersSent || response.destroyed) return;
        const status =
          error instanceof HttpApiError
            ? { code: error.code, message: error.message, details: [] }
            : { code: grpc.status.INTERNAL, message: String(error), details: [] };
        writeJson(response, HTTP_STATUS[status.code] ?? 500, status);
      });
      return true;
    },
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  invokeOf: () => Invoke | undefined,
  clock: Clock,
): Promise<void> {
  if (url.pathname === AUDIT_HTTP_PATH && request.method === 'GET') {
    const bytes = await call(request, response, invokeOf, clock, LIST_AUDIT_EVENTS_PATH, auditRequestOf(url));
    if (bytes) writeJson(response, 200, auditJsonOf(bytes));
    return;
  }
  if (url.pathname === ENDPOINT_ACCESS_HTTP_PATH && request.method === 'GET') {
    const requestBytes = endpointAccessRequestOf(url);
    const bytes = await call(request, response, invokeOf, clock, GET_ENDPOINT_ACCESS_PATH, requestBytes);
    if (bytes) writeJson(response, 200, endpointAccessJsonOf(bytes));
    return;
  }
  let matched: ReturnType<typeof matchRoute>;
  try {
    matched = matchRoute(request.method ?? 'GET', url.pathname);
  } catch (error) {
    if (error instanceof PathEncodingError) throw new HttpApiError(grpc.status.INVALID_ARGUMENT, error.message);
    throw error;
  }
  if (!matched) throw new HttpApiError(grpc.status.NOT_FOUND, 'Not Found');
  const { route, values } = matched;
  const json: Record<string, unknown> = {};
  if (route.body) {
    const text = (await readBody(request, response)).toString('utf8');
    let body: unknown = {};
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new HttpApiError(grpc.status.INVALID_ARGUMENT, 'request body is not valid JSON');
    }
    if (route.body === '*') {
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new HttpApiError(grpc.status.INVALID_ARGUMENT, 'request body must be a JSON object');
      Object.assign(json, body);
    } else {
      json[route.body] = body;
    }
  } else {
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      setPath(json, route.requestType, key, all);
    }
  }
  for (const [field, value] of Object.entries(values)) setPath(json, route.requestType, field, [value]);
  let requestBytes: Uint8Array;
  try {
    const message = messageFromProtoJson<object>(route.requestType.fullName.replace(/^\./, ''), json);
    requestBytes = route.requestType.encode(message).finish();
  } catch (error) {
    const message = error instanceof ProtoJsonError ? error.message : String(error);
    throw new HttpApiError(grpc.status.INVALID_ARGUMENT, message);
  }
  try {
    // JSON can hold what protobuf cannot: a lone surrogate (`"\ud800"`) encodes to bytes no decoder takes.
    route.requestType.decode(requestBytes);
  } catch (error) {
    throw new HttpApiError(
      grpc.status.INVALID_ARGUMENT,
      `the request is not a valid ${route.requestType.name}: ${error instanceof Error ? error.message : String(error)}; strings must be valid Unicode (no lone surrogates such as \\ud800)`,
    );
  }
  const bytes = await call(request, response, invokeOf, clock, route.grpcPath, requestBytes);
  if (!bytes) return;
  const decoded = route.responseType.decode(bytes);
  writeJson(response, 200, toProtoJson(route.responseType.fullName.replace(/^\./, ''), decoded));
}

/** Makes the call in process; undefined when it failed and the error has been answered. */
async function call(
  request: IncomingMessage,
  response: ServerResponse,
  invokeOf: () => Invoke | undefined,
  clock: Clock,
  grpcPath: string,
  requestBytes: Uint8Array,
): Promise<Buffer | undefined> {
  const metadata = new grpc.Metadata();
  for (const name of PASSED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') metadata.set(name, value);
  }
  const abort = new AbortController();
  request.on('close', () => {
    if (!response.writableEnded) abort.abort();
  });
  const invoke = invokeOf();
  if (!invoke) throw new HttpApiError(grpc.status.UNAVAILABLE, 'the gRPC port is not serving yet');
  try {
    return await invoke({
      path: grpcPath,
      request: requestBytes,
      metadata,
      deadlineMs: clock.nowMs() + CALL_TIMEOUT_MS,
      signal: abort.signal,
      peerCertificate: verifiedPeerCertificate(request),
    });
  } catch (error) {
    if (!(error instanceof InvokeError)) throw error;
    const code = error.status.code ?? grpc.status.UNKNOWN;
    writeJson(response, HTTP_STATUS[code] ?? 500, errorBody(error.status));
    return undefined;
  }
}

/** Sets a dotted field path (`execution.workflow_id`) of the request JSON, typed as its field. */
function setPath(json: Record<string, unknown>, type: protobuf.Type, path: string, values: readonly string[]): void {
  const parts = path.split('.');
  let target = json;
  let current: protobuf.Type | undefined = type;
  for (const [index, part] of parts.entries()) {
    const field: protobuf.Field | undefined = current?.fields[part] ?? current?.fields[camelCase(part)];
    if (!field) throw new HttpApiError(grpc.status.INVALID_ARGUMENT, `unknown field "${path}" in the request`);
    field.resolve();
    if (index === parts.length - 1) {
      const converted = values.map((value) => scalarOf(field, value));
      target[field.name] = field.repeated ? converted : converted[converted.length - 1];
      return;
    }
    const next = (target[field.name] ??= {}) as Record<string, unknown>;
    target = next;
    current = field.resolvedType && 'fields' in field.resolvedType ? field.resolvedType : undefined;
  }
}

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function scalarOf(field: protobuf.Field, value: string): unknown {
  if (field.type === 'bool') return value === 'true' || value === '1';
  if (['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'double', 'float'].includes(field.type)) {
    const number = Number(value);
    return Number.isNaN(number) ? value : number;
  }
  return value;
}

function errorBody(error: Partial<grpc.StatusObject>): JsonValue {
  const details: JsonValue[] = [];
  const raw = error.metadata?.get('grpc-status-details-bin')?.[0];
  if (raw instanceof Buffer) {
    try {
      const status = google.rpc.Status.decode(raw);
      for (const detail of status.details ?? []) {
        const typeName = (detail.type_url ?? '').split('/').pop() ?? '';
        const type = protoRoot.lookupType(typeName);
        const json = toProtoJson(typeName, type.decode(detail.value ?? new Uint8Array()));
        details.push({
          '@type': detail.type_url ?? '',
          ...(typeof json === 'object' && json && !Array.isArray(json) ? json : {}),
        });
      }
    } catch {
      // Details this build cannot read are left out; the code and message still say what failed.
    }
  }
  return { code: error.code ?? grpc.status.UNKNOWN, message: error.details ?? '', details };
}

function writeJson(response: ServerResponse, status: number, body: JsonValue | object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage, response: ServerResponse): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HTTP_API_BODY_MAX_BYTES) {
        // Read no more, answer, then close the connection: destroying it now would lose the answer.
        request.removeAllListeners('data');
        request.pause();
        response.setHeader('connection', 'close');
        response.once('finish', () => request.destroy());
        reject(
          new HttpApiError(
            grpc.status.RESOURCE_EXHAUSTED,
            `request body is larger than ${HTTP_API_BODY_MAX_BYTES} bytes: send less (the gRPC port takes larger messages)`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
