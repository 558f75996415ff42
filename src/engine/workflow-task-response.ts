// The PollWorkflowTaskQueueResponse of a workflow task just started: by a poll that matching matched, or
// eagerly in the response of the start that created the run.
import { temporal, long } from '../common/proto';
import { timestampFromMs } from '../common/time';
import type { HistoryEngine } from './history-engine';
import { attachBufferedQueries } from './query-api';
import { taskHistory } from './task-history';
import { encodeTaskToken, type TaskToken } from './tasks';
import type { Transaction } from './transaction';
import { updateRequestMessages } from './update-messages';
import type { Workflow } from './workflow';

export type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

export async function workflowTaskResponse(
  engine: HistoryEngine,
  tx: Transaction,
  workflow: Workflow,
  params: {
    readonly startedEventId: number;
    /** The whole history; else (a sticky worker's task) the events since its last completed task. */
    readonly fullHistory: boolean;
    /** The task queue the task was taken from, whose backlog the response hints at. */
    readonly pollTaskQueue: string;
  },
): Promise<PollResponse> {
  const s = workflow.state;
  const wft = s.workflowTask;
  if (!wft) throw new Error('no started workflow task to answer with');
  const { startedEventId } = params;
  const token: TaskToken = {
    k: 'wft',
    ns: s.namespaceId,
    w: s.workflowId,
    r: s.runId,
    s: wft.scheduledEventId,
    st: startedEventId,
    a: wft.attempt,
  };
  const history = await taskHistory(tx, workflow, {
    fromEventId: params.fullHistory ? 1 : s.lastCompletedStartedEventId + 1,
    toEventId: s.nextEventId - 1,
    pageSize: engine.ctx.config.historyPageSizeMax,
    tail: workflow.speculativeTaskEvents,
  });
  return {
    taskToken: encodeTaskToken(token),
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    workflowType: { name: s.workflowType },
    previousStartedEventId: long(s.lastCompletedStartedEventId),
    startedEventId: long(startedEventId),
    attempt: wft.attempt,
    backlogCountHint: long(engine.backlogCount(s.namespaceId, params.pollTaskQueue, 'workflow')),
    history: { events: history.events },
    nextPageToken: history.nextPageToken,
    workflowExecutionTaskQueue: {
      name: s.taskQueue,
      kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
    },
    scheduledTime: timestampFromMs(wft.scheduledTimeMs),
    startedTime: timestampFromMs(tx.nowMs),
    queries: attachBufferedQueries(workflow),
    messages: updateRequestMessages(workflow, startedEventId),
  };
}
