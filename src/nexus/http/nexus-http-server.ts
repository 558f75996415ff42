// The Nexus RPC HTTP handler on --http-port (node:http, no framework). Routes, as the Temporal frontend
// serves them (common/nexus/routes.go):
//   POST /nexus/endpoints/{endpointId}/services/{service}/{operation}             start
//   POST /nexus/endpoints/{endpointId}/services/{service}/{operation}/cancel      cancel (token in header)
//   POST /namespaces/{ns}/task-queues/{tq}/nexus-services/{service}/{operation}[/cancel]
//   POST /namespaces/{ns}/nexus/callback  and  POST /nexus/callback                 completion callbacks
// and, beside them, the Temporal HTTP API (/api/v1/..., api/http-api) when server.ts gives it.
// A request that is not POST gets 400, an unknown path 404; every failure is a handler error with a
// Failure JSON body, and no request can take the process down.
import * as http from 'node:http';
import { verifiedPeerCertificate } from '../../common/tls-peer';
import { listenHttp, type HttpTls } from '../../common/http-listener';
import { ErrorCode, ServiceError } from '../../common/errors';
import type { NexusHttpDeps } from './http-deps';
import { badRequest, NexusRequestError, requestHeaders, writeFailure, writeRequestError } from './http-io';
import { HandlerErrorType, statusOfHandlerError } from './handler-error-status';
import { handlerErrorNexusFailure } from './nexus-failure';
import { NexusHeader } from './nexus-headers';
import {
  cancelOperation,
  startOperation,
  targetOfEndpoint,
  targetOfTaskQueue,
  type DispatchTarget,
} from './operation-routes';
import { completeOperation } from './completion-route';
import { isForwarded, proxyRequest } from './http-proxy';

export const HTTP_CONNECTIONS_MAX = 10_000;
const SERVICE_NAME_LENGTH_MAX = 1000;

export interface NexusHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

type Route =
  | { readonly kind: 'operation'; readonly target: () => DispatchTarget; readonly rest: readonly string[] }
  | { readonly kind: 'callback'; readonly namespace: string | undefined }
  | { readonly kind: 'not-found' };

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest('failed to parse URL path');
  }
}

function routeOf(deps: NexusHttpDeps, path: string): Route {
  const parts = path.split('/');
  if (parts[0] !== '') return { kind: 'not-found' };
  const [, first, second, third, fourth, fifth] = parts;
  if (first === 'nexus' && second === 'endpoints' && third !== undefined && fourth === 'services') {
    const endpointId = decodeSegment(third);
    return { kind: 'operation', target: () => targetOfEndpoint(deps, endpointId), rest: parts.slice(5) };
  }
  if (
    first === 'namespaces' &&
    second !== undefined &&
    third === 'task-queues' &&
    fourth !== undefined &&
    fifth === 'nexus-services'
  ) {
    const namespace = decodeSegment(second);
    const taskQueue = decodeSegment(fourth);
    return { kind: 'operation', target: () => targetOfTaskQueue(deps, namespace, taskQueue), rest: parts.slice(6) };
  }
  if (
    first === 'namespaces' &&
    second !== undefined &&
    third === 'nexus' &&
    fourth === 'callback' &&
    parts.length === 5
  ) {
    return { kind: 'callback', namespace: decodeSegment(second) };
  }
  if (path === '/nexus/callback') return { kind: 'callback', namespace: undefined };
  return { kind: 'not-found' };
}

const NOT_FOUND = (): NexusRequestError => new NexusRequestError(HandlerErrorType.NotFound, 'not found');

async function serveOperation(
  deps: NexusHttpDeps,
  route: Extract<Route, { kind: 'operation' }>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const [rawService, rawOperation, third, fourth, ...extra] = route.rest;
  if (!rawService || !rawOperation || extra.length > 0) throw NOT_FOUND();
  const service = decodeSegment(rawService);
  const operation = decodeSegment(rawOperation);
  if (service.length > SERVICE_NAME_LENGTH_MAX || operation.length > SERVICE_NAME_LENGTH_MAX)
    throw badRequest('service or operation name is too long');
  await admit(deps, route.target(), request);
  if (third === undefined) return startOperation(deps, route.target(), service, operation, request, response);
  // The legacy form /{service}/{operation}/{token}/cancel is still accepted, as by the Temporal server.
  if (fourth === 'cancel')
    return cancelOperation(deps, route.target(), service, operation, decodeSegment(third), request, response);
  if (third !== 'cancel' || fourth !== undefined) throw NOT_FOUND();
  const token =
    requestHeaders(request)[NexusHeader.OperationToken] ||
    new URL(request.url ?? '/', 'http://nexus').searchParams.get('token') ||
    '';
  if (!token) throw badRequest('missing operation token');
  return cancelOperation(deps, route.target(), service, operation, token, request, response);
}

/** The API's credential check of a dispatch, its refusal as the Nexus handler error of the same meaning. */
async function admit(deps: NexusHttpDeps, target: DispatchTarget, request: http.IncomingMessage): Promise<void> {
  if (!deps.admitDispatch) return;
  const authorization = request.headers.authorization;
  try {
    await deps.admitDispatch(
      authorization,
      deps.namespaces.findById(target.namespaceId)?.name ?? '',
      verifiedPeerCertificate(request),
    );
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    switch (error.code) {
      case ErrorCode.Unauthenticated:
        throw new NexusRequestError(HandlerErrorType.Unauthenticated, error.message, false);
      case ErrorCode.PermissionDenied:
        throw new NexusRequestError(HandlerErrorType.Unauthorized, error.message, false);
      case ErrorCode.ResourceExhausted:
        throw new NexusRequestError(HandlerErrorType.ResourceExhausted, error.message, true);
      default:
        throw error;
    }
  }
}

async function serve(deps: NexusHttpDeps, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  // The Temporal HTTP API goes through this process's gRPC port, which routes it in a cluster.
  if (deps.otherRoutes?.(request, response)) return;
  // A request target no URL parser takes is no route, here or at the member it would go to.
  if (!URL.canParse(request.url ?? '/', 'http://causeway')) throw NOT_FOUND();
  const leader = isForwarded(request) ? undefined : deps.forwardTo();
  if (leader !== undefined) {
    try {
      return await proxyRequest(leader, deps.memberId, request, response);
    } catch (error) {
      throw new NexusRequestError(
        HandlerErrorType.Unavailable,
        `the Causeway process serving Nexus requests is unreachable: ${String(error)}`,
      );
    }
  }
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const route = routeOf(deps, path);
  if (route.kind === 'not-found') throw NOT_FOUND();
  if (request.method !== 'POST')
    throw badRequest(`invalid request method: expected POST, got "${request.method ?? ''}"`);
  if (route.kind === 'callback') return completeOperation(deps, route.namespace, request, response);
  return serveOperation(deps, route, request, response);
}

function handle(deps: NexusHttpDeps, request: http.IncomingMessage, response: http.ServerResponse): void {
  request.on('error', () => response.destroy());
  response.on('error', () => request.destroy());
  serve(deps, request, response).catch((error: unknown) => {
    if (response.headersSent || response.destroyed) return;
    if (error instanceof NexusRequestError) {
      writeRequestError(request, response, error);
      return;
    }
    deps.logger.error('nexus http request failed', { path: request.url, error: String(error) });
    writeFailure(
      request,
      response,
      statusOfHandlerError(HandlerErrorType.Internal),
      handlerErrorNexusFailure(HandlerErrorType.Internal, 'internal error'),
    );
  });
}

export type { HttpTls };

export async function startNexusHttpServer(
  deps: NexusHttpDeps,
  host: string,
  port: number,
  secure?: HttpTls,
): Promise<NexusHttpServer> {
  const listening = await listenHttp({
    name: 'nexus http',
    clock: deps.clock,
    logger: deps.logger,
    host,
    port,
    tls: secure,
    connectionsMax: HTTP_CONNECTIONS_MAX,
    listener: (request, response) => handle(deps, request, response),
  });
  listening.server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return { port: listening.port, close: () => listening.close() };
}
