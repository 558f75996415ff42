// Reading a run: its description and full history, and what its events say about Nexus calls.
import { api } from './api';
import { seg } from './router';
import type { DescribeWorkflow, HistoryEvent, Link } from './types';

export interface RunRef {
  readonly namespace: string;
  readonly workflowId: string;
  readonly runId: string;
}

export interface Run {
  readonly ref: RunRef;
  readonly describe: DescribeWorkflow;
  readonly events: HistoryEvent[];
}

/** Pages of history fetched for one run at most (a UI view, not an export). */
const HISTORY_PAGES_MAX = 20;

export async function loadRun(ref: RunRef): Promise<Run> {
  const base = `/namespaces/${seg(ref.namespace)}/workflows/${seg(ref.workflowId)}`;
  const describe = await api<DescribeWorkflow>(`${base}?execution.runId=${seg(ref.runId)}`);
  const events: HistoryEvent[] = [];
  let token = '';
  for (let page = 0; page < HISTORY_PAGES_MAX; page++) {
    const answer = await api<{ history?: { events?: HistoryEvent[] }; nextPageToken?: string }>(
      `${base}/history?execution.runId=${seg(ref.runId)}&maximumPageSize=1000${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`,
    );
    events.push(...(answer.history?.events ?? []));
    token = answer.nextPageToken ?? '';
    if (!token) break;
  }
  return { ref, describe, events };
}

export function attributesOf(event: HistoryEvent): Record<string, unknown> {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes'));
  return key ? ((event[key] as Record<string, unknown>) ?? {}) : {};
}

export function isRunning(run: Run): boolean {
  return run.describe.workflowExecutionInfo?.status === 'WORKFLOW_EXECUTION_STATUS_RUNNING';
}

export function runRefOfLink(link: Link): RunRef | undefined {
  const event = link.workflowEvent;
  if (!event?.namespace || !event.workflowId) return undefined;
  return { namespace: event.namespace, workflowId: event.workflowId, runId: event.runId ?? '' };
}

/** The caller's run a handler run was started for (its started event's links, or its callbacks' links). */
export function callerOf(run: Run): RunRef | undefined {
  const started = run.events.find((event) => event.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
  const links: Link[] = [...(started?.links ?? [])];
  const callbacks = (attributesOf(started ?? {})['completionCallbacks'] as { links?: Link[] }[] | undefined) ?? [];
  for (const callback of callbacks) links.push(...(callback.links ?? []));
  for (const callback of run.describe.callbacks ?? []) links.push(...(callback.callback?.links ?? []));
  for (const link of links) {
    const ref = runRefOfLink(link);
    if (ref) return ref;
  }
  return undefined;
}

export interface NexusCall {
  readonly scheduledEventId: string;
  readonly endpoint: string;
  readonly service: string;
  readonly operation: string;
  readonly scheduledTime: string | undefined;
  readonly closeTime: string | undefined;
  /** Scheduled, Started, Completed, Failed, Canceled, Timed out. */
  readonly state: string;
  readonly failure: string | undefined;
  /** The handler's run, when the operation started one (an async operation backed by a workflow). */
  readonly handler: RunRef | undefined;
}

const CLOSING: Readonly<Record<string, string>> = {
  EVENT_TYPE_NEXUS_OPERATION_COMPLETED: 'Completed',
  EVENT_TYPE_NEXUS_OPERATION_FAILED: 'Failed',
  EVENT_TYPE_NEXUS_OPERATION_CANCELED: 'Canceled',
  EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT: 'Timed out',
};

/** The Nexus operations a run called, in order, with their outcome and the handler run they reached. */
export function nexusCallsOf(run: Run): NexusCall[] {
  const calls: NexusCall[] = [];
  for (const event of run.events) {
    if (event.eventType !== 'EVENT_TYPE_NEXUS_OPERATION_SCHEDULED') continue;
    const attributes = attributesOf(event);
    const id = event.eventId ?? '';
    const related = run.events.filter((other) => attributesOf(other)['scheduledEventId'] === id);
    const started = related.find((other) => other.eventType === 'EVENT_TYPE_NEXUS_OPERATION_STARTED');
    const closed = related.find((other) => CLOSING[other.eventType ?? ''] !== undefined);
    const links = [...(started?.links ?? []), ...(closed?.links ?? [])];
    const handler = links.map(runRefOfLink).find((ref) => ref !== undefined);
    const failure = closed ? (attributesOf(closed)['failure'] as { message?: string } | undefined)?.message : undefined;
    calls.push({
      scheduledEventId: id,
      endpoint: String(attributes['endpoint'] ?? ''),
      service: String(attributes['service'] ?? ''),
      operation: String(attributes['operation'] ?? ''),
      scheduledTime: event.eventTime,
      closeTime: closed?.eventTime,
      state: closed ? (CLOSING[closed.eventType ?? ''] ?? '') : started ? 'Started' : 'Scheduled',
      failure,
      handler,
    });
  }
  return calls;
}
