// Worker-facing activity task operations: start a matched task, heartbeat, complete, fail, cancel,
// by task token or by workflow id + activity id. Each is one transaction on the run's shard.
import { type Payloads, type Failure, temporal } from '../common/proto';
import { invalidArgument, notFound } from '../common/errors';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import { ActivityStatus, type ActivityState, type WorkerSdk } from './mutable-state';
import { isRunning } from './mutable-state';
import { type MatchTask, type RunKey, type TaskToken, runKeyOf } from './tasks';
import {
  cancelActivity,
  completeActivity,
  failActivity,
  findActivityById,
  recordHeartbeat,
  startActivityTask,
  activityTaskToken,
} from './activities';
import type { Transaction } from './transaction';
import { OwnerOp } from './cluster-link';
import {
  COMPLETE_RESULT_TOO_LARGE,
  FAILURE_TOO_LARGE,
  failureSize,
  payloadsSize,
  serverFailure,
  truncatedFailure,
} from './blob-size';
import { ACTIVITY_ID_PREFIX } from './standalone-activity';

type ActivityPollResponse = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;

/** Starts the matched activity attempt (in the process holding the run's shard); undefined when stale. */
export async function recordActivityTaskStarted(
  engine: HistoryEngine,
  task: Extract<MatchTask, { kind: 'activity-task' }>,
  poll: ActivityPoll,
): Promise<ActivityPollResponse | undefined> {
  return (
    (await engine.atRunOwner<ActivityPollResponse | null>(task.key, OwnerOp.StartActivityTask, { task, poll })) ??
    undefined
  );
}

/** The poll a matched activity task answers. */
export interface ActivityPoll {
  readonly identity: string;
  readonly namespace: string;
  readonly sdk: WorkerSdk;
}

export function recordActivityTaskStartedHere(
  engine: HistoryEngine,
  args: {
    readonly task: Extract<MatchTask, { kind: 'activity-task' }>;
    readonly poll: ActivityPoll;
  },
): Promise<ActivityPollResponse | undefined> {
  const { task, poll } = args;
  return engine.run(task.key, async (tx) => {
    const workflow = await tx.get(task.key);
    const activity = workflow?.state.activities[String(task.scheduledEventId)];
    const isCurrent =
      workflow !== undefined &&
      isRunning(workflow.state) &&
      activity?.status === ActivityStatus.Scheduled &&
      activity.attempt === task.attempt &&
      // A pause, reset or new options since dispatched it again (the server's stamp): this one is stale.
      activity.dispatchTaskId === task.dispatchTaskId;
    if (!workflow || !activity || !isCurrent) {
      // A stale pointer: its dispatch row (if it is still there) is not needed any more.
      if (workflow && task.dispatchTaskId !== activity?.dispatchTaskId) workflow.completeTask(task.dispatchTaskId);
      return undefined;
    }
    const scheduled = (await tx.event(workflow, activity.scheduledEventId))?.activityTaskScheduledEventAttributes;
    return startActivityTask(workflow, activity, scheduled, {
      identity: poll.identity,
      requestId: engine.ctx.ids.uuid(),
      nowMs: tx.nowMs,
      namespace: poll.namespace,
      taskToken: activityTaskToken(workflow, activity),
      sdk: poll.sdk,
    });
  });
}

/** Where an activity response is aimed: a task token, or (for the *ById RPCs) ids. */
export type ActivityTarget =
  | { readonly kind: 'token'; readonly token: Extract<TaskToken, { k: 'act' }> }
  | { readonly kind: 'id'; readonly key: RunKey; readonly activityId: string };

function targetKey(target: ActivityTarget): { namespaceId: string; workflowId: string } {
  return target.kind === 'token' ? runKeyOf(target.token) : target.key;
}

/** Finds the running attempt a response is for. Only completion by id may also complete an activity that is not running. */
async function resolve(
  tx: Transaction,
  target: ActivityTarget,
  isForceCompletion = false,
): Promise<{ workflow: Workflow; activity: ActivityState }> {
  const workflow =
    target.kind === 'token'
      ? await tx.get(runKeyOf(target.token))
      : target.key.runId
        ? await tx.get(target.key)
        : await tx.getCurrent(target.key.namespaceId, target.key.workflowId);
  if (!workflow || !isRunning(workflow.state)) {
    // A standalone activity's worker hears of its run's close as the Temporal server says it.
    const isStandalone = (target.kind === 'token' ? target.token.w : target.key.workflowId).startsWith(
      ACTIVITY_ID_PREFIX,
    );
    throw notFound(isStandalone ? 'activity task not found' : 'workflow execution already completed');
  }
  const activity =
    target.kind === 'token'
      ? workflow.state.activities[String(target.token.s)]
      : findActivityById(workflow, target.activityId);
  if (!activity) throw notFound('activity task not found');
  if (target.kind === 'token' && activity.attempt !== target.token.a) throw notFound('activity task not found');
  const isForced =
    isForceCompletion &&
    target.kind === 'id' &&
    (activity.status === ActivityStatus.Scheduled || activity.status === ActivityStatus.Paused);
  if (activity.status !== ActivityStatus.Started && !isForced) throw notFound('activity task not found');
  return { workflow, activity };
}

export function heartbeatActivity(
  engine: HistoryEngine,
  target: ActivityTarget,
  details: Payloads | null | undefined,
): Promise<temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatResponse> {
  return engine.run(targetKey(target), async (tx) => {
    const { workflow, activity } = await resolve(tx, target);
    recordHeartbeat(workflow, activity, details, tx.nowMs);
    return {
      cancelRequested: activity.cancelRequested,
      activityPaused: activity.pause !== undefined,
      activityReset: activity.hasPendingReset === true,
    };
  });
}

export function respondActivityCompleted(
  engine: HistoryEngine,
  target: ActivityTarget,
  result: Payloads | null | undefined,
  identity: string,
  buildId = '',
): Promise<void> {
  // A result past the blob size limit fails the activity instead, as the Temporal frontend records it.
  if (payloadsSize(result, engine.ctx.config.blobSizeMaxBytes) > engine.ctx.config.blobSizeMaxBytes)
    return respondActivityFailed(engine, target, serverFailure(COMPLETE_RESULT_TOO_LARGE), identity, null, buildId);
  return engine.run(targetKey(target), async (tx) => {
    const { workflow, activity } = await resolve(tx, target, true);
    activity.startedBuildId = buildId;
    // The server writes a Started event for an activity completed by id before any worker took it.
    if (activity.status !== ActivityStatus.Started) activity.startedIdentity = identity;
    completeActivity(engine.ctx, workflow, activity, result, identity, tx.nowMs);
  });
}

export function respondActivityFailed(
  engine: HistoryEngine,
  target: ActivityTarget,
  failure: Failure | null | undefined,
  identity: string,
  lastHeartbeatDetails: Payloads | null | undefined,
  buildId = '',
): Promise<void> {
  const recorded =
    failureSize(failure) > engine.ctx.config.blobSizeMaxBytes
      ? { ...serverFailure(FAILURE_TOO_LARGE), cause: truncatedFailure(failure ?? {}) }
      : failure;
  return engine.run(targetKey(target), async (tx) => {
    const { workflow, activity } = await resolve(tx, target);
    activity.startedBuildId = buildId;
    failActivity(engine.ctx, workflow, activity, recorded, identity, tx.nowMs, lastHeartbeatDetails);
  });
}

export function respondActivityCanceled(
  engine: HistoryEngine,
  target: ActivityTarget,
  details: Payloads | null | undefined,
  identity: string,
): Promise<void> {
  return engine.run(targetKey(target), async (tx) => {
    const { workflow, activity } = await resolve(tx, target);
    if (!activity.cancelRequested) {
      throw invalidArgument('unable to mark activity as canceled without activity being request canceled');
    }
    cancelActivity(engine.ctx, workflow, activity, details, identity, tx.nowMs, activity.cancelRequestedEventId);
  });
}
