import { temporal, decodeEvent } from '../../common/proto';
import { invalidArgument, workflowNotFound } from '../../common/errors';
import { HISTORY_PAGE_SIZE_MAX } from '../../engine/history-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function getWorkflowExecutionHistoryReverse(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseRequest,
): temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse {
  const namespace = namespaceOf(deps, request);
  const workflowId = request.execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const runId = request.execution?.runId || deps.engine.currentRunId(namespace.id, workflowId);
  const key = { namespaceId: namespace.id, workflowId, runId: runId ?? '' };
  const record = runId ? deps.store.getExecution(key) : undefined;
  if (!record) throw workflowNotFound(workflowId, runId);
  const before = request.nextPageToken?.length
    ? Number(Buffer.from(request.nextPageToken).toString())
    : record.nextEventId;
  const pageSize = Math.min(request.maximumPageSize || HISTORY_PAGE_SIZE_MAX, HISTORY_PAGE_SIZE_MAX);
  const events = deps.store
    .readHistory({ key, fromEventId: 1, toEventId: before, limit: pageSize, reverse: true })
    .map((e) => decodeEvent(e.data));
  const last = events[events.length - 1];
  const next = last ? Number(last.eventId) : 1;
  return { history: { events }, nextPageToken: next > 1 ? Buffer.from(String(next)) : null };
}
