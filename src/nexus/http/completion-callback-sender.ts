// Outbound completion callbacks: a handler run started (over HTTP) by a caller that is not this server
// carries a completion callback with an http(s) URL; when the run closes, the completion is POSTed there
// as the Nexus spec and the Temporal server send it (callback headers, Nexus-Operation-State/-Token/
// -Start-Time/-Close-Time, a Nexus-Link to the handler's start event; the result content or a Failure).
//
// Modes of one delivery: queued (after the close commits) -> attempting -> delivered | given up (a
// non-retryable handler error) | backing off (any other failure; 1 s doubling, capped) -> attempting ...
// Deliveries live in memory only: a restart forgets the pending ones (see DURABILITY below).
//
// DURABILITY: the close event and the callback list are durable, the delivery state is not. A delivery
// still pending when the process stops is lost; the caller's operation then ends by its own timeout.
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { temporal, decodeBase64, long } from '../../common/proto';
import { msFromTimestamp } from '../../common/time';
import type { Transaction } from '../../engine/engine-context';
import type { NamespaceRegistry } from '../../engine/namespace-registry';
import type { Workflow } from '../../engine/workflow';
import { outcomeOfClose, type NexusOutcome } from '../../engine/nexus-completion';
import { isRetryableHandlerFailure } from '../handler-outcome';
import { workflowEventLinkToNexus } from '../links';
import { nextNexusRetryDelayMs } from '../retry';
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

export const CALLBACK_DELIVERIES_PENDING_MAX = 10_000;

export interface CallbackSenderSettings {
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
  /** Deadline of one attempt (`callback.request.timeout`, 10 s). */
  readonly requestTimeoutMs: number;
}

/** One completion to POST: everything is computed when the run closes. */
export interface CallbackDelivery {
  readonly url: string;
  readonly headers: HeaderMap;
  readonly body: Uint8Array;
  /** For logs: which handler run and callback. */
  readonly source: string;
}

interface PendingDelivery {
  readonly delivery: CallbackDelivery;
  attempt: number;
  timer: NodeJS.Timeout | undefined;
}

export function isHttpCallbackUrl(url: string | null | undefined): url is string {
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

/** Builds the completion request of one callback from the closed handler run. Pure. */
export function completionDelivery(
  handlerNamespace: string,
  handler: Workflow,
  callback: temporal.api.common.v1.Callback.INexus,
  outcome: NexusOutcome,
  closeTimeMs: number,
): CallbackDelivery {
  const s = handler.state;
  const headers: HeaderMap = {};
  for (const [key, value] of Object.entries(callback.header ?? {})) headers[key.toLowerCase()] = value;
  const startLink = workflowEventLinkToNexus({
    namespace: handlerNamespace,
    workflowId: s.workflowId,
    runId: s.runId,
    eventRef: { eventId: long(1), eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
  });
  headers[NexusHeader.OperationState] =
    outcome.kind === 'succeeded' ? 'succeeded' : outcome.kind === 'canceled' ? 'canceled' : 'failed';
  headers[NexusHeader.OperationStartTime] ??= formatHttpDate(
    msFromTimestamp(handler.events[0]?.eventTime) ?? closeTimeMs,
  );
  headers[NexusHeader.OperationCloseTime] ??= formatRfc3339(closeTimeMs);
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
  return { url: callback.url ?? '', headers, body, source: `${handlerNamespace}/${s.workflowId}/${s.runId}` };
}

export class CompletionCallbackSender {
  private readonly pending = new Set<PendingDelivery>();
  private readonly inFlight = new Set<AbortController>();
  private isStopped = false;

  constructor(
    private readonly namespaces: NamespaceRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: CallbackSenderSettings,
    private readonly fetch: FetchFunction = globalThis.fetch,
  ) {}

  /** Engine hook, inside the closing transaction: deliveries start only once the close is committed. */
  onRunClosed(tx: Transaction, workflow: Workflow, closeEvent: temporal.api.history.v1.IHistoryEvent): void {
    if (this.isStopped || workflow.state.completionCallbacks.length === 0) return;
    const outcome = outcomeOfClose(closeEvent);
    if (!outcome) return;
    const namespace = this.namespaces.getById(workflow.state.namespaceId).name;
    for (const encoded of workflow.state.completionCallbacks) {
      const callback = decodeBase64<temporal.api.common.v1.ICallback>('temporal.api.common.v1.Callback', encoded);
      if (!callback.nexus || !isHttpCallbackUrl(callback.nexus.url)) continue;
      const delivery = completionDelivery(namespace, workflow, callback.nexus, outcome, tx.nowMs);
      tx.after(() => this.enqueue(delivery));
    }
  }

  enqueue(delivery: CallbackDelivery): void {
    if (this.isStopped) return;
    if (this.pending.size >= CALLBACK_DELIVERIES_PENDING_MAX) {
      this.logger.warn('nexus completion callback dropped: too many pending deliveries', {
        source: delivery.source,
        url: delivery.url,
      });
      return;
    }
    const entry: PendingDelivery = { delivery, attempt: 1, timer: undefined };
    this.pending.add(entry);
    void this.attempt(entry);
  }

  pendingCount(): number {
    return this.pending.size;
  }

  stop(): void {
    this.isStopped = true;
    for (const entry of this.pending) clearTimeout(entry.timer);
    this.pending.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private async attempt(entry: PendingDelivery): Promise<void> {
    const result = await this.post(entry.delivery);
    if (this.isStopped) return;
    if (result.kind === 'delivered') {
      this.pending.delete(entry);
      return;
    }
    if (result.kind === 'give-up') {
      this.pending.delete(entry);
      this.logger.warn('nexus completion callback failed for good', {
        source: entry.delivery.source,
        url: entry.delivery.url,
        error: result.message,
      });
      return;
    }
    const delayMs = Math.min(
      nextNexusRetryDelayMs(entry.attempt, this.settings.initialIntervalMs),
      this.settings.maxIntervalMs,
    );
    this.logger.debug('nexus completion callback attempt failed', {
      source: entry.delivery.source,
      attempt: entry.attempt,
      error: result.message,
      retryInMs: delayMs,
    });
    entry.attempt += 1;
    entry.timer = setTimeout(() => void this.attempt(entry), delayMs);
    entry.timer.unref();
  }

  private async post(
    delivery: CallbackDelivery,
  ): Promise<{ kind: 'delivered' } | { kind: 'retry' | 'give-up'; message: string }> {
    let url: URL;
    let headers: Headers;
    try {
      url = new URL(delivery.url);
      headers = new Headers(delivery.headers);
    } catch (error) {
      return { kind: 'give-up', message: `the callback cannot be sent: ${String(error)}` };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.settings.requestTimeoutMs);
    this.inFlight.add(controller);
    const startedMs = this.clock.nowMs();
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers,
        body: delivery.body,
        signal: controller.signal,
        redirect: 'error',
      });
      const body = (await readLimited(response)) ?? Buffer.alloc(0);
      if (response.status >= 200 && response.status < 300) return { kind: 'delivered' };
      const failure = handlerErrorFromResponse(response, body);
      return {
        kind: isRetryableHandlerFailure(failure) ? 'retry' : 'give-up',
        message: failure.message ?? `status ${response.status}`,
      };
    } catch (error) {
      const message = controller.signal.aborted
        ? `request timed out after ${this.clock.nowMs() - startedMs} ms`
        : String(error);
      return { kind: 'retry', message };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }
}
