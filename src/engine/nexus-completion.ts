// Completion callbacks of runs started by a Nexus operation. A callback to `temporal://system` names a
// caller operation in this server (through our callback token); it is applied to the caller's history in
// the same transaction that closes the handler run, so the completion is as durable as the close.
import { type Failure, temporal, decodeBase64, long } from '../common/proto';
import { msFromTimestamp } from '../common/time';
import type { EngineContext, Transaction } from './engine-context';
import type { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import {
  nexusOperationEnded,
  nexusOperationStarted,
  nexusOperationSucceeded,
  type NexusTerminal,
} from './nexus-operations';
import { NexusOperationStatus } from './mutable-state';

export const SYSTEM_CALLBACK_URL = 'temporal://system';
export const CALLBACK_TOKEN_HEADER = 'temporal-callback-token';
export const OPERATION_TOKEN_HEADER = 'nexus-operation-token';

/** What our callback token names: the caller run, the operation's scheduled event and its request id. */
export interface CallbackToken {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly scheduledEventId: number;
  readonly requestId: string;
}

export function encodeCallbackToken(token: CallbackToken): string {
  return Buffer.from(JSON.stringify({ v: 1, ...token })).toString('base64url');
}

export function decodeCallbackToken(value: string): CallbackToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<CallbackToken> & {
      v?: number;
    };
    if (
      parsed.v === 1 &&
      parsed.namespaceId &&
      parsed.workflowId &&
      parsed.runId &&
      parsed.scheduledEventId &&
      parsed.requestId
    ) {
      return parsed as CallbackToken;
    }
  } catch {
    // not ours
  }
  return undefined;
}

function headerValue(header: Record<string, string> | null | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(header ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The outcome a handler run's close event means for the operation that started it. */
export type NexusOutcome =
  | { readonly kind: 'succeeded'; readonly result: temporal.api.common.v1.IPayload | null }
  | { readonly kind: NexusTerminal; readonly cause: Failure };

export function outcomeOfClose(event: temporal.api.history.v1.IHistoryEvent): NexusOutcome | undefined {
  if (event.workflowExecutionCompletedEventAttributes) {
    return { kind: 'succeeded', result: event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0] ?? null };
  }
  if (event.workflowExecutionFailedEventAttributes)
    return {
      kind: 'failed',
      cause: event.workflowExecutionFailedEventAttributes.failure ?? { message: 'workflow failed' },
    };
  if (event.workflowExecutionCanceledEventAttributes) {
    return {
      kind: 'canceled',
      cause: {
        message: 'operation canceled',
        canceledFailureInfo: { details: event.workflowExecutionCanceledEventAttributes.details ?? null },
      },
    };
  }
  if (event.workflowExecutionTerminatedEventAttributes)
    return { kind: 'failed', cause: { message: 'operation terminated', terminatedFailureInfo: {} } };
  if (event.workflowExecutionTimedOutEventAttributes) {
    return {
      kind: 'failed',
      cause: {
        message: 'operation exceeded internal timeout',
        timeoutFailureInfo: { timeoutType: temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE },
      },
    };
  }
  return undefined;
}

/** Delivers the handler run's `temporal://system` callbacks to their caller runs. Others are left to hooks. */
export function deliverSystemCallbacks(
  ctx: EngineContext,
  tx: Transaction,
  handler: Workflow,
  closeEvent: temporal.api.history.v1.IHistoryEvent,
): void {
  const outcome = outcomeOfClose(closeEvent);
  if (!outcome) return;
  for (const encoded of handler.state.completionCallbacks) {
    const callback = decodeBase64<temporal.api.common.v1.ICallback>('temporal.api.common.v1.Callback', encoded);
    if (callback.nexus?.url !== SYSTEM_CALLBACK_URL) continue;
    const token = decodeCallbackToken(headerValue(callback.nexus.header, CALLBACK_TOKEN_HEADER) ?? '');
    if (!token) continue;
    const handlerNamespace = ctx.namespaces.getById(handler.state.namespaceId).name;
    const startLink: temporal.api.common.v1.ILink = {
      workflowEvent: {
        namespace: handlerNamespace,
        workflowId: handler.state.workflowId,
        runId: handler.state.runId,
        eventRef: {
          eventId: long(1),
          eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        },
      },
    };
    applyCompletion(ctx, tx, token, outcome, {
      operationToken: headerValue(callback.nexus.header, OPERATION_TOKEN_HEADER) ?? '',
      startTimeMs: msFromTimestamp(handler.events[0]?.eventTime) ?? tx.nowMs,
      links: [startLink],
    });
  }
}

/** Applies a completion to the caller's operation; false when the operation is unknown or already done. */
export function applyCompletion(
  ctx: EngineContext,
  tx: Transaction,
  token: CallbackToken,
  outcome: NexusOutcome,
  started: { operationToken: string; startTimeMs: number; links: temporal.api.common.v1.ILink[] },
): boolean {
  const caller = tx.get({ namespaceId: token.namespaceId, workflowId: token.workflowId, runId: token.runId });
  if (!caller || !isRunning(caller.state)) return false;
  const op = caller.state.nexusOperations[String(token.scheduledEventId)];
  if (!op || op.requestId !== token.requestId) return false;
  if (op.status !== NexusOperationStatus.Started) {
    nexusOperationStarted(ctx, caller, op, started.operationToken, started.links, tx.nowMs, started.startTimeMs);
  }
  if (outcome.kind === 'succeeded') nexusOperationSucceeded(ctx, caller, op, outcome.result, [], tx.nowMs);
  else nexusOperationEnded(ctx, caller, op, outcome.kind, outcome.cause, tx.nowMs);
  return true;
}
