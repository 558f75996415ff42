// Completions of Nexus operations this server called. A callback to `temporal://system` names a caller
// operation in this server (through our callback token); when the handler run closes, its callback
// delivery (an outbox task, see callbacks.ts) applies the outcome to the caller's history in a
// transaction on the caller's shard, fabricating NexusOperationStarted when the completion beats the
// start response. Completions over HTTP (the callback route) land in the same function.
import type { temporal } from '../common/proto';
import type { NexusOutcome } from './run-outcome';
import type { HistoryEngine } from './history-engine';
import { OwnerOp } from './cluster-link';
import { isRunning, NexusOperationStatus } from './mutable-state';
import { nexusOperationEnded, nexusOperationStarted, nexusOperationSucceeded } from './nexus-operations';

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

export function headerValue(header: Record<string, string> | null | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(header ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

export interface CompletionStart {
  readonly operationToken: string;
  readonly startTimeMs: number;
  readonly links: temporal.api.common.v1.ILink[];
}

/** Applies a completion to the caller's operation (one transaction on the caller's shard); false when the
 * operation is unknown or already done. */
export function applyCompletion(
  engine: HistoryEngine,
  token: CallbackToken,
  outcome: NexusOutcome,
  started: CompletionStart,
): Promise<boolean> {
  return engine.atRunOwner(token, OwnerOp.ApplyCompletion, { token, outcome, started });
}

/** applyCompletion in the process holding the caller's shard. */
export function applyCompletionHere(
  engine: HistoryEngine,
  args: { readonly token: CallbackToken; readonly outcome: NexusOutcome; readonly started: CompletionStart },
): Promise<boolean> {
  const { token, outcome, started } = args;
  const key = { namespaceId: token.namespaceId, workflowId: token.workflowId, runId: token.runId };
  return engine.run(key, async (tx) => {
    const caller = await tx.get(key);
    if (!caller || !isRunning(caller.state)) return false;
    const op = caller.state.nexusOperations[String(token.scheduledEventId)];
    if (!op || op.requestId !== token.requestId) return false;
    const ctx = engine.ctx;
    if (op.status !== NexusOperationStatus.Started) {
      nexusOperationStarted(ctx, caller, op, started.operationToken, started.links, tx.nowMs, started.startTimeMs);
    }
    if (outcome.kind === 'succeeded') nexusOperationSucceeded(ctx, caller, op, outcome.result, [], tx.nowMs);
    else nexusOperationEnded(ctx, caller, op, outcome.kind, outcome.cause, tx.nowMs);
    return true;
  });
}
