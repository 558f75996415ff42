// One workflow run in memory: its mutable state, its history (for open runs), the events appended since
// the last commit, and the events buffered while a workflow task is running. The engine mutates it in a
// synchronous step and then commits it; nothing here does I/O.
import { assert } from '../common/assert';
import { type HistoryEvent, EventType, decodeEvent, encodeEvent, long } from '../common/proto';
import { timestampFromMs } from '../common/time';
import type { ExecutionRecord, ExecutionWrite } from '../store/store';
import type { MutableState } from './mutable-state';
import type { UpdateEntry } from './update-registry';
import type { QueryEntry } from './query-registry';

/** Attribute field name of a HistoryEvent, e.g. 'timerFiredEventAttributes'. */
export type EventAttributesField = Extract<keyof HistoryEvent, `${string}EventAttributes`>;

export interface VisibilityFields {
  memo: Uint8Array | null;
  searchAttributes: Record<string, unknown>;
  parentWorkflowId: string | null;
  parentRunId: string | null;
}

export class Workflow {
  /** Persisted history (open runs keep all of it in memory). */
  readonly events: HistoryEvent[];
  /** Events appended since the last commit, with their encoding (made once, for size and for the write). */
  private unpersisted: { event: HistoryEvent; data: Uint8Array }[] = [];
  private buffered: HistoryEvent[];
  private provisionalId = 0;
  private persistedNextEventId: number | undefined;
  private makeCurrent = false;
  /** Tasks already handed to matching, by key; rebuilt from nothing after a restart. */
  readonly enqueued = new Set<string>();
  /** Updates admitted but not yet completed (in memory only). */
  readonly updates = new Map<string, UpdateEntry>();
  /** Queries waiting for an answer (in memory only). */
  readonly queries = new Map<string, QueryEntry>();

  constructor(
    readonly state: MutableState,
    events: HistoryEvent[],
    readonly visibility: VisibilityFields,
    persistedNextEventId: number | undefined,
  ) {
    this.events = events;
    this.persistedNextEventId = persistedNextEventId;
    this.buffered = state.bufferedEvents.map((b64) => decodeEvent(Buffer.from(b64, 'base64')));
  }

  get key(): { namespaceId: string; workflowId: string; runId: string } {
    return { namespaceId: this.state.namespaceId, workflowId: this.state.workflowId, runId: this.state.runId };
  }

  get isWorkflowTaskStarted(): boolean {
    return this.state.workflowTask !== null && this.state.workflowTask.startedEventId > 0;
  }

  get hasBufferedEvents(): boolean {
    return this.buffered.length > 0;
  }

  get bufferedEvents(): readonly HistoryEvent[] {
    return this.buffered;
  }

  /** Appends an event now. Used for command events and whenever no workflow task is running. */
  append(type: number, field: EventAttributesField, attributes: object, timeMs: number, extra?: object): HistoryEvent {
    this.materializeSpeculativeTask();
    return this.push(buildEvent(this.state.nextEventId, type, field, attributes, timeMs, extra));
  }

  private push(event: HistoryEvent): HistoryEvent {
    assert(Number(event.eventId) === this.state.nextEventId, 'an appended event must take the next event id');
    this.state.nextEventId += 1;
    this.events.push(event);
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
    this.provisionalId -= 1;
    const event: HistoryEvent = {
      eventId: long(this.provisionalId),
      eventTime: timestampFromMs(timeMs),
      eventType: type,
      ...(extra as Partial<HistoryEvent>),
      [field]: attributes,
    };
    this.buffered.push(event);
    return this.provisionalId;
  }

  /** Writes buffered events into history in arrival order, rewriting provisional ids. */
  flushBuffer(): HistoryEvent[] {
    if (this.buffered.length > 0) this.materializeSpeculativeTask();
    const ids = new Map<number, number>();
    const flushed: HistoryEvent[] = [];
    for (const buffered of this.buffered) {
      const provisional = Number(buffered.eventId);
      const eventId = this.state.nextEventId;
      ids.set(provisional, eventId);
      rewriteStartedEventId(buffered, ids);
      flushed.push(this.push({ ...buffered, eventId: long(eventId) }));
    }
    for (const child of Object.values(this.state.children)) {
      const real = ids.get(child.startedEventId);
      if (child.startedEventId < 0 && real !== undefined) child.startedEventId = real;
    }
    this.buffered = [];
    return flushed;
  }

  markCurrent(): void {
    this.makeCurrent = true;
  }

  /** True for a run made current in the running transaction (not yet committed). */
  get isCurrentCandidate(): boolean {
    return this.makeCurrent;
  }

  get hasUnpersistedEvents(): boolean {
    return this.unpersisted.length > 0;
  }

  /** The store write for everything changed since the last commit. */
  toWrite(): ExecutionWrite {
    this.state.bufferedEvents = this.buffered.map((e) => Buffer.from(encodeEvent(e)).toString('base64'));
    const record = this.toRecord();
    assertContiguous(
      this.unpersisted.map((u) => u.event),
      this.persistedNextEventId ?? 1,
    );
    const write: ExecutionWrite = {
      record,
      newEvents: this.unpersisted.map(({ event, data }) => ({ eventId: Number(event.eventId), data })),
      ...(this.persistedNextEventId !== undefined ? { expectedNextEventId: this.persistedNextEventId } : {}),
      ...(this.makeCurrent ? { becomeCurrent: true } : {}),
    };
    return write;
  }

  /** The run's row: visibility columns and serialized mutable state. */
  toRecord(): ExecutionRecord {
    const s = this.state;
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
      parentWorkflowId: this.visibility.parentWorkflowId,
      parentRunId: this.visibility.parentRunId,
      memo: this.visibility.memo,
      searchAttributes: this.visibility.searchAttributes,
      state: JSON.stringify(s),
    };
  }

  /** Called once the write from toWrite() is committed. */
  committed(): void {
    this.persistedNextEventId = this.state.nextEventId;
    this.unpersisted = [];
    this.makeCurrent = false;
  }

  static fromRecord(record: ExecutionRecord, events: HistoryEvent[]): Workflow {
    const state = JSON.parse(record.state) as MutableState;
    // A speculative task is not durable (nor are the updates it carried): it ends with the process.
    if (state.workflowTask?.speculativeEvents) state.workflowTask = null;
    assertContiguous(events, 1);
    return new Workflow(
      state,
      events,
      {
        memo: record.memo,
        searchAttributes: record.searchAttributes,
        parentWorkflowId: record.parentWorkflowId,
        parentRunId: record.parentRunId,
      },
      record.nextEventId,
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

function assertContiguous(events: readonly HistoryEvent[], firstEventId: number): void {
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
