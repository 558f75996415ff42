// Reading workflow histories in tests: fetch the events of a handle, pick events by type, and check the
// invariants every history must keep (ids contiguous from 1, nothing after a terminal event).
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/client';

export const EventType = temporal.api.enums.v1.EventType;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export async function historyEvents(handle: {
  fetchHistory(): Promise<temporal.api.history.v1.IHistory>;
}): Promise<HistoryEvent[]> {
  const history = await handle.fetchHistory();
  return history.events ?? [];
}

export function eventsOfType(events: readonly HistoryEvent[], type: number): HistoryEvent[] {
  return events.filter((event) => event.eventType === type);
}

export function eventTypeNames(events: readonly HistoryEvent[]): string[] {
  return events.map((event) => EventType[event.eventType ?? 0] ?? String(event.eventType));
}

/** Event ids run 1..n without gaps or repeats, task ids grow, and a terminal event, if any, comes last. */
export function assertWellFormed(events: readonly HistoryEvent[]): void {
  events.forEach((event, index) => assert.equal(Number(event.eventId), index + 1, `event id at index ${index}`));
  // Each event has a task id of its shard, and later events have larger ones (also across restarts).
  events.forEach((event, index) => {
    const taskId = Number(event.taskId ?? 0);
    assert.ok(taskId > 0, `event ${index + 1} has no task id`);
    if (index > 0)
      assert.ok(
        taskId > Number(events[index - 1]?.taskId),
        `task id of event ${index + 1} is not above its predecessor's`,
      );
  });
  const terminal = events.findIndex((event) => TERMINAL.has(event.eventType ?? 0));
  if (terminal >= 0) assert.equal(terminal, events.length - 1, 'terminal event must be last');
}

/** The first payload of a Payloads message, decoded with the default converter. */
export function firstPayloadValue(payloads: temporal.api.common.v1.IPayloads | null | undefined): unknown {
  const payload = payloads?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
}

const TERMINAL: ReadonlySet<number> = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);
