// Row shape of the executions table (the same columns in every SQL store) and its conversion to and from ExecutionRecord.
import type { ExecutionRecord } from './store';

export interface ExecutionRow {
  namespace_id: string;
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  task_queue: string;
  status: number;
  start_time: number;
  execution_time: number;
  close_time: number | null;
  history_length: number;
  next_event_id: number;
  parent_workflow_id: string | null;
  parent_run_id: string | null;
  root_workflow_id: string | null;
  root_run_id: string | null;
  memo: Buffer | null;
  search_attributes: string;
  state: string;
  db_version: number;
}

export function rowToExecution(row: ExecutionRow): ExecutionRecord {
  return {
    namespaceId: row.namespace_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    workflowType: row.workflow_type,
    taskQueue: row.task_queue,
    status: row.status,
    startTimeMs: row.start_time,
    executionTimeMs: row.execution_time,
    closeTimeMs: row.close_time,
    historyLength: row.history_length,
    nextEventId: row.next_event_id,
    parentWorkflowId: row.parent_workflow_id,
    parentRunId: row.parent_run_id,
    rootWorkflowId: row.root_workflow_id,
    rootRunId: row.root_run_id,
    memo: row.memo ? new Uint8Array(row.memo) : null,
    searchAttributes: JSON.parse(row.search_attributes) as Record<string, unknown>,
    state: row.state,
  };
}

export function executionParams(r: ExecutionRecord): Record<string, unknown> {
  return {
    namespaceId: r.namespaceId,
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    taskQueue: r.taskQueue,
    status: r.status,
    startTime: r.startTimeMs,
    executionTime: r.executionTimeMs,
    closeTime: r.closeTimeMs,
    historyLength: r.historyLength,
    nextEventId: r.nextEventId,
    parentWorkflowId: r.parentWorkflowId,
    parentRunId: r.parentRunId,
    rootWorkflowId: r.rootWorkflowId,
    rootRunId: r.rootRunId,
    memo: r.memo ? Buffer.from(r.memo) : null,
    searchAttributes: JSON.stringify(r.searchAttributes),
    state: r.state,
  };
}
