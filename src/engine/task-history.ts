// The history a worker gets with a workflow or query task, in pages as the Temporal server sends it: the
// first page in the poll response, the rest through GetWorkflowExecutionHistory with the page token. A
// sticky worker gets only the events since its last task, usually straight from the run's recent events
// in memory. The token of a task's history ends at the task's started event; events that are not in
// history (a speculative task's) ride in the token and come with the last page.
import { type HistoryEvent, decodeEvent, encodeEvent } from '../common/proto';
import { invalidArgument } from '../common/errors';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';

export interface HistoryPageToken {
  readonly runId: string;
  readonly nextEventId: number;
  /** Exclusive end of the history this token pages through; absent = the run's whole history. */
  readonly endEventId?: number;
  /** Events (base64) to append after the last page. */
  readonly tail?: readonly string[];
}

export function decodeHistoryPageToken(bytes: Uint8Array | null | undefined): HistoryPageToken | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  try {
    const token = JSON.parse(Buffer.from(bytes).toString('utf8')) as HistoryPageToken;
    if (typeof token.runId === 'string' && typeof token.nextEventId === 'number') return token;
  } catch {
    // fall through
  }
  throw invalidArgument('Invalid NextPageToken.');
}

export function encodeHistoryPageToken(token: HistoryPageToken): Uint8Array {
  return Buffer.from(JSON.stringify(token));
}

export function decodeTail(token: HistoryPageToken): HistoryEvent[] {
  return (token.tail ?? []).map((b64) => decodeEvent(Buffer.from(b64, 'base64')));
}

/** Events `fromEventId`..`toEventId` (inclusive) of a run in a transaction: memory, else the store. */
async function eventsBetween(
  tx: Transaction,
  workflow: Workflow,
  fromEventId: number,
  toEventId: number,
): Promise<HistoryEvent[]> {
  const recent = workflow.recentEventsFrom(fromEventId);
  if (recent) return recent.slice(0, toEventId - fromEventId + 1);
  const persistedEnd = Math.min(toEventId + 1, workflow.persisted.nextEventId);
  const events: HistoryEvent[] = [];
  for (let from = fromEventId; from < persistedEnd;) {
    const page = await tx.readHistory(workflow, from, persistedEnd);
    if (page.length === 0) break;
    events.push(...page);
    from += page.length;
  }
  const unpersisted = workflow.recentEventsFrom(Math.max(fromEventId, workflow.persisted.nextEventId)) ?? [];
  return [
    ...events,
    ...unpersisted.slice(0, Math.max(0, toEventId + 1 - Math.max(fromEventId, workflow.persisted.nextEventId))),
  ];
}

/** The first page of a task's history, and the token for the rest. */
export async function taskHistory(
  tx: Transaction,
  workflow: Workflow,
  params: { fromEventId: number; toEventId: number; pageSize: number; tail: readonly HistoryEvent[] },
): Promise<{ events: HistoryEvent[]; nextPageToken: Uint8Array | null }> {
  const { fromEventId, toEventId, pageSize } = params;
  const count = toEventId - fromEventId + 1;
  if (count <= pageSize) {
    return {
      events: [...(await eventsBetween(tx, workflow, fromEventId, toEventId)), ...params.tail],
      nextPageToken: null,
    };
  }
  const events = await eventsBetween(tx, workflow, fromEventId, fromEventId + pageSize - 1);
  const token: HistoryPageToken = {
    runId: workflow.state.runId,
    nextEventId: fromEventId + pageSize,
    endEventId: toEventId + 1,
    ...(params.tail.length > 0 ? { tail: params.tail.map((e) => Buffer.from(encodeEvent(e)).toString('base64')) } : {}),
  };
  return { events, nextPageToken: encodeHistoryPageToken(token) };
}
