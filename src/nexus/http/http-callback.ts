// Outbound completion callbacks over HTTP: a handler run started (over HTTP) by a caller that is not this
// server carries a completion callback with an http(s) URL; when the run closes, the completion is POSTed
// there as the Nexus spec and the Temporal server send it (callback headers, Nexus-Operation-State/
// -Token/-Start-Time/-Close-Time, a Nexus-Link to the handler's start event, or for an update to its request; the result content or a
// Failure). One POST is one attempt; the callback's state machine (engine/callbacks.ts) retries.
import type { Clock } from '../../common/clock';
import type { Failure } from '../../common/proto';
import type { CallbackAttempt } from '../../engine/callbacks';
import { isRetryableHandlerFailure, handlerErrorFailure } from '../handler-outcome';
import { workflowEventLinkToNexus } from '../links';
import {
  encodeLinkHeader,
  formatHttpDate,
  formatRfc3339,
  NexusHeader,
  USER_AGENT,
  type HeaderMap,
} from './nexus-headers';
import { payloadToContent } from './payload-content';
import { temporalFailureToNexus } from './nexus-failure';
import { handlerErrorFromResponse, readLimited, type FetchFunction } from './nexus-http-client';

export interface CallbackSenderSettings {
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
  /** Deadline of one attempt (`callback.request.timeout`, 10 s). */
  readonly requestTimeoutMs: number;
}

/** One completion to POST, computed from the closed handler run. */
export interface CallbackDelivery {
  readonly url: string;
  readonly headers: HeaderMap;
  readonly body: Uint8Array;
}

export type PostResult = { kind: 'delivered' } | { kind: 'retry' | 'give-up'; failure: Failure };

export function isHttpCallbackUrl(url: string | null | undefined): url is string {
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

/** Builds the completion request of one callback from the closed handler run. Pure. */
export function completionDelivery(attempt: CallbackAttempt): CallbackDelivery {
  const callback = attempt.callback.nexus ?? {};
  const { outcome } = attempt;
  const headers: HeaderMap = {};
  for (const [key, value] of Object.entries(callback.header ?? {})) headers[key.toLowerCase()] = value;
  const startLink = workflowEventLinkToNexus(attempt.link.workflowEvent ?? {});
  headers[NexusHeader.OperationState] =
    outcome.kind === 'succeeded' ? 'succeeded' : outcome.kind === 'canceled' ? 'canceled' : 'failed';
  headers[NexusHeader.OperationStartTime] ??= formatHttpDate(attempt.startTimeMs);
  headers[NexusHeader.OperationCloseTime] ??= formatRfc3339(attempt.closeTimeMs);
  headers[NexusHeader.Link] ??= encodeLinkHeader({ url: startLink.url ?? '', type: startLink.type ?? '' });
  headers[NexusHeader.UserAgent] ??= USER_AGENT;
  let body: Uint8Array;
  if (outcome.kind === 'succeeded') {
    const content = payloadToContent(outcome.result);
    for (const [key, value] of Object.entries(content.header)) headers[`content-${key}`] = value;
    body = content.data;
  } else {
    // As the Temporal server sends it: only the OperationError's cause, for older receivers.
    headers['content-type'] = 'application/json';
    body = Buffer.from(JSON.stringify(temporalFailureToNexus(outcome.cause)));
  }
  return { url: callback.url ?? '', headers, body };
}

/** One POST of a completion, bounded by the request timeout. */
export async function postCompletion(
  delivery: CallbackDelivery,
  settings: CallbackSenderSettings,
  clock: Clock,
  fetch: FetchFunction = globalThis.fetch,
): Promise<PostResult> {
  let url: URL;
  let headers: Headers;
  try {
    url = new URL(delivery.url);
    headers = new Headers(delivery.headers);
  } catch (error) {
    return {
      kind: 'give-up',
      failure: handlerErrorFailure('BAD_REQUEST', `the callback cannot be sent: ${String(error)}`),
    };
  }
  const controller = new AbortController();
  const timer = clock.setTimer(() => controller.abort(), settings.requestTimeoutMs);
  const startedMs = clock.nowMs();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: delivery.body,
      signal: controller.signal,
      redirect: 'error',
    });
    const body = (await readLimited(response)) ?? Buffer.alloc(0);
    if (response.status >= 200 && response.status < 300) return { kind: 'delivered' };
    const failure = handlerErrorFromResponse(response, body);
    return { kind: isRetryableHandlerFailure(failure) ? 'retry' : 'give-up', failure };
  } catch (error) {
    const message = controller.signal.aborted
      ? `request timed out after ${clock.nowMs() - startedMs} ms`
      : String(error);
    return { kind: 'retry', failure: { message } };
  } finally {
    timer.cancel();
  }
}
