// What the operator commands on a workflow's activities share (PauseActivity, UnpauseActivity and
// ResetActivity in activity-pause.ts, UpdateActivityOptions in activity-options.ts). Each command is one
// transaction on the run's shard: it picks activities by id, by type or all of them, changes them
// through the activity machine (activity-machine.ts) and writes no history event, as on the Temporal
// server; the run's TemporalPauseInfo search attribute names the types of its paused activities.
import { assertNever } from '../common/assert';
import { notFound, workflowNotFound } from '../common/errors';
import type { Transition } from '../common/state-machine';
import type { temporal } from '../common/proto';
import type { NamespaceRecord } from '../store/store';
import type { EngineContext } from './engine-context';
import type { HistoryEngine } from './history-engine';
import { ActivityStatus, isStandalone, type ActivityState } from './mutable-state';
import { ActivityRedispatchDeferred, ActivityRedispatched } from './activity-machine';
import { findRun } from './client-api';
import { transitionItem } from './item-transition';
import type { Followups } from './outbox';
import { upsertSearchAttributes } from './search-attributes';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';

/** Which activities of the run a command is for. */
export type ActivitySelector =
  | { readonly kind: 'id'; readonly activityId: string }
  | { readonly kind: 'type'; readonly activityType: string }
  | { readonly kind: 'all' };

/** The run and the activities a command names. */
export interface ActivityCommandTarget {
  readonly execution: temporal.api.common.v1.IWorkflowExecution | null | undefined;
  readonly selector: ActivitySelector;
}

export const PAUSE_INFO_ATTRIBUTE = 'TemporalPauseInfo';
const KEYWORD_LIST = 'KeywordList';

export function activityNotFound(): Error {
  return notFound("Can't find pending activity with such ID. Invalid activityID or activity already completed");
}

/**
 * Runs `fn` in a transaction on the run the execution names (the current one without a run id). A
 * standalone activity's or Nexus operation's run is no workflow: the server does not find one.
 */
export function onWorkflowRun<R>(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  execution: temporal.api.common.v1.IWorkflowExecution | null | undefined,
  fn: (tx: Transaction, workflow: Workflow) => R | Promise<R>,
): Promise<R> {
  const workflowId = execution?.workflowId ?? '';
  return engine.run({ namespaceId: namespace.id, workflowId }, async (tx) => {
    const workflow = await findRun(tx, namespace, execution);
    if (isStandalone(workflow.state)) throw workflowNotFound(workflowId, execution?.runId || undefined);
    return fn(tx, workflow);
  });
}

/** The pending activities the selector names; none is NOT_FOUND. */
export function selectActivities(workflow: Workflow, selector: ActivitySelector): ActivityState[] {
  const pending = Object.values(workflow.state.activities);
  const selected = pending.filter((activity) => {
    switch (selector.kind) {
      case 'id':
        return activity.activityId === selector.activityId;
      case 'type':
        return activity.activityType === selector.activityType;
      case 'all':
        return true;
      default:
        return assertNever(selector);
    }
  });
  if (selected.length === 0) throw activityNotFound();
  return selector.kind === 'id' ? selected.slice(0, 1) : selected;
}

export function transitionActivity<E>(
  workflow: Workflow,
  activity: ActivityState,
  transition: Transition<ActivityState, E, Followups>,
  event: E,
): void {
  transitionItem(workflow, 'activities', String(activity.scheduledEventId), activity, transition, event);
}

/** Marks an activity whose fields a command changed (without a change of state) for the commit. */
export function touchActivity(workflow: Workflow, activity: ActivityState): void {
  workflow.changed('activities', String(activity.scheduledEventId));
}

/** The time an unpaused or reset activity is dispatched: now, or at random within the jitter. */
export function jitteredMs(ctx: EngineContext, nowMs: number, jitterMs: number): number {
  return jitterMs > 0 ? nowMs + Math.floor(ctx.ids.random() * jitterMs) : nowMs;
}

/**
 * Sends an activity no worker runs (scheduled, backing off or paused) to be dispatched again at `atMs`:
 * at once when that has come, else when its wake-up does. Whatever dispatch it had is stale from now on.
 */
export function redispatchActivity(workflow: Workflow, activity: ActivityState, atMs: number, nowMs: number): void {
  if (atMs > nowMs) transitionActivity(workflow, activity, ActivityRedispatchDeferred, { atMs });
  else transitionActivity(workflow, activity, ActivityRedispatched, { scheduledTimeMs: atMs });
}

/** Whether no worker runs the activity now (the server's PENDING_ACTIVITY_STATE_SCHEDULED, paused or not). */
export function isWaitingForWorker(activity: ActivityState): boolean {
  return activity.status !== ActivityStatus.Started && !activity.cancelRequested;
}

/**
 * After a command paused or unpaused activities: TemporalPauseInfo names the type of each paused one
 * ("property:activityType=T"), and goes when none is paused. As on the server it changes only then, so
 * an activity that ends while paused stays named until the next pause or unpause.
 */
export function refreshPauseInfo(workflow: Workflow): void {
  const types = new Set<string>();
  for (const activity of Object.values(workflow.state.activities)) if (activity.pause) types.add(activity.activityType);
  const entries = [...types].sort().map((type) => `property:activityType=${type}`);
  const current = workflow.visibility.searchAttributes[PAUSE_INFO_ATTRIBUTE];
  const currentEntries = Array.isArray(current) ? current : [];
  if (currentEntries.length === entries.length && entries.every((entry, i) => entry === currentEntries[i])) return;
  upsertSearchAttributes(
    workflow,
    {
      indexedFields: {
        [PAUSE_INFO_ATTRIBUTE]: {
          metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(KEYWORD_LIST) },
          data: Buffer.from(JSON.stringify(entries)),
        },
      },
    },
    { [PAUSE_INFO_ATTRIBUTE]: KEYWORD_LIST },
  );
  workflow.touchCore();
}
