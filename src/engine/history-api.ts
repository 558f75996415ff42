// GetWorkflowExecutionHistory: pages of history (also the rest of a task's history, named by the page
// token of the poll response), the close-event filter, and the long poll for new events that
// `handle.result()` relies on. The long poll ends when the engine stops, so a server can always exit.
import { temporal, decodeEvent } from '../common/proto';
import { ErrorCode, ServiceError, invalidArgument, workflowNotFound } from '../common/errors';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import type { RunKey } from './tasks';
import { isRunning } from './mutable-state';
import { withDeadline } from '../common/deadline';
import { decodeHistoryPageToken, decodeTail, encodeHistoryPageToken, type HistoryPageToken } from './task-history';

const CLOSE_EVENT = temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;

type Response = temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;

/** Where a run's history stands: how far it goes and whether more may come. */
async function runProgress(engine: HistoryEngine, key: RunKey): Promise<{ nextEventId: number; isOpen: boolean }> {
  const progress = await engine.run(key, async (tx) => {
    const workflow = await tx.get(key);
    return workflow ? { nextEventId: workflow.persisted.nextEventId, isOpen: isRunning(workflow.state) } : undefined;
  });
  if (!progress) throw workflowNotFound(key.workflowId, key.runId);
  return progress;
}

async function currentRunId(
  engine: HistoryEngine,
  namespaceId: string,
  workflowId: string,
): Promise<string | undefined> {
  return engine.store.getCurrentRunId({ namespaceId, workflowId });
}

export async function getWorkflowExecutionHistory(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest,
  signal: AbortSignal,
): Promise<Response> {
  const workflowId = request.execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const token = decodeHistoryPageToken(request.nextPageToken);
  if (token && request.execution?.runId && request.execution.runId !== token.runId) {
    throw invalidArgument('RunId in the request does not match the NextPageToken.');
  }
  const runId = token?.runId || request.execution?.runId || (await currentRunId(engine, namespace.id, workflowId));
  if (!runId) throw workflowNotFound(workflowId);
  const key: RunKey = { namespaceId: namespace.id, workflowId, runId };
  const pageSize = Math.min(
    request.maximumPageSize || engine.ctx.config.historyPageSizeMax,
    engine.ctx.config.historyPageSizeMax,
  );
  if (token?.endEventId !== undefined) return taskHistoryPage(engine, key, token, pageSize);
  const fromEventId = token?.nextEventId ?? 1;
  return withDeadline(engine.ctx.clock, [signal, engine.stopSignal], engine.ctx.config.historyLongPollMs, (deadline) =>
    historyPage(engine, key, request, fromEventId, pageSize, deadline),
  );
}

/** A page of history, or, with `waitNewEvent`, the next events once they come (until the deadline). */
async function historyPage(
  engine: HistoryEngine,
  key: RunKey,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest,
  fromEventId: number,
  pageSize: number,
  deadline: AbortSignal,
): Promise<Response> {
  const runId = key.runId;
  for (;;) {
    const { nextEventId, isOpen } = await runProgress(engine, key);
    if (request.historyEventFilterType === CLOSE_EVENT) {
      if (!isOpen) {
        const [last] = await engine.readHistory({ key, fromEventId: nextEventId - 1, limit: 1 });
        return { history: { events: last ? [decodeEvent(last.data)] : [] } };
      }
    } else if (fromEventId < nextEventId || !isOpen || !request.waitNewEvent) {
      const stored = await engine.readHistory({ key, fromEventId, toEventId: nextEventId, limit: pageSize });
      const events = stored.map((e) => decodeEvent(e.data));
      const next = fromEventId + events.length;
      const hasMore = next < nextEventId || (isOpen && request.waitNewEvent === true);
      return {
        history: { events },
        nextPageToken: hasMore ? encodeHistoryPageToken({ runId, nextEventId: next }) : null,
      };
    }
    // Only a CLOSE_EVENT request on an open run gets here without waitNewEvent; like the real server it
    // answers empty with no token, as there is nothing to continue.
    if (!request.waitNewEvent) return { history: { events: [] }, nextPageToken: null };
    if (engine.stopSignal.aborted) throw new ServiceError(ErrorCode.Unavailable, 'the server is shutting down');
    if (deadline.aborted) {
      return { history: { events: [] }, nextPageToken: encodeHistoryPageToken({ runId, nextEventId: fromEventId }) };
    }
    await engine.waitForHistory(key, deadline);
  }
}

/** The next page of a task's history: bounded by the task's started event, with its tail at the end. */
async function taskHistoryPage(
  engine: HistoryEngine,
  key: RunKey,
  token: HistoryPageToken,
  pageSize: number,
): Promise<Response> {
  const endEventId = token.endEventId ?? token.nextEventId;
  const stored = await engine.readHistory({
    key,
    fromEventId: token.nextEventId,
    toEventId: endEventId,
    limit: pageSize,
  });
  if (stored.length === 0 && token.nextEventId < endEventId) throw workflowNotFound(key.workflowId, key.runId);
  const events = stored.map((e) => decodeEvent(e.data));
  const next = token.nextEventId + events.length;
  if (next < endEventId)
    return { history: { events }, nextPageToken: encodeHistoryPageToken({ ...token, nextEventId: next }) };
  return { history: { events: [...events, ...decodeTail(token)] }, nextPageToken: null };
}
