// Worker-facing workflow task operations: starting a task a poll matched, completing it with commands,
// failing it. Each is one engine transaction.
import { recordBuildId } from './search-attributes';
import { temporal, long } from '../common/proto';
import { notFound } from '../common/errors';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import type { Transaction } from './transaction';
import { isRunning, WorkflowTaskStatus } from './mutable-state';
import { type MatchTask, type TaskToken, runKeyOf } from './tasks';
import { failWorkflowTask, scheduleWorkflowTask, startWorkflowTask } from './workflow-tasks';
import { applyCommands, CommandError, hasCloseCommand, validateCommands, type CommandContext } from './command-handler';
import { handleRemainingMessages, indexMessages, requeueUnansweredUpdates } from './update-messages';
import { answerQueries, dispatchBufferedQueries } from './query-api';
import { EventType } from '../common/proto';
import { recordResetPoint } from './reset-points';
import { transitionRecord } from './item-transition';
import { WorkflowTaskCompleted } from './workflow-task-machine';
import { OwnerOp } from './cluster-link';
import { HISTORY_SERVICE_IDENTITY, terminateWorkflow } from './workflow-operations';
import { pascalFromUpperSnake } from '../common/names';
import { startEagerActivities } from './eager-activities';
import { workflowTaskResponse } from './workflow-task-response';

type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

export interface WorkflowPoll {
  readonly identity: string;
  readonly namespace: string;
  readonly taskQueue: string;
  /** The worker's build id (worker version capabilities), recorded on the started event. */
  readonly buildId?: string;
}

/**
 * Starts the matched workflow task (in the process holding the run's shard); undefined when the task is
 * stale (already started, run closed).
 */
export async function recordWorkflowTaskStarted(
  engine: HistoryEngine,
  task: Extract<MatchTask, { kind: 'workflow-task' }>,
  poll: WorkflowPoll,
): Promise<PollResponse | undefined> {
  return (
    (await engine.atRunOwner<PollResponse | null>(task.key, OwnerOp.StartWorkflowTask, { task, poll })) ?? undefined
  );
}

export function recordWorkflowTaskStartedHere(
  engine: HistoryEngine,
  args: { readonly task: Extract<MatchTask, { kind: 'workflow-task' }>; readonly poll: WorkflowPoll },
): Promise<PollResponse | undefined> {
  const { task, poll } = args;
  return engine.run(task.key, async (tx) => {
    const workflow = await tx.get(task.key);
    const wft = workflow?.state.workflowTask;
    const isStickyFallback =
      wft !== undefined && wft !== null && wft.isSticky && poll.taskQueue === workflow?.state.taskQueue;
    const isCurrent =
      workflow !== undefined &&
      isRunning(workflow.state) &&
      wft?.status === WorkflowTaskStatus.Scheduled &&
      wft.scheduledEventId === task.scheduledEventId &&
      wft.attempt === task.attempt &&
      (wft.taskQueue === poll.taskQueue || isStickyFallback);
    if (!workflow || !wft || !isCurrent) {
      // A stale pointer: its dispatch row (if it is still there) is not needed any more.
      if (workflow && task.dispatchTaskId !== wft?.dispatchTaskId) workflow.completeTask(task.dispatchTaskId);
      return undefined;
    }
    // A sticky task taken from the normal queue: its sticky worker is gone, so the new one gets full history.
    if (isStickyFallback) workflow.state.stickyTaskQueue = '';
    const startedEventId = startWorkflowTask(
      workflow,
      {
        identity: poll.identity,
        requestId: engine.ctx.ids.uuid(),
        nowMs: tx.nowMs,
        buildId: poll.buildId ?? '',
      },
      engine.ctx.config,
    );
    return workflowTaskResponse(engine, tx, workflow, {
      startedEventId,
      fullHistory: !wft.isSticky || isStickyFallback,
      pollTaskQueue: poll.taskQueue,
    });
  });
}

function currentTask(workflow: Workflow | undefined, token: Extract<TaskToken, { k: 'wft' }>): Workflow {
  const wft = workflow?.state.workflowTask;
  if (!workflow || !isRunning(workflow.state)) throw notFound('Workflow execution already completed.');
  if (!wft || wft.scheduledEventId !== token.s || wft.startedEventId !== token.st || wft.attempt !== token.a) {
    throw notFound('Workflow task not found.');
  }
  return workflow;
}

export async function completeWorkflowTask(
  engine: HistoryEngine,
  token: Extract<TaskToken, { k: 'wft' }>,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): Promise<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedResponse> {
  const ctx = engine.ctx;
  let resetHistoryEventId = 0;
  let activityTasks: temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse[] = [];
  await engine.run(runKeyOf(token), async (tx) => {
    const workflow = currentTask(await tx.get(runKeyOf(token)), token);
    answerQueries(workflow, request.queryResults ?? {});
    const s = workflow.state;
    const commands = request.commands ?? [];
    const identity = request.identity ?? '';
    if (isDiscardable(workflow, request)) {
      // The worker must forget the dropped task's events: it rewinds to the last completed task.
      resetHistoryEventId = workflow.state.lastCompletedStartedEventId;
      discardSpeculativeTask(engine, tx, workflow, request);
      return;
    }
    const hasNewUpdates = [...workflow.updates.values()].some((u) => !u.isDelivered);
    if (hasCloseCommand(commands) && (workflow.hasBufferedEvents || hasNewUpdates)) {
      failWorkflowTask(ctx, workflow, {
        nowMs: tx.nowMs,
        cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
        identity,
        failure: { message: 'UnhandledCommand' },
      });
      return;
    }
    try {
      validateCommands(ctx, workflow, commands, tx.nowMs);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      engine.logger.info('Failing the workflow task.', {
        namespace: ctx.namespaces.findById(s.namespaceId)?.name ?? s.namespaceId,
        workflowId: s.workflowId,
        runId: s.runId,
        attempt: s.workflowTask?.attempt ?? 0,
        cause: temporal.api.enums.v1.WorkflowTaskFailedCause[error.failedCause] ?? String(error.failedCause),
        error: error.message,
      });
      failWorkflowTask(ctx, workflow, {
        nowMs: tx.nowMs,
        cause: error.failedCause,
        identity,
        failure: { message: error.message },
        scheduleRetry: !error.terminatesWorkflow,
      });
      if (error.terminatesWorkflow) {
        // As the Temporal server: its reason names the cause ("BadScheduleActivityAttributes: ...").
        const causeName = temporal.api.enums.v1.WorkflowTaskFailedCause[error.failedCause] ?? '';
        terminateWorkflow(ctx, tx, workflow, {
          reason: `${pascalFromUpperSnake(causeName.replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, ''))}: ${error.message}`,
          details: null,
          identity: HISTORY_SERVICE_IDENTITY,
        });
      }
      return;
    }
    const wft = s.workflowTask;
    if (!wft) return;
    const sticky = request.stickyAttributes?.workerTaskQueue?.name ?? '';
    s.stickyTaskQueue = sticky;
    s.stickyScheduleToStartTimeoutMs = sticky
      ? Number(request.stickyAttributes?.scheduleToStartTimeout?.seconds ?? 0) * 1000 ||
        ctx.config.stickyScheduleToStartDefaultMs
      : 0;
    const completed = workflow.append(
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      'workflowTaskCompletedEventAttributes',
      {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        identity,
        binaryChecksum: request.binaryChecksum ?? '',
        sdkMetadata: request.sdkMetadata ?? null,
        meteringMetadata: request.meteringMetadata ?? null,
        ...(request.workerVersionStamp ? { workerVersion: request.workerVersionStamp } : {}),
        ...(request.versioningBehavior ? { versioningBehavior: request.versioningBehavior } : {}),
      },
      tx.nowMs,
    );
    s.lastCompletedStartedEventId = wft.startedEventId;
    s.lastCompletedWorkflowTaskEventId = Number(completed.eventId);
    recordResetPoint(s, {
      buildId: request.workerVersionStamp?.buildId ?? '',
      binaryChecksum: request.binaryChecksum ?? '',
      completedEventId: Number(completed.eventId),
      nowMs: tx.nowMs,
    });
    recordBuildId(workflow, request.workerVersionStamp);
    transitionRecord(workflow, wft, WorkflowTaskCompleted, undefined);
    s.workflowTask = null;
    const c: CommandContext = {
      ctx,
      tx,
      workflow,
      completedEventId: Number(completed.eventId),
      identity,
      messages: indexMessages(request.messages ?? []),
      eagerActivities: [],
    };
    applyCommands(c, commands);
    handleRemainingMessages(c);
    if (!isRunning(s)) return;
    activityTasks = await startEagerActivities(ctx, tx, workflow, c.eagerActivities, identity);
    const hadBuffered = workflow.hasBufferedEvents;
    workflow.flushBuffer();
    const hasPendingUpdates = requeueUnansweredUpdates(workflow);
    if (hadBuffered || hasPendingUpdates || request.forceCreateNewWorkflowTask) {
      // A task scheduled only to deliver updates is speculative, as on the Temporal server.
      const isSpeculative = !hadBuffered && !request.forceCreateNewWorkflowTask;
      scheduleWorkflowTask(ctx, workflow, tx.nowMs, 1, isSpeculative);
    }
    if (!s.workflowTask) dispatchBufferedQueries(engine, workflow);
  });
  return {
    ...(resetHistoryEventId > 0 ? { resetHistoryEventId: long(resetHistoryEventId) } : {}),
    ...(activityTasks.length > 0 ? { activityTasks } : {}),
  };
}

export function failWorkflowTaskFromWorker(
  engine: HistoryEngine,
  token: Extract<TaskToken, { k: 'wft' }>,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest,
): Promise<void> {
  return engine.run(runKeyOf(token), async (tx) => {
    const workflow = currentTask(await tx.get(runKeyOf(token)), token);
    failWorkflowTask(engine.ctx, workflow, {
      nowMs: tx.nowMs,
      cause: request.cause ?? 0,
      failure: request.failure,
      identity: request.identity ?? '',
    });
    requeueUnansweredUpdates(workflow);
  });
}

const REJECTION_TYPE_URL = 'type.googleapis.com/temporal.api.update.v1.Rejection';

/**
 * A speculative task (scheduled for an update) that produced nothing but update rejections leaves no
 * trace in history, as on the Temporal server.
 */
function isDiscardable(
  workflow: Workflow,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): boolean {
  return (
    Boolean(workflow.state.workflowTask?.speculativeEvents) &&
    (request.commands ?? []).length === 0 &&
    !workflow.hasBufferedEvents &&
    !request.forceCreateNewWorkflowTask &&
    (request.messages ?? []).every((m) => m.body?.type_url === REJECTION_TYPE_URL)
  );
}

function discardSpeculativeTask(
  engine: HistoryEngine,
  tx: Transaction,
  workflow: Workflow,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): void {
  const s = workflow.state;
  const task = s.workflowTask;
  if (task) transitionRecord(workflow, task, WorkflowTaskCompleted, undefined);
  s.workflowTask = null;
  const sticky = request.stickyAttributes?.workerTaskQueue?.name ?? '';
  s.stickyTaskQueue = sticky;
  handleRemainingMessages({
    ctx: engine.ctx,
    tx,
    workflow,
    completedEventId: 0,
    identity: request.identity ?? '',
    messages: indexMessages(request.messages ?? []),
    eagerActivities: [],
  });
  if (requeueUnansweredUpdates(workflow)) scheduleWorkflowTask(engine.ctx, workflow, tx.nowMs, 1, true);
  else dispatchBufferedQueries(engine, workflow);
}
