// `workflow start` and `workflow execute`: one StartWorkflowExecution request built from the flags.
// Like the Go SDK the `temporal` CLI uses, starting a Workflow ID that is already running prints that
// run instead of failing, unless --fail-existing is given.
import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { google, temporal } from '@temporalio/proto';
import { clientFlags, withClient, type ClientContext } from './client-connection';
import { CommandError } from './command-error';
import type { Command } from './command';
import { durationToProto, parseDuration } from './durations';
import { FlagKind, parseChoiceFlag, parseIntegerFlag, type ParsedFlags } from './flags';
import { isJsonOutput, printCard, printJson, writeLine } from './output';
import { jsonPayload, jsonPayloadMap, payloadInputFlags, payloadsFromFlags } from './payloads';
import {
  HISTORY_HEADER,
  historyRow,
  isCompleted,
  printJsonResult,
  printTextResult,
  readHistory,
  waitForCloseEvent,
} from './workflow-history';
import { requireFlag, workflowStartFlags } from './workflow-flags';

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

const ID_REUSE_POLICIES = [
  'AllowDuplicate',
  'AllowDuplicateFailedOnly',
  'RejectDuplicate',
  'TerminateIfRunning',
] as const;
const ID_CONFLICT_POLICIES = ['Fail', 'UseExisting', 'TerminateExisting'] as const;

export const workflowStartCommand: Command = {
  path: ['workflow', 'start'],
  summary: 'Start a Workflow Execution and print its IDs without waiting for it.',
  flags: [...workflowStartFlags, ...payloadInputFlags, ...clientFlags],
  run: (flags) => withClient(flags, (context) => startWorkflow(flags, context)),
};

export const workflowExecuteCommand: Command = {
  path: ['workflow', 'execute'],
  summary: 'Start a Workflow Execution, show its progress and wait for its result.',
  flags: [
    ...workflowStartFlags,
    ...payloadInputFlags,
    { name: 'detailed', kind: FlagKind.Boolean, description: 'Include the full history in JSON output.' },
    ...clientFlags,
  ],
  run: (flags) => withClient(flags, (context) => executeWorkflow(flags, context)),
};

interface StartedRun {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly taskQueue: string;
}

async function startWorkflow(flags: ParsedFlags, context: ClientContext): Promise<void> {
  const run = await sendStart(flags, context);
  printRunningExecution(run, context, true);
}

async function executeWorkflow(flags: ParsedFlags, context: ClientContext): Promise<void> {
  const startedAtMs = Date.now();
  const run = await sendStart(flags, context);
  printRunningExecution(run, context, false);
  const execution = { workflowId: run.workflowId, runId: run.runId };
  if (!isJsonOutput(context.output)) {
    writeLine();
    writeLine('Progress:');
    writeLine(HISTORY_HEADER);
    for await (const event of readHistory(context, execution, { isFollowing: true, isCrossingRuns: true })) {
      writeLine(historyRow(event));
    }
    writeLine();
  }
  const closeEvent = await waitForCloseEvent(context, execution);
  const durationMs = Date.now() - startedAtMs;
  if (isJsonOutput(context.output)) {
    printJsonResult({ ...run, namespace: context.namespace, durationMs }, closeEvent, context);
  } else {
    printTextResult(closeEvent, durationMs);
  }
  if (!isCompleted(closeEvent)) throw new CommandError('workflow failed');
}

function printRunningExecution(run: StartedRun, context: ClientContext, isShownAsJson: boolean): void {
  if (isJsonOutput(context.output)) {
    const { workflowId, runId, type, taskQueue } = run;
    if (isShownAsJson) printJson({ workflowId, runId, type, namespace: context.namespace, taskQueue }, context.output);
    return;
  }
  writeLine('Running execution:');
  printCard([
    ['WorkflowId', run.workflowId],
    ['RunId', run.runId],
    ['Type', run.type],
    ['Namespace', context.namespace],
    ['TaskQueue', run.taskQueue],
  ]);
}

async function sendStart(flags: ParsedFlags, context: ClientContext): Promise<StartedRun> {
  const request = startRequest(flags, context);
  const run = {
    workflowId: request.workflowId ?? '',
    type: request.workflowType?.name ?? '',
    taskQueue: request.taskQueue?.name ?? '',
  };
  try {
    const response = await context.rpc('failed starting workflow', (connection) =>
      connection.workflowService.startWorkflowExecution(request),
    );
    return { ...run, runId: response.runId };
  } catch (error) {
    const isAlreadyStarted = error instanceof CommandError && error.rpcStatusCode === GrpcStatus.ALREADY_EXISTS;
    if (!isAlreadyStarted || flags.boolean('fail-existing')) throw error;
  }
  const described = await context.rpc('failed starting workflow', (connection) =>
    connection.workflowService.describeWorkflowExecution({
      namespace: context.namespace,
      execution: { workflowId: run.workflowId },
    }),
  );
  return { ...run, runId: described.workflowExecutionInfo?.execution?.runId ?? '' };
}

/** The StartWorkflowExecution request the flags describe. */
export function startRequest(flags: ParsedFlags, context: ClientContext): StartRequest {
  const summary = flags.string('static-summary');
  const details = flags.string('static-details');
  const priorityKey = flags.string('priority-key');
  const memo = jsonPayloadMap('memo', flags.strings('memo'));
  const searchAttributes = jsonPayloadMap('search-attribute', flags.strings('search-attribute'));
  const header = jsonPayloadMap('headers', flags.strings('headers'));
  return {
    namespace: context.namespace,
    workflowId: flags.string('workflow-id') ?? randomUUID(),
    workflowType: { name: requireFlag(flags, 'type', 'name') },
    taskQueue: {
      name: requireFlag(flags, 'task-queue'),
      kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
    },
    input: payloadsFromFlags(flags) ?? null,
    workflowExecutionTimeout: optionalDuration(flags, 'execution-timeout'),
    workflowRunTimeout: optionalDuration(flags, 'run-timeout'),
    workflowTaskTimeout: optionalDuration(flags, 'task-timeout'),
    workflowStartDelay: optionalDuration(flags, 'start-delay'),
    identity: context.identity,
    requestId: randomUUID(),
    workflowIdReusePolicy: idReusePolicy(flags.string('id-reuse-policy')),
    workflowIdConflictPolicy: idConflictPolicy(flags.string('id-conflict-policy')),
    cronSchedule: flags.string('cron') ?? '',
    memo: memo === undefined ? null : { fields: memo },
    searchAttributes: searchAttributes === undefined ? null : { indexedFields: searchAttributes },
    header: header === undefined ? null : { fields: header },
    userMetadata:
      summary === undefined && details === undefined
        ? null
        : {
            summary: summary === undefined ? null : jsonPayload(JSON.stringify(summary), '--static-summary'),
            details: details === undefined ? null : jsonPayload(JSON.stringify(details), '--static-details'),
          },
    priority: priorityKey === undefined ? null : { priorityKey: parseIntegerFlag('priority-key', priorityKey, 1, 5) },
  };
}

function optionalDuration(flags: ParsedFlags, name: string): google.protobuf.IDuration | null {
  const text = flags.string(name);
  return text === undefined ? null : durationToProto(parseDuration(name, text));
}

function idReusePolicy(text: string | undefined): temporal.api.enums.v1.WorkflowIdReusePolicy {
  const Policy = temporal.api.enums.v1.WorkflowIdReusePolicy;
  if (text === undefined) return Policy.WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED;
  const name = `WORKFLOW_ID_REUSE_POLICY_${constantCase(parseChoiceFlag('id-reuse-policy', text, ID_REUSE_POLICIES))}`;
  return Policy[name as keyof typeof Policy];
}

function idConflictPolicy(text: string | undefined): temporal.api.enums.v1.WorkflowIdConflictPolicy {
  const Policy = temporal.api.enums.v1.WorkflowIdConflictPolicy;
  if (text === undefined) return Policy.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED;
  const name = `WORKFLOW_ID_CONFLICT_POLICY_${constantCase(parseChoiceFlag('id-conflict-policy', text, ID_CONFLICT_POLICIES))}`;
  return Policy[name as keyof typeof Policy];
}

/** "AllowDuplicateFailedOnly" -> "ALLOW_DUPLICATE_FAILED_ONLY". */
function constantCase(pascal: string): string {
  return pascal.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}
