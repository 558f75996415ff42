// One workflow run in memory: its mutable state, its recent history, and what the running transaction
// changed (new events, changed items, outbox tasks emitted and completed). The engine mutates it in a
// step of a shard transaction and then commits it (workflow-record.ts turns it into a store write);
// nothing here does I/O. Only the recent tail of history is kept; older events are read from the store.
import { assert } from '../common/assert';
import { type HistoryEvent, EventType, decodeEvent, encodeEvent, long } from '../common/proto';
import { timestampFromMs } from '../common/time';
import type { MutableState, ItemField } from './mutable-state';
import type { UpdateEntry } from './update-registry';
import type { QueryEntry } from './query-registry';
import type { OutboxTask } from './outbox';

/** Attribute field name of a HistoryEvent, e.g. 'timerFiredEventAttributes'. */
export type EventAttributesField = Extract<keyof HistoryEvent, `${string}EventAttributes`>;

/** How many recent events an open run keeps in memory (a sticky worker needs those since its last task). */
export const RECENT_EVENTS_MAX = 1000;

export interface VisibilityFields {
  memo: Uint8Array | null;
  searchAttributes: Record<string, unknown>;
  parentWorkflowId: string | null;
  parentRunId: string | null;
  rootWorkflowId: string | null;
  rootRunId: string | null;
}

export interface PendingTask {
  readonly taskId: number;
  readonly task: OutboxTask;
}

/** Where a run stands in the store; set at load and after every commit. */
export interface PersistedMark {
  /** 0 = the run is not in the store yet. */
  version: number;
  nextEventId: number;
  wakeupAtMs: number;
  coreJson: string;
}

export class Workflow {
  /** Events from `recentFromEventId` to the last appended one. */
  private recent: HistoryEvent[] = [];
  private recentFromEventId: number;
  /** Events appended since the last commit, with their encoding (made once, for size and for the write). */
  private unpersisted: { event: HistoryEvent; data: Uint8Array }[] = [];
  private readonly changedItems = new Map<ItemField, Set<string>>();
  private makeCurrent = false;
  private deleted = false;
  /** A core field changed that no event, item or task accounts for (see isModified). */
  private isCoreTouched = false;
  private emitted: PendingTask[] = [];
  private completed: number[] = [];
  /** Updates admitted but not yet completed (in memory only; they pin the run in the cache). */
  readonly updates = new Map<string, UpdateEntry>();
  /** Queries waiting for an answer (in memory only; they pin the run in the cache). */
  readonly queries = new Map<string, QueryEntry>();

  constructor(
    readonly state: MutableState,
    readonly visibility: VisibilityFields,
    /** WorkflowExecutionStarted, kept for the whole life of the cached run. */
    public startedEvent: HistoryEvent | undefined,
    readonly persisted: PersistedMark,
    private readonly allocateTaskId: () => number,
  ) {
    this.recentFromEventId = state.nextEventId;
  }

  get key(): { namespaceId: string; workflowId: string; runId: string } {
    return { namespaceId: this.state.namespaceId, workflowId: this.state.workflowId, runId: this.state.runId };
  }

  get isWorkflowTaskStarted(): boolean {
    return this.state.workflowTask !== null && this.state.workflowTask.startedEventId > 0;
  }

  get hasBufferedEvents(): boolean {
    return Object.keys(this.state.bufferedEvents).length > 0;
  }

  /** In memory only state that a cache eviction would lose. */
  get isPinned(): boolean {
    return this.updates.size > 0 || this.queries.size > 0;
  }

  /** Appends an event now. Used for command events and whenever no workflow task is running. */
  append(type: number, field: EventAttributesField, attributes: object, timeMs: number, extra?: object): HistoryEvent {
    this.materializeSpeculativeTask();
    return this.push(buildEvent(this.state.nextEventId, type, field, attributes, timeMs, extra));
  }

  private push(event: HistoryEvent): HistoryEvent {
    assert(Number(event.eventId) === this.state.nextEventId, 'an appended event must take the next event id');
    this.state.nextEventId += 1;
    // Every written event gets a task id of its shard, as the Temporal server gives each event.
    event.taskId = long(this.allocateTaskId());
    this.recent.push(event);
    if (Number(event.eventId) === 1) this.startedEvent = event;
    const data = encodeEvent(event);
    this.unpersisted.push({ event, data });
    this.state.historySizeBytes += data.length;
    return event;
  }

  /**
   * The events of a speculative workflow task (an update's task that the Temporal server keeps out of
   * history unless it produces something): shown to the worker, written only if the task is kept.
   */
  get speculativeTaskEvents(): HistoryEvent[] {
    return (this.state.workflowTask?.speculativeEvents ?? []).map((b64) => decodeEvent(Buffer.from(b64, 'base64')));
  }

  /** Writes a speculative task's Scheduled (and Started) events: anything else appended makes it real. */
  materializeSpeculativeTask(): void {
    const task = this.state.workflowTask;
    if (!task?.speculativeEvents) return;
    const events = this.speculativeTaskEvents;
    task.speculativeEvents = null;
    for (const event of events) this.push(event);
  }

  /**
   * Appends an event that does not come from the workflow's own commands (signal, activity result...).
   * While a workflow task runs it is buffered and gets its id when the buffer is flushed; the returned
   * id is then a negative provisional id that the flush rewrites in the events that reference it.
   */
  appendExternal(
    type: number,
    field: EventAttributesField,
    attributes: object,
    timeMs: number,
    links?: readonly object[],
    workerMayIgnore?: boolean,
  ): number {
    const extra = { ...(links && links.length > 0 ? { links } : {}), ...(workerMayIgnore ? { workerMayIgnore } : {}) };
    if (!this.isWorkflowTaskStarted) return Number(this.append(type, field, attributes, timeMs, extra).eventId);
    const provisionalId = this.state.lastProvisionalId - 1;
    this.state.lastProvisionalId = provisionalId;
    const event = buildEvent(provisionalId, type, field, attributes, timeMs, extra);
    this.putItem('bufferedEvents', String(provisionalId), Buffer.from(encodeEvent(event)).toString('base64'));
    return provisionalId;
  }

  /** Buffered events in arrival order (provisional ids count down). */
  get bufferedEvents(): HistoryEvent[] {
    return Object.entries(this.state.bufferedEvents)
      .sort(([a], [b]) => Number(b) - Number(a))
      .map(([, b64]) => decodeEvent(Buffer.from(b64, 'base64')));
  }

  /** Writes buffered events into history in arrival order, rewriting provisional ids. */
  flushBuffer(): HistoryEvent[] {
    const buffered = this.bufferedEvents;
    if (buffered.length > 0) this.materializeSpeculativeTask();
    const ids = new Map<number, number>();
    const flushed: HistoryEvent[] = [];
    for (const event of buffered) {
      const provisional = Number(event.eventId);
      const eventId = this.state.nextEventId;
      ids.set(provisional, eventId);
      rewriteStartedEventId(event, ids);
      this.removeItem('bufferedEvents', String(provisional));
      flushed.push(this.push({ ...event, eventId: long(eventId) }));
    }
    for (const child of Object.values(this.state.children)) {
      const real = ids.get(child.startedEventId);
      if (child.startedEventId < 0 && real !== undefined) {
        child.startedEventId = real;
        this.changed('children', String(child.initiatedEventId));
      }
    }
    return flushed;
  }

  /** The event if it is among the recent ones kept in memory. */
  recentEvent(eventId: number): HistoryEvent | undefined {
    if (eventId === 1 && this.startedEvent) return this.startedEvent;
    return eventId >= this.recentFromEventId ? this.recent[eventId - this.recentFromEventId] : undefined;
  }

  /** Events from `fromEventId` on, if memory holds all of them. */
  recentEventsFrom(fromEventId: number): HistoryEvent[] | undefined {
    if (fromEventId < this.recentFromEventId) return undefined;
    return this.recent.slice(fromEventId - this.recentFromEventId);
  }

  /** Forgets recent events before `eventId` (a worker will not ask for them again). */
  forgetEventsBefore(eventId: number): void {
    const drop = Math.min(this.recent.length, Math.max(0, eventId - this.recentFromEventId));
    if (drop === 0) return;
    this.recent = this.recent.slice(drop);
    this.recentFromEventId += drop;
  }

  // Items: every change to an entry of an item map goes through these, so the commit writes just it.

  putItem<F extends ItemField>(field: F, id: string, value: MutableState[F][string]): void {
    (this.state[field] as Record<string, unknown>)[id] = value;
    this.changed(field, id);
  }

  removeItem(field: ItemField, id: string): void {
    delete (this.state[field] as Record<string, unknown>)[id];
    this.changed(field, id);
  }

  /** Marks an entry changed in place (or removed, if it is gone from its map). */
  changed(field: ItemField, id: string): void {
    let ids = this.changedItems.get(field);
    if (!ids) {
      ids = new Set();
      this.changedItems.set(field, ids);
    }
    ids.add(id);
  }

  /** Removes every entry of an item map. */
  clearItems(field: ItemField): void {
    for (const id of Object.keys(this.state[field])) this.removeItem(field, id);
  }

  get changedItemIds(): ReadonlyMap<ItemField, ReadonlySet<string>> {
    return this.changedItems;
  }

  // Outbox: tasks this transaction causes, and tasks it finished.

  /** Queues a follow-up task, written with this transaction; returns its id. */
  emit(task: OutboxTask): number {
    const taskId = this.allocateTaskId();
    this.emitted.push({ taskId, task });
    return taskId;
  }

  /** Takes back a task this transaction emitted (an eagerly started workflow task needs no dispatch). */
  withdraw(taskId: number): void {
    const index = this.emitted.findIndex((pending) => pending.taskId === taskId);
    if (index >= 0) this.emitted.splice(index, 1);
  }

  /** Deletes a task row with this transaction (a dispatch task whose workflow or activity task moved on). */
  completeTask(taskId: number): void {
    if (taskId > 0) this.completed.push(taskId);
  }

  get emittedTasks(): readonly PendingTask[] {
    return this.emitted;
  }

  get completedTaskIds(): readonly number[] {
    return this.completed;
  }

  markCurrent(): void {
    this.makeCurrent = true;
  }

  /** True for a run made current in the running transaction (not yet committed). */
  get isCurrentCandidate(): boolean {
    return this.makeCurrent;
  }

  /** Marks a change to the run's core fields that comes with no event, item or task. */
  touchCore(): void {
    this.isCoreTouched = true;
  }

  /** Whether this transaction deletes the closed run: its rows, history and visibility go with the commit. */
  get isDeleted(): boolean {
    return this.deleted;
  }

  markDeleted(): void {
    this.deleted = true;
  }

  /**
   * Whether this transaction changed the run. Core fields change only with an event, an item, a task or
   * touchCore(), so a run read but not changed is not even serialized (verified in tests).
   */
  get isModified(): boolean {
    return (
      this.isCoreTouched ||
      this.unpersisted.length > 0 ||
      this.changedItems.size > 0 ||
      this.emitted.length > 0 ||
      this.completed.length > 0 ||
      this.makeCurrent ||
      this.deleted
    );
  }

  get unpersistedEvents(): readonly { event: HistoryEvent; data: Uint8Array }[] {
    return this.unpersisted;
  }

  /** Called once the write of this transaction is committed. */
  committed(mark: PersistedMark): void {
    Object.assign(this.persisted, mark);
    this.unpersisted = [];
    this.changedItems.clear();
    this.emitted = [];
    this.completed = [];
    this.makeCurrent = false;
    this.isCoreTouched = false;
    // Memory keeps what a sticky worker asks for next: the events since its last completed task.
    this.forgetEventsBefore(
      Math.max(this.state.lastCompletedStartedEventId + 1, this.state.nextEventId - RECENT_EVENTS_MAX),
    );
  }
}

const STARTED_REFERENCING_FIELDS = [
  'activityTaskCompletedEventAttributes',
  'activityTaskFailedEventAttributes',
  'activityTaskTimedOutEventAttributes',
  'activityTaskCanceledEventAttributes',
  'childWorkflowExecutionCompletedEventAttributes',
  'childWorkflowExecutionFailedEventAttributes',
  'childWorkflowExecutionCanceledEventAttributes',
  'childWorkflowExecutionTimedOutEventAttributes',
  'childWorkflowExecutionTerminatedEventAttributes',
] as const;

function rewriteStartedEventId(event: HistoryEvent, ids: Map<number, number>): void {
  for (const field of STARTED_REFERENCING_FIELDS) {
    const attributes = event[field] as { startedEventId?: unknown } | null | undefined;
    if (!attributes) continue;
    const started = Number(attributes.startedEventId ?? 0);
    const real = ids.get(started);
    if (started < 0 && real !== undefined) attributes.startedEventId = real;
  }
}

export function assertContiguous(events: readonly HistoryEvent[], firstEventId: number): void {
  events.forEach((event, index) => {
    assert(Number(event.eventId) === firstEventId + index, `history event ids must be contiguous at ${index}`);
  });
}

export const TERMINAL_EVENT_TYPES: ReadonlySet<number> = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

/** A history event with the given id (not appended anywhere). */
export function buildEvent(
  eventId: number,
  type: number,
  field: EventAttributesField,
  attributes: object,
  timeMs: number,
  extra?: object,
): HistoryEvent {
  return {
    eventId: long(eventId),
    eventTime: timestampFromMs(timeMs),
    eventType: type,
    ...(extra as Partial<HistoryEvent> | undefined),
    [field]: attributes,
  };
}
