// `workflow show` (the event history) and `workflow result` (the close event). JSON output of `show` is
// `{"events": [...]}` in proto3 JSON with raw payloads, the file format SDK replayers load.
import type { Command } from './command';
import { clientFlags, withClient, type ClientContext } from './client-connection';
import { CommandError } from './command-error';
import { FlagKind, type ParsedFlags } from './flags';
import { enumDisplayName, isJsonOutput, printJson, writeLine } from './output';
import { toProtoJson } from '../common/proto-json';
import {
  HISTORY_HEADER,
  eventTypeName,
  historyRow,
  isCloseEvent,
  isCompleted,
  printJsonResult,
  printTextResult,
  readHistory,
  waitForCloseEvent,
  type HistoryEvent,
} from './workflow-history';
import { executionFromFlags, workflowReferenceFlags } from './workflow-flags';

export const workflowShowCommand: Command = {
  path: ['workflow', 'show'],
  summary: "Show a Workflow Execution's Event History.",
  flags: [
    ...workflowReferenceFlags,
    {
      name: 'follow',
      short: 'f',
      kind: FlagKind.Boolean,
      description: 'Follow the Workflow Execution as it progresses. Does not apply to JSON output.',
    },
    {
      name: 'detailed',
      kind: FlagKind.Boolean,
      description: 'Print each event in full instead of one table row. Does not apply to JSON output.',
    },
    ...clientFlags,
  ],
  run: (flags) => withClient(flags, (context) => showHistory(flags, context)),
};

export const workflowResultCommand: Command = {
  path: ['workflow', 'result'],
  summary: 'Wait for a Workflow Execution to close and print its result.',
  flags: [...workflowReferenceFlags, ...clientFlags],
  run: (flags) => withClient(flags, (context) => printResult(flags, context)),
};

async function showHistory(flags: ParsedFlags, context: ClientContext): Promise<void> {
  const execution = executionFromFlags(flags);
  if (isJsonOutput(context.output)) {
    const events: HistoryEvent[] = [];
    for await (const event of readHistory(context, execution, { isFollowing: false, isCrossingRuns: false })) {
      events.push(event);
    }
    printJson(toProtoJson('temporal.api.history.v1.History', { events }), context.output);
    return;
  }
  const isDetailed = flags.boolean('detailed');
  const isFollowing = flags.boolean('follow');
  let closeEvent: HistoryEvent | undefined;
  writeLine('Progress:');
  if (!isDetailed) writeLine(HISTORY_HEADER);
  for await (const event of readHistory(context, execution, { isFollowing, isCrossingRuns: true })) {
    if (isDetailed) printDetailedEvent(event);
    else writeLine(historyRow(event));
    if (isCloseEvent(event)) closeEvent = event;
  }
  writeLine();
  if (closeEvent !== undefined) printTextResult(closeEvent, undefined);
}

// One section per event: a heading, then every set field as "dotted.path: value".
function printDetailedEvent(event: HistoryEvent): void {
  const json = toProtoJson('temporal.api.history.v1.HistoryEvent', event);
  const record = typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
  const type = enumDisplayName(eventTypeName(event), 'EVENT_TYPE_');
  writeLine(`--------------- [${String(record['eventId'] ?? '')}] ${type} ---------------`);
  for (const [path, value] of flatten(record, '')) writeLine(`${path}: ${value}`);
  writeLine();
}

function flatten(value: unknown, prefix: string): [string, string][] {
  if (typeof value !== 'object' || value === null) return [[prefix, String(value)]];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  return entries.flatMap(([key, item]) => flatten(item, prefix === '' ? key : `${prefix}.${key}`));
}

async function printResult(flags: ParsedFlags, context: ClientContext): Promise<void> {
  const execution = executionFromFlags(flags);
  const closeEvent = await waitForCloseEvent(context, execution);
  if (isJsonOutput(context.output)) {
    printJsonResult(
      { workflowId: execution.workflowId ?? '', runId: execution.runId ?? '', namespace: context.namespace },
      closeEvent,
      context,
    );
  } else {
    printTextResult(closeEvent, undefined);
  }
  if (!isCompleted(closeEvent)) throw new CommandError('workflow failed');
}
