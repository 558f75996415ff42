// The completion callback route (`/namespaces/{ns}/nexus/callback` and `/nexus/callback`): a handler that
// Causeway called over HTTP delivers an async operation's outcome here. Our callback token (header
// `Temporal-Callback-Token`) names the caller run and operation; the outcome is applied to the caller's
// history in one engine transaction. 200 when applied, 404 when the operation is unknown or already done.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload } from '../../common/proto';
import { applyCompletion, CALLBACK_TOKEN_HEADER, decodeCallbackToken } from '../../engine/nexus-completion';
import type { NexusOutcome } from '../../engine/run-outcome';
import { NEXUS_OPERATION_TOKEN_LENGTH_MAX } from '../../engine/nexus-operations';
import { nexusLinksToTemporal } from '../links';
import { ATTRIBUTE_NAMESPACE, type Tracing } from '../../common/tracing';
import { endOutcomeSpan, startHttpSpan } from '../nexus-tracing';
import type { NexusHttpDeps } from './http-deps';
import { badRequest, headerValues, NexusRequestError, readBody, requestHeaders } from './http-io';
import {
  CONTENT_HEADER_PREFIX,
  decodeLinkHeaders,
  NexusHeader,
  parseHeaderTime,
  prefixStripped,
  type HeaderMap,
  type NexusLink,
} from './nexus-headers';
import { HandlerErrorType } from './handler-error-status';
import { contentToPayload, isJsonContentType } from './payload-content';
import {
  isOperationErrorFailure,
  nexusFailureToTemporal,
  parseNexusFailure,
  unwrapOperationError,
} from './nexus-failure';

const OperationStates = ['succeeded', 'failed', 'canceled'] as const;
type CompletionState = (typeof OperationStates)[number];

function isCompletionState(value: string | undefined): value is CompletionState {
  return (OperationStates as readonly (string | undefined)[]).includes(value);
}

/** `urlNamespace` is the `{ns}` of the route, undefined on `/nexus/callback`. */
export async function completeOperation(
  deps: NexusHttpDeps,
  urlNamespace: string | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const headers = requestHeaders(request);
  const token = decodeCallbackToken(headers[CALLBACK_TOKEN_HEADER] ?? '');
  if (!token) throw badRequest('invalid callback token');
  const namespace = deps.namespaces.list().find((record) => record.id === token.namespaceId);
  if (!namespace) throw new NexusRequestError(HandlerErrorType.NotFound, `namespace "${token.namespaceId}" not found`);
  if (urlNamespace !== undefined && urlNamespace !== namespace.name) throw badRequest('invalid callback token');
  const state = headers[NexusHeader.OperationState];
  if (!isCompletionState(state)) throw badRequest(`invalid request operation state: "${state ?? ''}"`);
  const startTimeMs = optionalTime(
    headers,
    NexusHeader.OperationStartTime,
    'failed to parse operation start time header',
  );
  optionalTime(headers, NexusHeader.OperationCloseTime, 'failed to parse operation close time header');
  let links: NexusLink[];
  try {
    links = decodeLinkHeaders(headerValues(request, NexusHeader.Link));
  } catch {
    throw badRequest('failed to decode links from request headers');
  }
  const operationToken = headers[NexusHeader.OperationToken] ?? headers[NexusHeader.OperationId] ?? '';
  if (operationToken.length > NEXUS_OPERATION_TOKEN_LENGTH_MAX) {
    throw badRequest(
      `operation token length exceeds allowed limit (${operationToken.length}/${NEXUS_OPERATION_TOKEN_LENGTH_MAX})`,
    );
  }
  const body = await readBody(request);
  const outcome =
    state === 'succeeded'
      ? { kind: 'succeeded' as const, result: resultPayload(headers, body) }
      : failureOutcome(state, headers, body);
  const apply = (): Promise<boolean> =>
    applyCompletion(deps.engine, token, outcome, {
      operationToken,
      startTimeMs: startTimeMs ?? deps.clock.nowMs(),
      links: nexusLinksToTemporal(links),
    });
  const isApplied = deps.tracing?.isEnabled
    ? await tracedCompletion(deps.tracing, headers, namespace.name, state, apply)
    : await apply();
  if (!isApplied) throw new NexusRequestError(HandlerErrorType.NotFound, 'operation not found or already completed');
  response.writeHead(200);
  response.end();
}

/** Applies a completion in a span, a child of the `traceparent` the handler sent (nexus-tracing.ts). */
async function tracedCompletion(
  tracing: Tracing,
  headers: HeaderMap,
  callerNamespace: string,
  state: CompletionState,
  apply: () => Promise<boolean>,
): Promise<boolean> {
  const span = startHttpSpan(tracing, 'CompletionCallback', headers, {
    [ATTRIBUTE_NAMESPACE]: callerNamespace,
    temporalNexusOperationState: state,
  });
  try {
    const isApplied = await apply();
    endOutcomeSpan(
      span,
      isApplied ? 'applied' : 'not-found',
      isApplied ? undefined : { message: 'operation not found' },
    );
    return isApplied;
  } catch (error) {
    endOutcomeSpan(span, 'error', { message: String(error) });
    throw error;
  }
}

function optionalTime(headers: HeaderMap, name: string, message: string): number | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  const ms = parseHeaderTime(value);
  if (ms === undefined) throw badRequest(message);
  return ms;
}

function resultPayload(headers: HeaderMap, body: Buffer): Payload {
  try {
    return contentToPayload({ header: prefixStripped(headers, CONTENT_HEADER_PREFIX), data: body });
  } catch {
    throw badRequest('invalid result content');
  }
}

/**
 * A failed or canceled outcome. The body is a Failure: an OperationError (its cause when it only wraps
 * one) or, from older peers, the cause itself; the state comes from the header either way.
 */
function failureOutcome(state: 'failed' | 'canceled', headers: HeaderMap, body: Buffer): NexusOutcome {
  if (!isJsonContentType(headers[NexusHeader.ContentType]))
    throw badRequest(`invalid request content type: "${headers[NexusHeader.ContentType] ?? ''}"`);
  try {
    const failure = parseNexusFailure(body.toString('utf8'));
    const cause = nexusFailureToTemporal(isOperationErrorFailure(failure) ? unwrapOperationError(failure) : failure);
    return { kind: state, cause };
  } catch {
    throw badRequest('failed to decode Failure from request body');
  }
}
