// PauseActivity, UnpauseActivity and ResetActivity of a workflow's activities, as the Temporal server
// does them (activity-operator.ts has what they share; the states are activity-machine.ts's).
//
// - Pause: an activity no worker runs is not dispatched until unpaused; a running attempt runs on, its
//   heartbeats answer `activity_paused`, and if it fails (retryably) the next attempt waits for the
//   unpause. No timeout of a paused activity runs. Pausing a paused activity again is FAILED_PRECONDITION,
//   unless it is the same request (its request id).
// - Unpause: an activity no worker runs is dispatched at once (or at random within the jitter), with its
//   attempt count back at 1 if asked and its heartbeat details gone if asked; one that is not paused is
//   left alone.
// - Reset: the attempt count goes back to 1 (a running attempt's heartbeats answer `activity_reset`), the
//   original options come back if asked, a paused activity is unpaused unless keep_paused, and one no
//   worker runs is dispatched at once (or within the jitter).
import { failedPrecondition } from '../common/errors';
import type { NamespaceRecord } from '../store/store';
import type { EngineContext } from './engine-context';
import type { HistoryEngine } from './history-engine';
import { ActivityStatus, type ActivityPause, type ActivityState } from './mutable-state';
import { ActivityPaused, ActivityPauseRequested, ActivityPauseWithdrawn } from './activity-machine';
import {
  type ActivityCommandTarget,
  jitteredMs,
  onWorkflowRun,
  redispatchActivity,
  refreshPauseInfo,
  selectActivities,
  touchActivity,
  transitionActivity,
} from './activity-operator';
import { applyOptions, originalOptions } from './activity-options';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { assertRunning } from './workflow-operations';

export interface PauseRequest extends ActivityCommandTarget {
  readonly identity: string;
  readonly reason: string;
  readonly requestId: string;
}

export function pauseActivity(engine: HistoryEngine, namespace: NamespaceRecord, request: PauseRequest): Promise<void> {
  return onWorkflowRun(engine, namespace, request.execution, (tx, workflow) => {
    assertRunning(workflow);
    const pause: ActivityPause = {
      timeMs: tx.nowMs,
      identity: request.identity,
      reason: request.reason,
      requestId: request.requestId,
    };
    let isChanged = false;
    for (const activity of selectActivities(workflow, request.selector)) {
      if (activity.pause) {
        if (activity.pause.requestId === request.requestId) continue;
        throw failedPrecondition('activity is already paused');
      }
      const transition = activity.status === ActivityStatus.Started ? ActivityPauseRequested : ActivityPaused;
      transitionActivity(workflow, activity, transition, { pause });
      isChanged = true;
    }
    if (isChanged) refreshPauseInfo(workflow);
  });
}

export interface UnpauseRequest extends ActivityCommandTarget {
  readonly resetAttempts: boolean;
  readonly resetHeartbeat: boolean;
  readonly jitterMs: number;
}

export function unpauseActivity(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: UnpauseRequest,
): Promise<void> {
  return onWorkflowRun(engine, namespace, request.execution, (tx, workflow) => {
    assertRunning(workflow);
    let isChanged = false;
    for (const activity of selectActivities(workflow, request.selector)) {
      if (!activity.pause) continue;
      if (request.resetAttempts) activity.attempt = 1;
      if (request.resetHeartbeat) {
        activity.heartbeatDetails = null;
        activity.lastHeartbeatTimeMs = 0;
      }
      touchActivity(workflow, activity);
      resume(engine.ctx, workflow, activity, tx.nowMs, request.jitterMs);
      isChanged = true;
    }
    if (isChanged) refreshPauseInfo(workflow);
  });
}

/** The pause ends: a running attempt's failure is retried again; an activity no worker runs is dispatched. */
function resume(
  ctx: EngineContext,
  workflow: Workflow,
  activity: ActivityState,
  nowMs: number,
  jitterMs: number,
): void {
  if (activity.status === ActivityStatus.Started)
    transitionActivity(workflow, activity, ActivityPauseWithdrawn, undefined);
  else redispatchActivity(workflow, activity, jitteredMs(ctx, nowMs, jitterMs), nowMs);
}

export interface ResetRequest extends ActivityCommandTarget {
  readonly resetHeartbeat: boolean;
  readonly keepPaused: boolean;
  readonly restoreOriginalOptions: boolean;
  readonly jitterMs: number;
}

export function resetActivity(engine: HistoryEngine, namespace: NamespaceRecord, request: ResetRequest): Promise<void> {
  return onWorkflowRun(engine, namespace, request.execution, async (tx, workflow) => {
    assertRunning(workflow);
    let isChanged = false;
    for (const activity of selectActivities(workflow, request.selector)) {
      isChanged = (await reset(engine.ctx, tx, workflow, activity, request)) || isChanged;
    }
    if (isChanged) refreshPauseInfo(workflow);
  });
}

/** Resets one activity; says whether it was unpaused. */
async function reset(
  ctx: EngineContext,
  tx: Transaction,
  workflow: Workflow,
  activity: ActivityState,
  request: ResetRequest,
): Promise<boolean> {
  if (request.restoreOriginalOptions) {
    applyOptions(workflow, activity, await originalOptions(tx, workflow, activity), false);
  }
  activity.attempt = 1;
  activity.hasPendingReset = true;
  if (request.resetHeartbeat) activity.shouldClearHeartbeat = true;
  touchActivity(workflow, activity);
  const isUnpaused = activity.pause !== undefined && !request.keepPaused;
  // A running attempt runs on (its worker hears of the reset); a paused one kept paused waits.
  if (activity.status === ActivityStatus.Started) {
    if (isUnpaused) transitionActivity(workflow, activity, ActivityPauseWithdrawn, undefined);
  } else if (!activity.pause || isUnpaused) {
    redispatchActivity(workflow, activity, jitteredMs(ctx, tx.nowMs, request.jitterMs), tx.nowMs);
  }
  return isUnpaused;
}
