// Reading a Workflow Execution's history over gRPC: paging, long-polling for new events when following,
// hopping to the next run after Continue-As-New, and printing the close event as the `temporal` CLI
// does ("Results:" with Status and Result or Failure).
import { temporal } from '@temporalio/proto';
import type { ClientContext } from './client-connection';
import { CommandError } from './command-error';
import { formatDuration } from './durations';
import { numberFromLong } from './number-from-long';
import { enumDisplayName, formatTime, printCard, printJson, writeLine } from './output';
import { firstPayloadEncoding, payloadsToValue } from './payloads';
import { toProtoJson, type JsonValue } from '../common/proto-json';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Execution = temporal.api.common.v1.IWorkflowExecution;

const EventType = temporal.api.enums.v1.EventType;
const HistoryEventFilterType = temporal.api.enums.v1.HistoryEventFilterType;
// A following reader waits for the workflow to close, however long; a plain read stops at the end.
const HISTORY_PAGE_SIZE = 1000;

export interface HistoryReadOptions {
  /** Long-poll for new events until the workflow closes. */
  readonly isFollowing: boolean;
  /** Continue into the next run after a Continue-As-New event. */
  readonly isCrossingRuns: boolean;
  /** Only the close event of each run. */
  readonly isCloseEventOnly?: boolean;
}

export async function* readHistory(
  context: ClientContext,
  execution: Execution,
  options: HistoryReadOptions,
): AsyncGenerator<HistoryEvent> {
  let runId = execution.runId ?? '';
  let nextPageToken: Uint8Array = new Uint8Array();
  for (;;) {
    const response = await context.rpc('failed reading workflow history', (connection) =>
      connection.workflowService.getWorkflowExecutionHistory({
        namespace: context.namespace,
        execution: { workflowId: execution.workflowId ?? '', runId },
        maximumPageSize: HISTORY_PAGE_SIZE,
        nextPageToken,
        waitNewEvent: options.isFollowing,
        historyEventFilterType: options.isCloseEventOnly
          ? HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT
          : HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
      }),
    );
    let nextRunId: string | undefined;
    for (const event of response.history?.events ?? []) {
      yield event;
      const newRunId = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (options.isCrossingRuns && newRunId) nextRunId = newRunId;
    }
    if (nextRunId !== undefined) {
      runId = nextRunId;
      nextPageToken = new Uint8Array();
    } else if (response.nextPageToken && response.nextPageToken.length > 0) {
      nextPageToken = response.nextPageToken;
    } else {
      return;
    }
  }
}

/** Waits for the final close event, following Continue-As-New to the last run. */
export async function waitForCloseEvent(context: ClientContext, execution: Execution): Promise<HistoryEvent> {
  let last: HistoryEvent | undefined;
  for await (const event of readHistory(context, execution, {
    isFollowing: true,
    isCrossingRuns: true,
    isCloseEventOnly: true,
  })) {
    last = event;
  }
  if (last === undefined)
    throw new CommandError('missing close event: the server returned no close event for this workflow');
  return last;
}

export function eventTypeName(event: HistoryEvent): string {
  return EventType[event.eventType ?? 0] ?? String(event.eventType);
}

export function isCloseEvent(event: HistoryEvent): boolean {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return true;
    default:
      return false;
  }
}

/** The status word the `temporal` CLI prints for a close event. */
export function closeStatus(event: HistoryEvent): string {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return 'COMPLETED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      return 'FAILED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      return 'TIMEOUT';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      return 'CANCELED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return 'TERMINATED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return 'CONTINUED_AS_NEW';
    default:
      return '<unknown>';
  }
}

export function isCompleted(event: HistoryEvent): boolean {
  return event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
}

/** A history table row: event id, time and type, in the Go CLI's fixed widths so rows can stream. */
export function historyRow(event: HistoryEvent): string {
  const time = formatTime(event.eventTime) ?? '';
  const type = enumDisplayName(eventTypeName(event), 'EVENT_TYPE_');
  return `  ${String(numberFromLong(event.eventId)).padStart(3)}  ${time.padEnd(20)}  ${type}`.trimEnd();
}

export const HISTORY_HEADER = `  ${'ID'.padStart(3)}  ${'Time'.padEnd(20)}  Type`;
/** The "Results:" section: run time, status, then the result or the failure. */
export function printTextResult(event: HistoryEvent, durationMs: number | undefined): void {
  writeLine('Results:');
  const completed = event.workflowExecutionCompletedEventAttributes;
  const result = payloadsToValue(completed?.result);
  printCard([
    ['RunTime', durationMs === undefined ? undefined : formatDuration(Math.floor(durationMs / 10) * 10)],
    ['Status', closeStatus(event)],
    ['Result', completed == null ? undefined : JSON.stringify(result ?? null)],
    ['ResultEncoding', completed == null ? undefined : firstPayloadEncoding(completed.result)],
    ['Failure', failureText(closeFailure(event))],
  ]);
}

function closeFailure(event: HistoryEvent): temporal.api.failure.v1.IFailure | null | undefined {
  return (
    event.workflowExecutionFailedEventAttributes?.failure ??
    event.workflowExecutionContinuedAsNewEventAttributes?.failure
  );
}

/** A failure and its causes, one per line: "message (type)". */
export function failureText(failure: temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  const lines: string[] = [];
  for (let current = failure, depth = 0; current != null && depth < 20; current = current.cause, depth += 1) {
    const type = current.applicationFailureInfo?.type;
    const text = `${current.message ?? ''}${type ? ` (${type})` : ''}`;
    lines.push(depth === 0 ? text : `Cause: ${text}`);
  }
  return lines.length === 0 ? undefined : lines.join('\n');
}

export interface ResultSummary {
  readonly workflowId: string;
  readonly runId: string;
  readonly type?: string;
  readonly namespace: string;
  readonly taskQueue?: string;
  readonly durationMs?: number;
}

/** The JSON form of a finished workflow, as `temporal workflow execute|result -o json` prints it. */
export function printJsonResult(summary: ResultSummary, event: HistoryEvent, context: ClientContext): void {
  const result = payloadsToValue(event.workflowExecutionCompletedEventAttributes?.result);
  const json: { [key: string]: JsonValue } = {
    workflowId: summary.workflowId,
    runId: summary.runId,
    ...(summary.type ? { type: summary.type } : {}),
    namespace: summary.namespace,
    ...(summary.taskQueue ? { taskQueue: summary.taskQueue } : {}),
    ...(summary.durationMs ? { durationMillis: Math.floor(summary.durationMs) } : {}),
    status: closeStatus(event),
    closeEvent: toProtoJson('temporal.api.history.v1.HistoryEvent', event),
    ...(result === undefined ? {} : { result }),
  };
  printJson(json, context.output);
}
