import type { temporal } from '../../common/proto';
import { decodeEvent } from '../../common/proto';
import { invalidArgument, workflowNotFound } from '../../common/errors';
import { type ApiDeps, namespaceOf } from '../api-deps';

export async function getWorkflowExecutionHistoryReverse(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseRequest,
): Promise<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse> {
  const namespace = namespaceOf(deps, request);
  const workflowId = request.execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const runId =
    request.execution?.runId || (await deps.store.getCurrentRunId({ namespaceId: namespace.id, workflowId }));
  const key = { namespaceId: namespace.id, workflowId, runId: runId ?? '' };
  const stored = runId ? await deps.store.getExecution({ key }) : undefined;
  if (!stored) throw workflowNotFound(workflowId, runId);
  const before = request.nextPageToken?.length
    ? Number(Buffer.from(request.nextPageToken).toString())
    : stored.record.nextEventId;
  const pageSizeMax = deps.engine.ctx.config.historyPageSizeMax;
  const pageSize = Math.min(request.maximumPageSize || pageSizeMax, pageSizeMax);
  const page = await deps.store.readHistory({ key, fromEventId: 1, toEventId: before, limit: pageSize, reverse: true });
  const events = page.map((e) => decodeEvent(e.data));
  const last = events[events.length - 1];
  const next = last ? Number(last.eventId) : 1;
  return { history: { events }, nextPageToken: next > 1 ? Buffer.from(String(next)) : null };
}
