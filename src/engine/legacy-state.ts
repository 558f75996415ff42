// Mutable state written before layout version 2 (MUTABLE_STATE_VERSION) kept its item maps inline in the
// core row, callbacks as a list, buffered events as a list, and no state names for activities and
// workflow tasks. This turns such a row into the current layout; the items then move to rows of their own.
import {
  ActivityStatus,
  CallbackStatus,
  MUTABLE_STATE_VERSION,
  NexusCancelStatus,
  WorkflowTaskStatus,
  type CallbackState,
  type ActivityState,
  type MutableStateCore,
  type MutableStateItems,
  type NexusOperationState,
} from './mutable-state';

type Loose = Record<string, unknown>;

export function upgradeLegacyState(parsed: Loose): { core: MutableStateCore; inlineItems: Partial<MutableStateItems> } {
  if (parsed['stateVersion'] === MUTABLE_STATE_VERSION)
    return { core: parsed as unknown as MutableStateCore, inlineItems: {} };
  const legacy = { ...parsed };
  const inlineItems: Partial<MutableStateItems> = {};
  const isRunning = legacy['status'] === 1;
  inlineItems.activities = mapValues(legacy['activities'], upgradeActivity);
  inlineItems.timers = mapValues(legacy['timers'], (t) => t as never);
  inlineItems.children = mapValues(legacy['children'], (c) => c as never);
  inlineItems.externalRequests = mapValues(legacy['externalRequests'], (r) => r as never);
  inlineItems.nexusOperations = mapValues(legacy['nexusOperations'], upgradeNexusOperation);
  inlineItems.updates = mapValues(legacy['updates'], (u) => u as never);
  const buffered = (legacy['bufferedEvents'] as string[] | undefined) ?? [];
  inlineItems.bufferedEvents = Object.fromEntries(buffered.map((b64, index) => [String(-(index + 1)), b64]));
  const callbacks = (legacy['completionCallbacks'] as string[] | undefined) ?? [];
  inlineItems.callbacks = Object.fromEntries(
    callbacks.map((callback, index): [string, CallbackState] => [
      String(index),
      {
        // The older engine delivered callbacks in the closing transaction: a closed run's are done.
        status: isRunning ? CallbackStatus.Standby : CallbackStatus.Succeeded,
        id: String(index),
        callback,
        registrationTimeMs: Number(legacy['startTimeMs'] ?? 0),
        attempt: isRunning ? 0 : 1,
        lastAttemptCompleteTimeMs: 0,
        lastAttemptFailure: null,
        nextAttemptAtMs: 0,
      },
    ]),
  );
  for (const field of [
    'activities',
    'timers',
    'children',
    'externalRequests',
    'nexusOperations',
    'updates',
    'bufferedEvents',
    'completionCallbacks',
  ]) {
    delete legacy[field];
  }
  const task = legacy['workflowTask'] as Loose | null | undefined;
  if (task) {
    task['status'] =
      Number(task['startedEventId'] ?? 0) > 0 ? WorkflowTaskStatus.Started : WorkflowTaskStatus.Scheduled;
    task['dispatchTaskId'] = 0;
  }
  legacy['stateVersion'] = MUTABLE_STATE_VERSION;
  legacy['lastProvisionalId'] = -buffered.length;
  legacy['signalCount'] = 0;
  return { core: legacy as unknown as MutableStateCore, inlineItems };
}

function mapValues<T>(value: unknown, upgrade: (item: Loose) => T): Record<string, T> {
  const entries = Object.entries((value as Record<string, Loose> | undefined) ?? {});
  return Object.fromEntries(entries.map(([id, item]) => [id, upgrade(item)]));
}

function upgradeActivity(item: Loose): ActivityState {
  const status =
    Number(item['retryAtMs'] ?? 0) > 0
      ? ActivityStatus.BackingOff
      : Number(item['startedTimeMs'] ?? 0) > 0
        ? ActivityStatus.Started
        : ActivityStatus.Scheduled;
  return { ...(item as unknown as ActivityState), status, cancelRequestedEventId: 0, dispatchTaskId: 0 };
}

function upgradeNexusOperation(item: Loose): NexusOperationState {
  const op = { ...item };
  delete op['blockedReason'];
  const cancel = op['cancel'] as Loose | null;
  if (cancel?.['status'] === 'pending') cancel['status'] = NexusCancelStatus.Blocked;
  return op as unknown as NexusOperationState;
}
