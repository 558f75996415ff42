// Worker-facing activity task operations: start a matched task, heartbeat, complete, fail, cancel,
// by task token or by workflow id + activity id.
import { type Payloads, type Failure, temporal } from '../common/proto';
import { invalidArgument, notFound } from '../common/errors';
import type { HistoryEngine } from './history-engine';
import type { Workflow } from './workflow';
import type { ActivityState } from './mutable-state';
import { isRunning } from './mutable-state';
import { encodeTaskToken, type MatchTask, type RunKey, type TaskToken, runKeyOf } from './tasks';
import {
  cancelActivity,
  completeActivity,
  failActivity,
  findActivityById,
  recordHeartbeat,
  startActivityTask,
} from './activities';
import type { Transaction } from './engine-context';

export function recordActivityTaskStarted(
  engine: HistoryEngine,
  task: Extract<MatchTask, { kind: 'activity-task' }>,
  poll: { identity: string; namespace: string },
): temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse | undefined {
  return engine.run((tx) => {
    const workflow = tx.get(task.key);
    const activity = workflow?.state.activities[String(task.scheduledEventId)];
    if (!workflow || !isRunning(workflow.state) || !activity) return undefined;
    if (activity.attempt !== task.attempt || activity.startedTimeMs !== 0 || activity.retryAtMs !== 0) return undefined;
    const s = workflow.state;
    const token: TaskToken = {
      k: 'act',
      ns: s.namespaceId,
      w: s.workflowId,
      r: s.runId,
      s: activity.scheduledEventId,
      a: activity.attempt,
      id: activity.activityId,
    };
    return startActivityTask(workflow, activity, {
      identity: poll.identity,
      requestId: engine.ctx.ids.uuid(),
      nowMs: tx.nowMs,
      namespace: poll.namespace,
      taskToken: encodeTaskToken(token),
    });
  });
}

/** Where an activity response is aimed: a task token, or (for the *ById RPCs) ids. */
export type ActivityTarget =
  | { readonly kind: 'token'; readonly token: Extract<TaskToken, { k: 'act' }> }
  | { readonly kind: 'id'; readonly key: RunKey; readonly activityId: string };

/** Finds the running attempt a response is for. Only completion by id may also force-complete an activity that is not running. */
function resolve(
  tx: Transaction,
  target: ActivityTarget,
  isForceCompletion = false,
): { workflow: Workflow; activity: ActivityState } {
  const workflow =
    target.kind === 'token'
      ? tx.get(runKeyOf(target.token))
      : target.key.runId
        ? tx.get(target.key)
        : tx.getCurrent(target.key.namespaceId, target.key.workflowId);
  if (!workflow || !isRunning(workflow.state)) throw notFound('workflow execution already completed');
  const activity =
    target.kind === 'token'
      ? workflow.state.activities[String(target.token.s)]
      : findActivityById(workflow, target.activityId);
  if (!activity) throw notFound('activity task not found');
  if (target.kind === 'token' && activity.attempt !== target.token.a) throw notFound('activity task not found');
  if (activity.startedTimeMs === 0 && !(isForceCompletion && target.kind === 'id'))
    throw notFound('activity task not found');
  return { workflow, activity };
}

export function heartbeatActivity(
  engine: HistoryEngine,
  target: ActivityTarget,
  details: Payloads | null | undefined,
): temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatResponse {
  return engine.run((tx) => {
    const { activity } = resolve(tx, target);
    recordHeartbeat(activity, details, tx.nowMs);
    return { cancelRequested: activity.cancelRequested, activityPaused: false, activityReset: false };
  });
}

export function respondActivityCompleted(
  engine: HistoryEngine,
  target: ActivityTarget,
  result: Payloads | null | undefined,
  identity: string,
  buildId = '',
): void {
  engine.run((tx) => {
    const { workflow, activity } = resolve(tx, target, true);
    activity.startedBuildId = buildId;
    // The server writes a Started event for an activity completed by id before any worker took it.
    if (activity.startedTimeMs === 0) activity.startedIdentity = identity;
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
): void {
  engine.run((tx) => {
    const { workflow, activity } = resolve(tx, target);
    activity.startedBuildId = buildId;
    failActivity(engine.ctx, workflow, activity, failure, identity, tx.nowMs, lastHeartbeatDetails);
  });
}

export function respondActivityCanceled(
  engine: HistoryEngine,
  target: ActivityTarget,
  details: Payloads | null | undefined,
  identity: string,
): void {
  engine.run((tx) => {
    const { workflow, activity } = resolve(tx, target);
    if (!activity.cancelRequested)
      throw invalidArgument('unable to mark activity as canceled without activity being request canceled');
    const requested = [...workflow.events]
      .reverse()
      .find(
        (e) =>
          e.activityTaskCancelRequestedEventAttributes &&
          Number(e.activityTaskCancelRequestedEventAttributes.scheduledEventId) === activity.scheduledEventId,
      );
    cancelActivity(engine.ctx, workflow, activity, details, identity, tx.nowMs, Number(requested?.eventId ?? 0));
  });
}
