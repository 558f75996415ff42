// Reading requests and writing responses of the Nexus HTTP handler (node:http): bounded body reads, the
// handler error a route throws, and failure responses written as the Temporal server writes them
// (status from the handler error type, Failure JSON body, deprecated headers kept for older clients).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstValues, NexusHeader, type HeaderMap } from './nexus-headers';
import { HandlerErrorType, statusOfHandlerError } from './handler-error-status';
import { handlerErrorNexusFailure, type NexusFailure } from './nexus-failure';

/** The Temporal server's cap on a Nexus request body (`rpc.MaxNexusAPIRequestBodyBytes`). */
export const NEXUS_BODY_SIZE_MAX_BYTES = 2 * 1024 * 1024;

/** An expected failure of a Nexus HTTP request: written as a handler error of `type`. */
export class NexusRequestError extends Error {
  override name = 'NexusRequestError';
  constructor(
    readonly type: HandlerErrorType,
    message: string,
    readonly retryable?: boolean,
  ) {
    super(message);
  }
}

export function badRequest(message: string): NexusRequestError {
  return new NexusRequestError(HandlerErrorType.BadRequest, message);
}

export function requestHeaders(request: IncomingMessage): HeaderMap {
  return firstValues(request.headersDistinct);
}

export function headerValues(request: IncomingMessage, name: string): readonly string[] {
  return request.headersDistinct[name] ?? [];
}

/** Reads the whole body, refusing more than `limitBytes`. */
export function readBody(request: IncomingMessage, limitBytes = NEXUS_BODY_SIZE_MAX_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limitBytes) {
      reject(badRequest(`request body exceeds the limit of ${limitBytes} bytes`));
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    request.on('data', (chunk: Buffer) => {
      if (isDone) return;
      size += chunk.length;
      if (size > limitBytes) {
        isDone = true;
        reject(badRequest(`request body exceeds the limit of ${limitBytes} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (isDone) return;
      isDone = true;
      resolve(Buffer.concat(chunks));
    });
    request.on('error', (error) => {
      if (isDone) return;
      isDone = true;
      reject(badRequest(`failed reading the request body: ${error.message}`));
    });
  });
}

function isFailureSupported(request: IncomingMessage): boolean {
  return request.headers[NexusHeader.FailureSupport] === 'true';
}

/**
 * Writes a failure body. Callers that did not say `temporal-nexus-failure-support: true` get only the cause
 * of a wrapper failure (the Temporal server's compatibility rule for older peers).
 */
export function writeFailure(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  failure: NexusFailure,
  headers: HeaderMap = {},
): void {
  const body = !isFailureSupported(request) && failure.cause ? failure.cause : failure;
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { ...headers, 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Writes a handler error from its Nexus failure (whose details name the type). */
export function writeHandlerError(
  request: IncomingMessage,
  response: ServerResponse,
  type: string,
  failure: NexusFailure,
  retryable: boolean | undefined,
  headers: HeaderMap = {},
): void {
  const retryHeader: HeaderMap = retryable === undefined ? {} : { [NexusHeader.RequestRetryable]: String(retryable) };
  writeFailure(request, response, statusOfHandlerError(type), failure, { ...headers, ...retryHeader });
}

export function writeRequestError(request: IncomingMessage, response: ServerResponse, error: NexusRequestError): void {
  writeHandlerError(
    request,
    response,
    error.type,
    handlerErrorNexusFailure(error.type, error.message, error.retryable),
    error.retryable,
  );
}
