// ListWorkflowExecutions and CountWorkflowExecutions over the store's visibility columns.
import { pascalFromUpperSnake } from '../common/names';
import { temporal, long, type Long } from '../common/proto';
import type { CountGroup, NamespaceRecord, Store } from '../store/store';
import type { MutableState } from './mutable-state';
import { executionInfo } from './execution-info';

export const LIST_PAGE_SIZE_MAX = 1000;
export const LIST_PAGE_SIZE_DEFAULT = 100;

export async function listWorkflowExecutions(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IListWorkflowExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.IListWorkflowExecutionsResponse> {
  const pageSize = Math.min(request.pageSize || LIST_PAGE_SIZE_DEFAULT, LIST_PAGE_SIZE_MAX);
  const result = await store.listExecutions({
    namespaceId: namespace.id,
    query: request.query ?? '',
    pageSize,
    nextPageToken: request.nextPageToken ?? undefined,
    searchAttributeTypes: namespace.searchAttributes,
  });
  return {
    executions: result.records.map((record) => executionInfo(record, JSON.parse(record.state) as MutableState)),
    nextPageToken: result.nextPageToken ?? null,
  };
}

export async function countWorkflowExecutions(
  store: Store,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ICountWorkflowExecutionsRequest,
): Promise<temporal.api.workflowservice.v1.ICountWorkflowExecutionsResponse> {
  const result = await store.countExecutions({
    namespaceId: namespace.id,
    query: request.query ?? '',
    searchAttributeTypes: namespace.searchAttributes,
  });
  return countResponse(result);
}

/**
 * A count and its groups as CountWorkflowExecutions (and CountNexusOperationExecutions) answer: a status
 * by its name ("Running", "TimedOut"; the operations' statuses are spelled as the workflows').
 */
export function countResponse(result: { count: number; groups: CountGroup[] }): {
  count: Long;
  groups: temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse.IAggregationGroup[];
} {
  return {
    count: long(result.count),
    groups: result.groups.map((group) => ({
      count: long(group.count),
      groupValues: group.values.map((value) => ({
        // ExecutionStatus, the one field Temporal groups by, is a Keyword (sadefs.EncodeValue sets the type).
        metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') },
        data: Buffer.from(JSON.stringify(statusName(value))),
      })),
    })),
  };
}

function statusName(value: unknown): unknown {
  if (typeof value !== 'number') return value;
  const name = temporal.api.enums.v1.WorkflowExecutionStatus[value];
  return typeof name === 'string' ? pascalFromUpperSnake(name.replace('WORKFLOW_EXECUTION_STATUS_', '')) : value;
}
