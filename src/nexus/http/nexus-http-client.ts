// Calls external Nexus endpoints over HTTP for caller workflows (the executor's ExternalNexusClient).
// A start is `POST {url}/{service}/{operation}?callback=<our callback route>` with the request id, the
// callback token as `Nexus-Callback-Temporal-Callback-Token`, links and `Request-Timeout`; the answer is
// read as the Temporal server's HTTP client reads it and handed back as a HandlerReply, which the
// executor classifies once (retry, fail, succeed) and counts against the circuit breaker.
import { type Failure, temporal } from '../../common/proto';
import { NEXUS_OPERATION_TOKEN_LENGTH_MAX } from '../../engine/nexus-operations';
import type { ExternalNexusClient } from '../operation-executor';
import { handlerErrorFailure, type HandlerReply } from '../handler-outcome';
import {
  CALLBACK_HEADER_PREFIX,
  decodeLinkHeaders,
  encodeLinkHeader,
  formatNexusDuration,
  NexusHeader,
  prefixStripped,
  USER_AGENT,
  type HeaderMap,
  type NexusLink,
} from './nexus-headers';
import { handlerErrorTypeOfStatus, STATUS_OPERATION_UNSUCCESSFUL } from './handler-error-status';
import { contentToPayload, isJsonContentType, payloadToContent } from './payload-content';
import {
  isHandlerErrorFailure,
  isOperationErrorFailure,
  nexusFailureToTemporal,
  parseNexusFailure,
  unwrapOperationError,
  type NexusFailure,
} from './nexus-failure';
import { NEXUS_BODY_SIZE_MAX_BYTES } from './http-io';

const RetryBehavior = temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;

export type FetchFunction = typeof fetch;

export interface NexusHttpClientOptions {
  /** The URL external handlers deliver completions to, for a caller namespace. */
  readonly callbackUrl: (callerNamespace: string) => string;
  readonly fetch?: FetchFunction;
}

/** Joins an endpoint URL and a percent-encoded service/operation path. */
export function operationUrl(base: string, service: string, operation: string, suffix = ''): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(service)}/${encodeURIComponent(operation)}${suffix}`;
  return url;
}

/** A transport-level or protocol failure: retryable, as the Temporal server treats "unexpected response". */
export function unexpectedResponseFailure(message: string): Failure {
  return { message, serverFailureInfo: { nonRetryable: false } };
}

const NON_RETRYABLE = RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE;

export class NexusHttpClient implements ExternalNexusClient {
  private readonly fetch: FetchFunction;

  constructor(private readonly options: NexusHttpClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  callbackUrl(callerNamespace: string): string {
    return this.options.callbackUrl(callerNamespace);
  }

  async start(url: string, request: temporal.api.nexus.v1.IRequest, timeoutMs: number): Promise<HandlerReply> {
    const start = request.startOperation;
    if (!start)
      return {
        kind: 'handler-error',
        failure: handlerErrorFailure('BAD_REQUEST', 'not a start request', NON_RETRYABLE),
      };
    const target = operationUrl(url, start.service ?? '', start.operation ?? '');
    if (start.callback) target.searchParams.set('callback', start.callback);
    const headers = new Headers();
    setAll(headers, request.header ?? {});
    headers.set(NexusHeader.RequestId, start.requestId ?? '');
    for (const [key, value] of Object.entries(start.callbackHeader ?? {}))
      headers.set(`${CALLBACK_HEADER_PREFIX}${key}`, value);
    for (const link of start.links ?? []) {
      try {
        headers.append(NexusHeader.Link, encodeLinkHeader({ url: link.url ?? '', type: link.type ?? '' }));
      } catch {
        // a link that cannot be encoded is left out: links are informational
      }
    }
    const content = payloadToContent(start.payload);
    for (const [key, value] of Object.entries(content.header)) headers.set(`content-${key}`, value);
    const result = await this.post(target, headers, content.data, timeoutMs);
    return 'reply' in result ? result.reply : readStartResponse(result.response, result.body);
  }

  async cancel(url: string, request: temporal.api.nexus.v1.IRequest, timeoutMs: number): Promise<HandlerReply> {
    const cancel = request.cancelOperation;
    if (!cancel)
      return {
        kind: 'handler-error',
        failure: handlerErrorFailure('BAD_REQUEST', 'not a cancel request', NON_RETRYABLE),
      };
    const headers = new Headers();
    setAll(headers, request.header ?? {});
    headers.set(NexusHeader.OperationToken, cancel.operationToken || cancel.operationId || '');
    const result = await this.post(
      operationUrl(url, cancel.service ?? '', cancel.operation ?? '', '/cancel'),
      headers,
      new Uint8Array(0),
      timeoutMs,
    );
    if ('reply' in result) return result.reply;
    if (result.response.status >= 200 && result.response.status < 300)
      return { kind: 'response', response: { cancelOperation: {} } };
    return { kind: 'handler-error', failure: handlerErrorFromResponse(result.response, result.body) };
  }

  /** One POST with the attempt's deadline; transport failures come back as a reply. */
  private async post(
    url: URL,
    headers: Headers,
    body: Uint8Array,
    timeoutMs: number,
  ): Promise<{ response: Response; body: Buffer } | { reply: HandlerReply }> {
    headers.set(NexusHeader.RequestTimeout, formatNexusDuration(timeoutMs));
    headers.set(NexusHeader.FailureSupport, 'true');
    headers.set(NexusHeader.UserAgent, USER_AGENT);
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
    try {
      const response = await this.fetch(url, { method: 'POST', headers, body, signal, redirect: 'error' });
      const read = await readLimited(response);
      if (read === undefined) {
        return {
          reply: {
            kind: 'handler-error',
            failure: handlerErrorFailure('INTERNAL', 'http: response body too large', NON_RETRYABLE),
          },
        };
      }
      return { response, body: read };
    } catch (error) {
      if (signal.aborted) return { reply: { kind: 'timeout' } };
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return {
        reply: {
          kind: 'handler-error',
          failure: unexpectedResponseFailure(
            `request failed: ${error instanceof Error ? error.message : String(error)}${cause}`,
          ),
        },
      };
    }
  }
}

function setAll(headers: Headers, values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) {
    try {
      headers.set(key, value);
    } catch {
      // a header name or value HTTP cannot carry is left out
    }
  }
}

/** Reads a response body up to the Nexus limit; undefined when it is larger. */
export async function readLimited(
  response: Response,
  limitBytes = NEXUS_BODY_SIZE_MAX_BYTES,
): Promise<Buffer | undefined> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limitBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

function collectHeaders(response: Response): HeaderMap {
  const result: HeaderMap = {};
  response.headers.forEach((value, key) => {
    result[key.toLowerCase()] = value;
  });
  return result;
}

function responseLinks(response: Response): NexusLink[] {
  const value = response.headers.get(NexusHeader.Link);
  return value ? decodeLinkHeaders([value]) : [];
}

function readStartResponse(response: Response, body: Buffer): HandlerReply {
  let links: NexusLink[];
  try {
    links = responseLinks(response);
  } catch {
    return {
      kind: 'handler-error',
      failure: unexpectedResponseFailure(`invalid links header: ${response.headers.get(NexusHeader.Link) ?? ''}`),
    };
  }
  const wireLinks = links.map((link) => ({ url: link.url, type: link.type }));
  switch (response.status) {
    case 200: {
      let payload: temporal.api.common.v1.IPayload;
      try {
        payload = contentToPayload({ header: prefixStripped(collectHeaders(response), 'content-'), data: body });
      } catch (error) {
        return {
          kind: 'handler-error',
          failure: unexpectedResponseFailure(`invalid result content: ${String(error)}`),
        };
      }
      return { kind: 'response', response: { startOperation: { syncSuccess: { payload, links: wireLinks } } } };
    }
    case 201:
      return readAsyncStart(response, body, wireLinks);
    case STATUS_OPERATION_UNSUCCESSFUL:
      return readOperationError(response, body);
    default:
      return { kind: 'handler-error', failure: handlerErrorFromResponse(response, body) };
  }
}

function readAsyncStart(response: Response, body: Buffer, links: temporal.api.nexus.v1.ILink[]): HandlerReply {
  if (!isJsonContentType(response.headers.get('content-type') ?? undefined)) {
    return {
      kind: 'handler-error',
      failure: unexpectedResponseFailure(
        `invalid response content type: "${response.headers.get('content-type') ?? ''}"`,
      ),
    };
  }
  let info: { token?: unknown; id?: unknown; state?: unknown };
  try {
    info = JSON.parse(body.toString('utf8')) as typeof info;
  } catch {
    return { kind: 'handler-error', failure: unexpectedResponseFailure('invalid operation info in response body') };
  }
  if (info.state !== 'running')
    return {
      kind: 'handler-error',
      failure: unexpectedResponseFailure(`invalid operation state in response info: "${String(info.state)}"`),
    };
  const token = typeof info.token === 'string' && info.token ? info.token : typeof info.id === 'string' ? info.id : '';
  if (!token) return { kind: 'handler-error', failure: unexpectedResponseFailure('empty operation token in response') };
  if (token.length > NEXUS_OPERATION_TOKEN_LENGTH_MAX) {
    return {
      kind: 'handler-error',
      failure: handlerErrorFailure(
        'BAD_REQUEST',
        `invalid operation token: length exceeds allowed limit (${token.length}/${NEXUS_OPERATION_TOKEN_LENGTH_MAX})`,
        NON_RETRYABLE,
      ),
    };
  }
  return {
    kind: 'response',
    response: { startOperation: { asyncSuccess: { operationToken: token, operationId: token, links } } },
  };
}

/** 424: an OperationError, or (older peers) its bare cause with the state in the header. */
function readOperationError(response: Response, body: Buffer): HandlerReply {
  let failure: NexusFailure;
  try {
    if (!isJsonContentType(response.headers.get('content-type') ?? undefined)) throw new Error('not JSON');
    failure = parseNexusFailure(body.toString('utf8'));
  } catch {
    return {
      kind: 'handler-error',
      failure: unexpectedResponseFailure(`invalid failure in ${STATUS_OPERATION_UNSUCCESSFUL} response`),
    };
  }
  const headerState = response.headers.get(NexusHeader.OperationState);
  let state: 'failed' | 'canceled';
  let cause: Failure;
  try {
    if (isOperationErrorFailure(failure)) {
      const details = failure.details as { state?: unknown } | undefined;
      state = details?.state === 'canceled' ? 'canceled' : 'failed';
      cause = nexusFailureToTemporal(unwrapOperationError(failure));
    } else {
      if (headerState !== 'failed' && headerState !== 'canceled') {
        return {
          kind: 'handler-error',
          failure: unexpectedResponseFailure(`invalid operation state header: "${headerState ?? ''}"`),
        };
      }
      state = headerState;
      cause = nexusFailureToTemporal(failure);
    }
  } catch (error) {
    return { kind: 'handler-error', failure: unexpectedResponseFailure(`invalid failure: ${String(error)}`) };
  }
  // The operation's state decides canceled vs failed; a canceled operation's cause is shown under a CanceledFailure.
  const recorded =
    state === 'canceled' && !cause.canceledFailureInfo
      ? { message: cause.message ?? 'operation canceled', canceledFailureInfo: {}, cause }
      : cause;
  return { kind: 'response', response: { startOperation: { failure: recorded } } };
}

/**
 * A handler error from a non-2xx response (start, cancel or callback): a HandlerError failure in the body
 * wins; otherwise the type comes from the status, the retry behaviour from `Nexus-Request-Retryable`, and
 * any failure in the body is the cause. A status outside the table is an unexpected (retryable) response.
 */
export function handlerErrorFromResponse(response: Response, body: Buffer): Failure {
  let bodyFailure: NexusFailure | undefined;
  if (isJsonContentType(response.headers.get('content-type') ?? undefined)) {
    try {
      bodyFailure = parseNexusFailure(body.toString('utf8'));
    } catch {
      bodyFailure = undefined;
    }
  }
  try {
    if (bodyFailure && isHandlerErrorFailure(bodyFailure)) return nexusFailureToTemporal(bodyFailure);
    const type = handlerErrorTypeOfStatus(response.status);
    const statusText = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (!type)
      return unexpectedResponseFailure(
        `unexpected response status: "${statusText}"${bodyFailure?.message ? `: ${bodyFailure.message}` : ''}`,
      );
    const retryable = response.headers.get(NexusHeader.RequestRetryable)?.toLowerCase();
    const retryBehavior =
      retryable === 'true'
        ? RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE
        : retryable === 'false'
          ? NON_RETRYABLE
          : 0;
    return {
      ...handlerErrorFailure(type, bodyFailure?.message || statusText, retryBehavior),
      ...(bodyFailure ? { cause: nexusFailureToTemporal(bodyFailure) } : {}),
    };
  } catch (error) {
    return unexpectedResponseFailure(`failed to convert the failure in the response: ${String(error)}`);
  }
}
