// Workflow queries. A query rides on the next workflow task when one is pending (answered in
// RespondWorkflowTaskCompleted.query_results); otherwise it becomes a query task of its own on the
// workflow's task queue (answered by RespondQueryTaskCompleted).
import { temporal, long } from '../common/proto';
import { ServiceError, ErrorCode, invalidArgument, notFound } from '../common/errors';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import type { PendingQuery, QueryEntry } from './query-registry';
import { encodeTaskToken, type MatchTask, type RunKey, type TaskToken } from './tasks';
import { taskHistory } from './task-history';
import { OwnerOp } from './cluster-link';

type WorkflowQueryResult = temporal.api.query.v1.IWorkflowQueryResult;
const QueryResultType = temporal.api.enums.v1.QueryResultType;
const RejectCondition = temporal.api.enums.v1.QueryRejectCondition;
const Status = temporal.api.enums.v1.WorkflowExecutionStatus;

function pendingOf(engine: HistoryEngine): Map<string, PendingQuery> {
  return engine.pendingQueries;
}

export function attachBufferedQueries(workflow: Workflow): Record<string, temporal.api.query.v1.IWorkflowQuery> {
  const queries: Record<string, temporal.api.query.v1.IWorkflowQuery> = {};
  for (const entry of workflow.queries.values()) {
    if (entry.mode !== 'buffered' || entry.isDelivered) continue;
    entry.isDelivered = true;
    queries[entry.queryId] = entry.query;
  }
  return queries;
}

export function answerQueries(workflow: Workflow, results: Record<string, WorkflowQueryResult>): void {
  for (const [queryId, result] of Object.entries(results)) {
    const entry = workflow.queries.get(queryId);
    if (!entry) continue;
    workflow.queries.delete(queryId);
    entry.resolve(result);
  }
}

/** Buffered queries that no workflow task will carry become query tasks. */
export function dispatchBufferedQueries(engine: HistoryEngine, workflow: Workflow): void {
  for (const entry of [...workflow.queries.values()]) {
    if (entry.isDelivered && entry.mode === 'buffered') continue;
    workflow.queries.delete(entry.queryId);
    entry.mode = 'task';
    entry.isDelivered = false;
    offerQueryTask(engine, workflow, entry.queryId);
  }
}

/** Offers a query task (a failed offer leaves the query to time out, as an unanswered one does). */
function offerQueryTask(engine: HistoryEngine, workflow: Workflow, queryId: string): void {
  engine
    .offerTask(workflow.state.namespaceId, workflow.state.taskQueue, 'workflow', {
      kind: 'query-task',
      key: workflow.key,
      queryId,
    })
    .catch(() => undefined);
}

export async function queryWorkflow(
  engine: HistoryEngine,
  key: RunKey,
  request: temporal.api.workflowservice.v1.IQueryWorkflowRequest,
  signal: AbortSignal,
): Promise<temporal.api.workflowservice.v1.IQueryWorkflowResponse> {
  const queryId = engine.ctx.ids.uuid();
  const pending = pendingOf(engine);
  let settle: (result: WorkflowQueryResult) => void = () => undefined;
  const answered = new Promise<WorkflowQueryResult>((resolve) => (settle = resolve));
  const entry: QueryEntry = {
    queryId,
    query: request.query ?? {},
    mode: 'buffered',
    isDelivered: false,
    resolve: (result) => {
      pending.delete(queryId);
      settle(result);
    },
  };
  const admitted = await engine.run(key, async (tx) => {
    const workflow = await tx.get(key);
    if (!workflow) throw notFound('workflow not found');
    const rejected = rejection(workflow, request.queryRejectCondition ?? 0);
    if (rejected) return { rejected } as const;
    pending.set(queryId, { entry, key: workflow.key });
    if (isRunning(workflow.state) && workflow.state.workflowTask) {
      workflow.queries.set(queryId, entry);
    } else {
      entry.mode = 'task';
      offerQueryTask(engine, workflow, queryId);
    }
    return { workflow } as const;
  });
  if ('rejected' in admitted && admitted.rejected) return admitted.rejected;
  const result = await new Promise<WorkflowQueryResult>((resolve, reject) => {
    const onAbort = (): void => {
      admitted.workflow.queries.delete(queryId);
      pending.delete(queryId);
      reject(new ServiceError(ErrorCode.DeadlineExceeded, 'query timed out before a worker answered it'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void answered.then((answer) => {
      signal.removeEventListener('abort', onAbort);
      resolve(answer);
    });
  });
  if (result.resultType === QueryResultType.QUERY_RESULT_TYPE_ANSWERED) return { queryResult: result.answer ?? null };
  throw new ServiceError(ErrorCode.QueryFailed, result.errorMessage || 'query failed', {
    typeName: 'temporal.api.errordetails.v1.QueryFailedFailure',
    value: { failure: result.failure ?? null },
  });
}

/** The answer for a query the run cannot take, or undefined. Throws when it cannot be queried at all. */
function rejection(
  workflow: Workflow,
  condition: number,
): temporal.api.workflowservice.v1.IQueryWorkflowResponse | undefined {
  const s = workflow.state;
  const closed = !isRunning(s);
  if (
    (condition === RejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN && closed) ||
    (condition === RejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
      closed &&
      s.status !== Status.WORKFLOW_EXECUTION_STATUS_COMPLETED)
  ) {
    return { queryRejected: { status: s.status } };
  }
  if (s.lastCompletedStartedEventId === 0 && closed) {
    throw new ServiceError(
      ErrorCode.FailedPrecondition,
      'Workflow completed before the first workflow task completed; it cannot be queried.',
    );
  }
  if (s.workflowTask && s.workflowTask.attempt >= 3) {
    throw new ServiceError(ErrorCode.FailedPrecondition, 'Cannot query workflow due to Workflow Task in failed state.');
  }
  return undefined;
}

type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

/**
 * The poll response for a query task, from the process holding the run's shard (where the query waits);
 * undefined when the query is gone (answered or abandoned).
 */
export async function recordQueryTaskStarted(
  engine: HistoryEngine,
  task: Extract<MatchTask, { kind: 'query-task' }>,
): Promise<PollResponse | undefined> {
  return (await engine.atRunOwner<PollResponse | null>(task.key, OwnerOp.StartQueryTask, task)) ?? undefined;
}

export async function recordQueryTaskStartedHere(
  engine: HistoryEngine,
  task: Extract<MatchTask, { kind: 'query-task' }>,
): Promise<PollResponse | undefined> {
  const pending = pendingOf(engine).get(task.queryId);
  if (!pending || pending.entry.isDelivered) return undefined;
  return engine.run(task.key, async (tx) => {
    const workflow = await tx.get(task.key);
    if (!workflow || pending.entry.isDelivered) return undefined;
    pending.entry.isDelivered = true;
    const s = workflow.state;
    const token: TaskToken = { k: 'qry', ns: s.namespaceId, w: s.workflowId, r: s.runId, q: task.queryId };
    const history = await taskHistory(tx, workflow, {
      fromEventId: 1,
      toEventId: s.nextEventId - 1,
      pageSize: engine.ctx.config.historyPageSizeMax,
      tail: [],
    });
    return {
      taskToken: encodeTaskToken(token),
      workflowExecution: { workflowId: s.workflowId, runId: s.runId },
      workflowType: { name: s.workflowType },
      previousStartedEventId: long(s.lastCompletedStartedEventId),
      startedEventId: long(0),
      attempt: 1,
      history: { events: history.events },
      nextPageToken: history.nextPageToken,
      query: pending.entry.query,
      workflowExecutionTaskQueue: {
        name: s.taskQueue,
        kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
      },
    };
  });
}

export function respondQueryTaskCompleted(
  engine: HistoryEngine,
  token: Extract<TaskToken, { k: 'qry' }>,
  request: temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest,
): void {
  const pending = pendingOf(engine).get(token.q);
  if (!pending) throw notFound('query task not found, or already answered');
  const type = request.completedType ?? 0;
  if (type !== QueryResultType.QUERY_RESULT_TYPE_ANSWERED && type !== QueryResultType.QUERY_RESULT_TYPE_FAILED) {
    throw invalidArgument('Invalid CompletedType.');
  }
  pending.entry.resolve({
    resultType: type,
    answer: request.queryResult ?? null,
    errorMessage: request.errorMessage ?? '',
    failure: request.failure ?? null,
  });
}
