// A run's rows: the store write for what a transaction changed in a Workflow, and the Workflow rebuilt
// from its stored rows. The core of the mutable state is one JSON row rewritten when it changes; items
// are rows of their own, written only when they change. With `verifyItemTracking` on (tests), every
// write also checks that no item changed without being marked, the bug that would lose it.
import { assert } from '../common/assert';
import type { HistoryEvent } from '../common/proto';
import type { ExecutionItem, ExecutionItemKey, ExecutionRecord, ExecutionWrite, StoredExecution } from '../store/store';
import {
  ITEM_FIELDS,
  ITEM_KINDS,
  type ItemField,
  type MutableState,
  type MutableStateCore,
  emptyItems,
} from './mutable-state';
import { Workflow, assertContiguous } from './workflow';
import { upgradeLegacyState } from './legacy-state';

const FIELD_OF_KIND = new Map<string, ItemField>(ITEM_FIELDS.map((field) => [ITEM_KINDS[field], field]));

export function coreOf(state: MutableState): MutableStateCore {
  // Destructuring keeps the object fast; `delete` would turn it into a slow dictionary.
  const {
    activities: _activities,
    timers: _timers,
    children: _children,
    externalRequests: _externalRequests,
    nexusOperations: _nexusOperations,
    updates: _updates,
    callbacks: _callbacks,
    signalRequestIds: _signalRequestIds,
    bufferedEvents: _bufferedEvents,
    ...core
  } = state;
  return core;
}

export function recordOf(workflow: Workflow, coreJson: string): ExecutionRecord {
  const s = workflow.state;
  return {
    namespaceId: s.namespaceId,
    workflowId: s.workflowId,
    runId: s.runId,
    workflowType: s.workflowType,
    taskQueue: s.taskQueue,
    status: s.status,
    startTimeMs: s.startTimeMs,
    executionTimeMs: s.executionTimeMs,
    closeTimeMs: s.closeTimeMs > 0 ? s.closeTimeMs : null,
    historyLength: s.nextEventId - 1,
    nextEventId: s.nextEventId,
    parentWorkflowId: workflow.visibility.parentWorkflowId,
    parentRunId: workflow.visibility.parentRunId,
    rootWorkflowId: workflow.visibility.rootWorkflowId,
    rootRunId: workflow.visibility.rootRunId,
    memo: workflow.visibility.memo,
    searchAttributes: workflow.visibility.searchAttributes,
    state: coreJson,
  };
}

/** The write for everything changed since the last commit; undefined when nothing changed. */
export function workflowWrite(workflow: Workflow, wakeupAtMs: number, verify: boolean): ExecutionWrite | undefined {
  if (verify) verifyItemTracking(workflow);
  const persisted = workflow.persisted;
  if (!workflow.isModified && persisted.version > 0 && wakeupAtMs === persisted.wakeupAtMs) {
    if (verify) {
      const coreJson = JSON.stringify(coreOf(workflow.state));
      assert(coreJson === persisted.coreJson, `run ${workflow.state.workflowId} changed its core without saying so`);
    }
    return undefined;
  }
  const coreJson = JSON.stringify(coreOf(workflow.state));
  const upsertItems: ExecutionItem[] = [];
  const deleteItems: ExecutionItemKey[] = [];
  for (const [field, ids] of workflow.changedItemIds) {
    const map = workflow.state[field] as Record<string, unknown>;
    for (const id of ids) {
      const value = map[id];
      if (value === undefined) deleteItems.push({ kind: ITEM_KINDS[field], id });
      else upsertItems.push({ kind: ITEM_KINDS[field], id, data: JSON.stringify(value) });
    }
  }
  const events = workflow.unpersistedEvents;
  const isWakeupChanged = wakeupAtMs !== persisted.wakeupAtMs;
  const isChanged =
    persisted.version === 0 ||
    coreJson !== persisted.coreJson ||
    upsertItems.length > 0 ||
    deleteItems.length > 0 ||
    events.length > 0 ||
    workflow.isCurrentCandidate ||
    isWakeupChanged;
  if (!isChanged) return undefined;
  assertContiguous(
    events.map((e) => e.event),
    persisted.nextEventId,
  );
  return {
    record: recordOf(workflow, coreJson),
    ...(persisted.version > 0 ? { expectedVersion: persisted.version } : {}),
    upsertItems,
    deleteItems,
    newEvents: events.map(({ event, data }) => ({ eventId: Number(event.eventId), data })),
    ...(workflow.isCurrentCandidate ? { becomeCurrent: true } : {}),
    ...(isWakeupChanged && (persisted.version > 0 || wakeupAtMs > 0) ? { wakeupAtMs } : {}),
  };
}

/** Rebuilds a run from its rows (and its WorkflowExecutionStarted event). */
export function workflowFromStored(
  stored: StoredExecution,
  startedEvent: HistoryEvent | undefined,
  allocateTaskId: () => number,
): Workflow {
  const { record } = stored;
  const { core, inlineItems } = upgradeLegacyState(JSON.parse(record.state) as Record<string, unknown>);
  const items = emptyItems();
  for (const item of stored.items) {
    const field = FIELD_OF_KIND.get(item.kind);
    assert(field !== undefined, `unknown mutable state item kind ${item.kind}`);
    (items[field] as Record<string, unknown>)[item.id] = JSON.parse(item.data);
  }
  Object.assign(items, inlineItems);
  const state: MutableState = { ...core, ...items };
  assert(startedEvent === undefined || Number(startedEvent.eventId) === 1, 'the started event must have id 1');
  const isUpgraded = Object.keys(inlineItems).length > 0;
  const workflow = new Workflow(
    state,
    {
      memo: record.memo,
      searchAttributes: record.searchAttributes,
      parentWorkflowId: record.parentWorkflowId,
      parentRunId: record.parentRunId,
      rootWorkflowId: record.rootWorkflowId,
      rootRunId: record.rootRunId,
    },
    startedEvent,
    {
      version: stored.version,
      nextEventId: record.nextEventId,
      wakeupAtMs: stored.wakeupAtMs,
      coreJson: isUpgraded ? '' : record.state,
    },
    allocateTaskId,
  );
  // Items that lived inline in the older layout move to rows of their own with the next write.
  if (isUpgraded) workflow.touchCore();
  for (const field of Object.keys(inlineItems) as ItemField[]) {
    for (const id of Object.keys(state[field])) workflow.changed(field, id);
  }
  // A speculative task is not durable (nor are the updates it carried): it ends with the process.
  if (state.workflowTask?.speculativeEvents) state.workflowTask = null;
  return workflow;
}

const snapshots = new WeakMap<Workflow, Map<string, string>>();

function itemJsons(workflow: Workflow): Map<string, string> {
  const jsons = new Map<string, string>();
  for (const field of ITEM_FIELDS) {
    for (const [id, value] of Object.entries(workflow.state[field] as Record<string, unknown>)) {
      jsons.set(`${field}\u0000${id}`, JSON.stringify(value));
    }
  }
  return jsons;
}

/** Remembers the items as they are now (after a load or a commit), for verifyItemTracking. */
export function takeItemSnapshot(workflow: Workflow): void {
  snapshots.set(workflow, itemJsons(workflow));
}

function verifyItemTracking(workflow: Workflow): void {
  const before = snapshots.get(workflow);
  if (!before) return;
  const after = itemJsons(workflow);
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(key) === after.get(key)) continue;
    const [field, id] = key.split('\u0000') as [ItemField, string];
    assert(
      workflow.changedItemIds.get(field)?.has(id),
      `mutable state item ${field}/${id} changed without being marked`,
    );
  }
}
