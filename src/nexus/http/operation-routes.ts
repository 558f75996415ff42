// Start and cancel over HTTP for worker targets: the request becomes a temporal.api.nexus.v1.Request
// dispatched as a Nexus task to the target task queue (the same NexusTaskDispatcher caller workflows
// use), and the worker's answer becomes the HTTP response: 200 with the result, 201 with the operation
// token, 202 for a cancel, 424 with an OperationError, a handler error with its status, or 520 when no
// worker answered in time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { temporal, type Failure } from '../../common/proto';
import { timestampFromMs } from '../../common/time';
import type { HandlerReply } from '../handler-outcome';
import { ATTRIBUTE_NAMESPACE, withTraceContext } from '../../common/tracing';
import {
  ATTRIBUTE_ENDPOINT,
  ATTRIBUTE_OPERATION,
  ATTRIBUTE_SERVICE,
  endOutcomeSpan,
  startHttpSpan,
} from '../nexus-tracing';
import type { NexusHttpDeps } from './http-deps';
import {
  badRequest,
  headerValues,
  NEXUS_BODY_SIZE_MAX_BYTES,
  NexusRequestError,
  readBody,
  requestHeaders,
  writeFailure,
  writeHandlerError,
} from './http-io';
import {
  CALLBACK_HEADER_PREFIX,
  CONTENT_HEADER_PREFIX,
  decodeLinkHeaders,
  encodeLinkHeader,
  formatNexusDuration,
  handlerHeaders,
  NexusHeader,
  parseNexusDuration,
  prefixStripped,
  type HeaderMap,
  type NexusLink,
} from './nexus-headers';
import { HandlerErrorType, statusOfHandlerError, STATUS_OPERATION_UNSUCCESSFUL } from './handler-error-status';
import { contentToPayload, payloadToContent } from './payload-content';
import {
  handlerErrorNexusFailure,
  nexusProtoFailureToJson,
  operationErrorFailure,
  temporalFailureToNexus,
  type NexusFailure,
} from './nexus-failure';

/** No Request-Timeout: wait as long as the Temporal server's matching client does. */
export const HTTP_DISPATCH_TIMEOUT_MAX_MS = 60_000;
/** Answer (520) a little before the caller's own deadline, so the caller reads an answer, not a timeout. */
const DISPATCH_TIMEOUT_MARGIN_MAX_MS = 500;

const RetryBehavior = temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;

/** Where a request is dispatched: resolved from an endpoint id or named by namespace and task queue. */
export interface DispatchTarget {
  readonly namespaceId: string;
  readonly taskQueue: string;
  readonly endpointName: string;
}

export function targetOfEndpoint(deps: NexusHttpDeps, endpointId: string): DispatchTarget {
  const endpoint = endpointId ? deps.endpoints.resolve(endpointId, '') : undefined;
  if (!endpoint || endpoint.id !== endpointId)
    throw new NexusRequestError(HandlerErrorType.NotFound, 'nexus endpoint not found', false);
  const worker = endpoint.spec.target?.worker;
  if (!worker) throw badRequest('invalid endpoint target');
  const namespace = deps.namespaces.findByName(worker.namespace ?? '');
  if (!namespace) throw new NexusRequestError(HandlerErrorType.NotFound, 'invalid endpoint target', true);
  return { namespaceId: namespace.id, taskQueue: worker.taskQueue ?? '', endpointName: endpoint.name };
}

export function targetOfTaskQueue(deps: NexusHttpDeps, namespaceName: string, taskQueue: string): DispatchTarget {
  const namespace = deps.namespaces.findByName(namespaceName);
  if (!namespace) throw new NexusRequestError(HandlerErrorType.NotFound, `namespace not found: "${namespaceName}"`);
  if (!taskQueue) throw badRequest('task queue is not set');
  return { namespaceId: namespace.id, taskQueue, endpointName: '' };
}

/** The time a dispatch may take: the caller's Request-Timeout less a margin, at most the server maximum. */
function dispatchTimeoutMs(headers: HeaderMap): number {
  const raw = headers[NexusHeader.RequestTimeout];
  if (raw === undefined) return HTTP_DISPATCH_TIMEOUT_MAX_MS;
  const requested = parseNexusDuration(raw);
  if (requested === undefined) throw badRequest('invalid request timeout header');
  const capped = Math.min(requested, HTTP_DISPATCH_TIMEOUT_MAX_MS);
  return Math.max(0, capped - Math.min(DISPATCH_TIMEOUT_MARGIN_MAX_MS, Math.floor(capped / 10)));
}

function requestBase(
  deps: NexusHttpDeps,
  target: DispatchTarget,
  headers: HeaderMap,
  excluded: readonly string[],
  timeoutMs: number,
): temporal.api.nexus.v1.IRequest {
  return {
    header: { ...handlerHeaders(headers, excluded), [NexusHeader.RequestTimeout]: formatNexusDuration(timeoutMs) },
    scheduledTime: timestampFromMs(deps.clock.nowMs()),
    endpoint: target.endpointName,
    // As the Temporal server: a worker may answer in the new failure format only to a caller that said it reads it.
    capabilities: { temporalFailureResponses: headers[NexusHeader.FailureSupport] === 'true' },
  };
}

export async function startOperation(
  deps: NexusHttpDeps,
  target: DispatchTarget,
  service: string,
  operation: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const headers = requestHeaders(request);
  let links: NexusLink[];
  try {
    links = decodeLinkHeaders(headerValues(request, NexusHeader.Link));
  } catch {
    throw badRequest(`invalid "Nexus-Link" header`);
  }
  const timeoutMs = dispatchTimeoutMs(headers);
  const body = await readBody(request);
  let payload: temporal.api.common.v1.IPayload;
  try {
    payload = contentToPayload({ header: prefixStripped(headers, CONTENT_HEADER_PREFIX), data: body });
  } catch {
    throw badRequest('invalid input');
  }
  if (temporal.api.common.v1.Payload.encode(payload).finish().length > NEXUS_BODY_SIZE_MAX_BYTES)
    throw badRequest('input exceeds size limit');
  const callback = new URL(request.url ?? '/', 'http://nexus').searchParams.get('callback') ?? '';
  const nexusRequest: temporal.api.nexus.v1.IRequest = {
    ...requestBase(deps, target, headers, [CONTENT_HEADER_PREFIX, CALLBACK_HEADER_PREFIX], timeoutMs),
    startOperation: {
      service,
      operation,
      callback,
      payload,
      links: links.map((link) => ({ url: link.url, type: link.type })),
      requestId: headers[NexusHeader.RequestId] || deps.ids.uuid(),
      callbackHeader: prefixStripped(headers, CALLBACK_HEADER_PREFIX),
    },
  };
  const reply = await dispatch(deps, 'StartOperation', target, service, operation, headers, nexusRequest, timeoutMs);
  writeStartReply(request, response, reply);
}

export async function cancelOperation(
  deps: NexusHttpDeps,
  target: DispatchTarget,
  service: string,
  operation: string,
  token: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const headers = requestHeaders(request);
  delete headers[NexusHeader.OperationToken];
  const timeoutMs = dispatchTimeoutMs(headers);
  await readBody(request);
  const nexusRequest: temporal.api.nexus.v1.IRequest = {
    ...requestBase(deps, target, headers, [], timeoutMs),
    cancelOperation: { service, operation, operationToken: token, operationId: token },
  };
  const reply = await dispatch(deps, 'CancelOperation', target, service, operation, headers, nexusRequest, timeoutMs);
  if (reply.kind === 'response') {
    response.writeHead(202);
    response.end();
    return;
  }
  writeErrorReply(request, response, reply);
}

/**
 * Dispatches the request to a worker; with tracing on, in a span (a child of the HTTP request's
 * `traceparent`) whose context the request carries in place of the caller's.
 */
async function dispatch(
  deps: NexusHttpDeps,
  name: 'StartOperation' | 'CancelOperation',
  target: DispatchTarget,
  service: string,
  operation: string,
  headers: HeaderMap,
  request: temporal.api.nexus.v1.IRequest,
  timeoutMs: number,
): Promise<HandlerReply> {
  const tracing = deps.tracing;
  if (!tracing?.isEnabled) return deps.dispatcher.dispatch(target.namespaceId, target.taskQueue, request, timeoutMs);
  const span = startHttpSpan(tracing, name, headers, {
    [ATTRIBUTE_NAMESPACE]: deps.namespaces.findById(target.namespaceId)?.name ?? '',
    [ATTRIBUTE_ENDPOINT]: target.endpointName,
    [ATTRIBUTE_SERVICE]: service,
    [ATTRIBUTE_OPERATION]: operation,
  });
  try {
    const header = withTraceContext(request.header, span.context());
    const reply = await deps.dispatcher.dispatch(
      target.namespaceId,
      target.taskQueue,
      { ...request, header },
      timeoutMs,
    );
    const failure =
      reply.kind === 'handler-error'
        ? reply.failure
        : reply.kind === 'timeout'
          ? { message: 'upstream timeout' }
          : undefined;
    endOutcomeSpan(span, reply.kind, failure);
    return reply;
  } catch (error) {
    endOutcomeSpan(span, 'error', { message: String(error) });
    throw error;
  }
}

const FROM_WORKER: HeaderMap = { [NexusHeader.FailureSource]: 'worker' };

function writeErrorReply(
  request: IncomingMessage,
  response: ServerResponse,
  reply: Exclude<HandlerReply, { kind: 'response' }>,
): void {
  if (reply.kind === 'timeout') {
    writeHandlerError(
      request,
      response,
      HandlerErrorType.UpstreamTimeout,
      handlerErrorNexusFailure(HandlerErrorType.UpstreamTimeout, 'upstream timeout'),
      undefined,
      FROM_WORKER,
    );
    return;
  }
  writeWorkerFailure(request, response, reply.failure);
}

/** A worker's RespondNexusTaskFailed: a handler error when it says so, else an internal error with the failure. */
function writeWorkerFailure(request: IncomingMessage, response: ServerResponse, failure: Failure): void {
  const nexusFailure = temporalFailureToNexus(failure);
  const info = failure.nexusHandlerFailureInfo;
  if (!info) {
    writeFailure(request, response, statusOfHandlerError(HandlerErrorType.Internal), nexusFailure, FROM_WORKER);
    return;
  }
  const retryable =
    info.retryBehavior === RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE
      ? true
      : info.retryBehavior === RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE
        ? false
        : undefined;
  writeHandlerError(request, response, info.type ?? '', nexusFailure, retryable, FROM_WORKER);
}

function linkHeaders(links: readonly temporal.api.nexus.v1.ILink[] | null | undefined): string[] {
  const encoded: string[] = [];
  for (const link of links ?? []) {
    try {
      encoded.push(encodeLinkHeader({ url: link.url ?? '', type: link.type ?? '' }));
    } catch {
      // a malformed link from a worker is dropped: links are informational
    }
  }
  return encoded;
}

function writeOperationError(
  request: IncomingMessage,
  response: ServerResponse,
  state: 'failed' | 'canceled',
  cause: NexusFailure,
): void {
  writeFailure(request, response, STATUS_OPERATION_UNSUCCESSFUL, operationErrorFailure(state, cause), {
    ...FROM_WORKER,
    [NexusHeader.OperationState]: state,
  });
}

function writeStartReply(request: IncomingMessage, response: ServerResponse, reply: HandlerReply): void {
  if (reply.kind !== 'response') return writeErrorReply(request, response, reply);
  const start = reply.response.startOperation;
  if (start?.syncSuccess) {
    const content = payloadToContent(start.syncSuccess.payload);
    const headers: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(content.header)) headers[`content-${key}`] = value;
    const links = linkHeaders(start.syncSuccess.links);
    if (links.length > 0) headers[NexusHeader.Link] = links;
    response.writeHead(200, headers);
    response.end(Buffer.from(content.data));
    return;
  }
  if (start?.asyncSuccess) {
    const token = start.asyncSuccess.operationToken || start.asyncSuccess.operationId || '';
    if (!token)
      return writeFailure(
        request,
        response,
        500,
        { message: 'the handler returned an empty operation token' },
        FROM_WORKER,
      );
    const links = linkHeaders(start.asyncSuccess.links);
    response.writeHead(201, {
      'content-type': 'application/json',
      ...(links.length > 0 ? { [NexusHeader.Link]: links } : {}),
    });
    response.end(JSON.stringify({ token, state: 'running' }));
    return;
  }
  if (start?.failure) {
    return writeOperationError(
      request,
      response,
      start.failure.canceledFailureInfo ? 'canceled' : 'failed',
      temporalFailureToNexus(start.failure),
    );
  }
  if (start?.operationError) {
    const state = start.operationError.operationState === 'canceled' ? 'canceled' : 'failed';
    return writeOperationError(request, response, state, nexusProtoFailureToJson(start.operationError.failure));
  }
  writeHandlerError(
    request,
    response,
    HandlerErrorType.Internal,
    handlerErrorNexusFailure(HandlerErrorType.Internal, 'empty outcome'),
    undefined,
    FROM_WORKER,
  );
}
