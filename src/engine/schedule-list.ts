// ListSchedules over visibility: the schedules' division, `ScheduleId` mapped onto the row's workflow id,
// the schedule's memo and search attributes as its run keeps them, and a summary of each schedule.
import { decodeBase64, temporal } from '../common/proto';
import type { NamespaceRecord, Store } from '../store/store';
import type { VisibilityScope } from '../store/visibility-sql';
import type { MutableState } from './mutable-state';
import { rowSearchAttributes } from './standalone-common';
import { SCHEDULE_DIVISION, SCHEDULE_ID_PREFIX, scheduleIdOf } from './schedule-state';
import { scheduleListInfo } from './schedules';
import { LIST_PAGE_SIZE_DEFAULT, LIST_PAGE_SIZE_MAX, countResponse } from './visibility-api';

const SCHEDULES_SCOPE: VisibilityScope = {
  division: SCHEDULE_DIVISION,
  aliases: { ScheduleId: { field: 'WorkflowId', valuePrefix: SCHEDULE_ID_PREFIX } },
};

const RUNNING = `ExecutionStatus = 'Running'`;

export async function listSchedules(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IListSchedulesRequest,
  nowMs: number,
): Promise<temporal.api.workflowservice.v1.IListSchedulesResponse> {
  const pageSize =
    request.maximumPageSize && request.maximumPageSize > 0
      ? Math.min(request.maximumPageSize, LIST_PAGE_SIZE_MAX)
      : LIST_PAGE_SIZE_DEFAULT;
  const query = request.query ? `(${request.query}) AND ${RUNNING}` : RUNNING;
  const result = await store.listExecutions({
    namespaceId: namespace.id,
    query,
    pageSize,
    nextPageToken: request.nextPageToken ?? undefined,
    searchAttributeTypes: namespace.searchAttributes,
    scope: SCHEDULES_SCOPE,
  });
  const schedules: temporal.api.schedule.v1.IScheduleListEntry[] = [];
  for (const record of result.records) {
    const state = JSON.parse(record.state) as MutableState;
    if (!state.schedule || state.schedule.deleted) continue;
    schedules.push({
      scheduleId: scheduleIdOf(record.workflowId),
      memo: state.memo ? decodeBase64<temporal.api.common.v1.IMemo>('temporal.api.common.v1.Memo', state.memo) : null,
      searchAttributes: rowSearchAttributes(record.searchAttributes),
      info: scheduleListInfo(state.schedule, nowMs),
    });
  }
  return { schedules, nextPageToken: result.nextPageToken ?? null };
}

export async function countSchedules(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ICountSchedulesRequest,
): Promise<temporal.api.workflowservice.v1.ICountSchedulesResponse> {
  const result = await store.countExecutions({
    namespaceId: namespace.id,
    query: request.query ? `(${request.query}) AND ${RUNNING}` : RUNNING,
    searchAttributeTypes: namespace.searchAttributes,
    scope: SCHEDULES_SCOPE,
  });
  return countResponse(result);
}
