// WorkflowExecutionInfo as Describe and List return it, built from a run's record and mutable state.
import { temporal, decodeBase64, long } from '../common/proto';
import { durationFromMs, timestampFromMs } from '../common/time';
import type { ExecutionRecord } from '../store/store';
import type { MutableState } from './mutable-state';

export function executionInfo(
  record: ExecutionRecord,
  state: MutableState,
): temporal.api.workflow.v1.IWorkflowExecutionInfo {
  return {
    execution: { workflowId: record.workflowId, runId: record.runId },
    type: { name: record.workflowType },
    startTime: timestampFromMs(record.startTimeMs),
    ...(record.closeTimeMs
      ? {
          closeTime: timestampFromMs(record.closeTimeMs),
          executionDuration: durationFromMs(record.closeTimeMs - record.executionTimeMs),
        }
      : {}),
    status: record.status,
    historyLength: long(record.historyLength),
    executionTime: timestampFromMs(record.executionTimeMs),
    memo: record.memo ? temporal.api.common.v1.Memo.decode(record.memo) : { fields: {} },
    searchAttributes: state.searchAttributes
      ? decodeBase64('temporal.api.common.v1.SearchAttributes', state.searchAttributes)
      : { indexedFields: {} },
    taskQueue: record.taskQueue,
    historySizeBytes: long(state.historySizeBytes),
    firstRunId: state.firstExecutionRunId,
    ...(state.parent
      ? {
          parentNamespaceId: state.parent.namespaceId,
          parentExecution: { workflowId: state.parent.workflowId, runId: state.parent.runId },
        }
      : {}),
    stateTransitionCount: long(record.nextEventId),
  };
}
