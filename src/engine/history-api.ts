// GetWorkflowExecutionHistory: pages of history, the close-event filter, and the long poll for new
// events that `handle.result()` relies on.
import { temporal, decodeEvent } from '../common/proto';
import { invalidArgument, workflowNotFound } from '../common/errors';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import type { RunKey } from './tasks';

export const HISTORY_PAGE_SIZE_MAX = 1000;
const CLOSE_EVENT = temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;

interface PageToken {
  runId: string;
  nextEventId: number;
}

function decodePageToken(bytes: Uint8Array | null | undefined): PageToken | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  try {
    const token = JSON.parse(Buffer.from(bytes).toString('utf8')) as PageToken;
    if (typeof token.runId === 'string' && typeof token.nextEventId === 'number') return token;
  } catch {
    // fall through
  }
  throw invalidArgument('Invalid NextPageToken.');
}

function encodePageToken(token: PageToken): Uint8Array {
  return Buffer.from(JSON.stringify(token));
}

export async function getWorkflowExecutionHistory(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest,
  signal: AbortSignal,
): Promise<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse> {
  const workflowId = request.execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const token = decodePageToken(request.nextPageToken);
  if (token && request.execution?.runId && request.execution.runId !== token.runId) {
    throw invalidArgument('RunId in the request does not match the NextPageToken.');
  }
  const runId = token?.runId || request.execution?.runId || engine.currentRunId(namespace.id, workflowId);
  if (!runId) throw workflowNotFound(workflowId);
  const key: RunKey = { namespaceId: namespace.id, workflowId, runId };
  if (!engine.store.getExecution(key)) throw workflowNotFound(workflowId, runId);
  const pageSize = Math.min(request.maximumPageSize || HISTORY_PAGE_SIZE_MAX, HISTORY_PAGE_SIZE_MAX);
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(engine.ctx.config.historyLongPollMs)]);
  const fromEventId = token?.nextEventId ?? 1;
  for (;;) {
    const record = engine.store.getExecution(key);
    if (!record) throw workflowNotFound(workflowId, runId);
    const isOpen = record.status === temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    if (request.historyEventFilterType === CLOSE_EVENT) {
      if (!isOpen) {
        const [last] = engine.store.readHistory({ key, fromEventId: record.nextEventId - 1, limit: 1 });
        return { history: { events: last ? [decodeEvent(last.data)] : [] } };
      }
    } else if (fromEventId < record.nextEventId || !isOpen || !request.waitNewEvent) {
      const stored = engine.store.readHistory({ key, fromEventId, limit: pageSize });
      const events = stored.map((e) => decodeEvent(e.data));
      const nextEventId = fromEventId + events.length;
      const hasMore = nextEventId < record.nextEventId || (isOpen && request.waitNewEvent === true);
      return { history: { events }, nextPageToken: hasMore ? encodePageToken({ runId, nextEventId }) : null };
    }
    // Only a CLOSE_EVENT request on an open run gets here without waitNewEvent; like the real server it
    // answers empty with no token, as there is nothing to continue.
    if (!request.waitNewEvent) return { history: { events: [] }, nextPageToken: null };
    if (deadline.aborted) {
      return { history: { events: [] }, nextPageToken: encodePageToken({ runId, nextEventId: fromEventId }) };
    }
    await engine.waitForHistory(key, deadline);
  }
}
