// The `workflow` commands. Each acts on one execution named by --workflow-id; the `temporal` CLI's batch
// form (--query on signal, cancel and terminate) needs batch operations, which Causeway does not serve.
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { clientFlags, withClient, type ClientContext } from './client-connection';
import { CommandError } from './command-error';
import type { Command } from './command';
import {
  FlagKind,
  UsageError,
  parseChoiceFlag,
  parseIntegerFlag,
  type FlagDefinition,
  type ParsedFlags,
} from './flags';
import { numberFromLong } from './number-from-long';
import {
  enumDisplayName,
  formatTime,
  isJsonOutput,
  printCard,
  printJson,
  printJsonList,
  printTable,
  writeLine,
} from './output';
import { jsonPayloadMap, payloadInputFlags, payloadToValue, payloadsFromFlags, payloadsToValue } from './payloads';
import { toProtoJson } from '../common/proto-json';
import { workflowDescribeCommand } from './workflow-describe';
import { executionFromFlags, requireFlag, workflowReferenceFlags } from './workflow-flags';
import { workflowExecuteCommand, workflowStartCommand } from './workflow-start';
import { workflowResultCommand, workflowShowCommand } from './workflow-show';

const enums = temporal.api.enums.v1;
const LIST_PAGE_SIZE_DEFAULT = 100;
const LIMIT_MAX = 1_000_000;

const visibilityQueryFlag: FlagDefinition = {
  name: 'query',
  short: 'q',
  kind: FlagKind.String,
  description: 'Visibility List Filter, e.g. "WorkflowType = \'MyWorkflow\'".',
};
const batchQueryFlag: FlagDefinition = {
  name: 'query',
  short: 'q',
  kind: FlagKind.String,
  description: 'Batch operations by List Filter are not supported by Causeway; use --workflow-id.',
};
const reasonFlag: FlagDefinition = { name: 'reason', kind: FlagKind.String, description: 'Reason for the operation.' };

function singleExecution(flags: ParsedFlags): temporal.api.common.v1.IWorkflowExecution {
  if (flags.string('query') !== undefined) {
    throw new UsageError('batch operations with --query are not supported by Causeway; use --workflow-id');
  }
  return executionFromFlags(flags);
}

function command(
  path: string,
  summary: string,
  flags: readonly FlagDefinition[],
  body: (flags: ParsedFlags, context: ClientContext) => Promise<void>,
): Command {
  return {
    path: ['workflow', path],
    summary,
    flags: [...flags, ...clientFlags],
    run: (parsed) => withClient(parsed, (context) => body(parsed, context)),
  };
}

const listCommand = command(
  'list',
  'List Workflow Executions matching a List Filter.',
  [
    visibilityQueryFlag,
    {
      name: 'limit',
      kind: FlagKind.String,
      valueName: 'int',
      description: 'Maximum number of Workflow Executions to display.',
    },
    {
      name: 'page-size',
      kind: FlagKind.String,
      valueName: 'int',
      description: 'Workflow Executions to fetch per request.',
    },
    { name: 'archived', kind: FlagKind.Boolean, description: 'Causeway has no archival.', isIgnored: true },
  ],
  async (flags, context) => {
    const limitText = flags.string('limit');
    const limit = limitText === undefined ? LIMIT_MAX : parseIntegerFlag('limit', limitText, 1, LIMIT_MAX);
    const pageSizeText = flags.string('page-size');
    const pageSize =
      pageSizeText === undefined ? LIST_PAGE_SIZE_DEFAULT : parseIntegerFlag('page-size', pageSizeText, 1, 1000);
    const executions: temporal.api.workflow.v1.IWorkflowExecutionInfo[] = [];
    let nextPageToken: Uint8Array = new Uint8Array();
    do {
      const response = await context.rpc('failed listing workflows', (connection) =>
        connection.workflowService.listWorkflowExecutions({
          namespace: context.namespace,
          pageSize: Math.min(pageSize, limit - executions.length),
          nextPageToken,
          query: flags.string('query') ?? '',
        }),
      );
      executions.push(...(response.executions ?? []).slice(0, limit - executions.length));
      nextPageToken = response.nextPageToken ?? new Uint8Array();
    } while (nextPageToken.length > 0 && executions.length < limit);
    if (isJsonOutput(context.output)) {
      const items = executions.map((info) => toProtoJson('temporal.api.workflow.v1.WorkflowExecutionInfo', info));
      printJsonList(items, context.output);
      return;
    }
    if (executions.length === 0) return;
    printTable(
      ['Status', 'WorkflowId', 'Type', 'StartTime'],
      executions.map((info) => [
        enumDisplayName(enums.WorkflowExecutionStatus[info.status ?? 0], 'WORKFLOW_EXECUTION_STATUS_'),
        info.execution?.workflowId ?? '',
        info.type?.name ?? '',
        formatTime(info.startTime) ?? '',
      ]),
    );
  },
);

const countCommand = command(
  'count',
  'Count Workflow Executions matching a List Filter.',
  [visibilityQueryFlag],
  async (flags, context) => {
    const response = await context.rpc('failed counting workflows', (connection) =>
      connection.workflowService.countWorkflowExecutions({
        namespace: context.namespace,
        query: flags.string('query') ?? '',
      }),
    );
    if (isJsonOutput(context.output)) {
      printJson(
        toProtoJson('temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse', response),
        context.output,
      );
      return;
    }
    writeLine(`Total: ${numberFromLong(response.count)}`);
    for (const group of response.groups ?? []) {
      const values = (group.groupValues ?? []).map((payload) => {
        const value = payloadToValue(payload);
        return typeof value === 'string' ? value : JSON.stringify(value);
      });
      writeLine(`Group total: ${numberFromLong(group.count)}, values: ${values.join(', ')}`);
    }
  },
);

const signalCommand = command(
  'signal',
  'Send a Signal to a Workflow Execution.',
  [
    { name: 'name', kind: FlagKind.String, description: 'Signal name. Required. Aliased as "--type".' },
    { name: 'type', kind: FlagKind.String, description: 'Same as --name.' },
    ...workflowReferenceFlags,
    batchQueryFlag,
    ...payloadInputFlags,
    {
      name: 'headers',
      kind: FlagKind.String,
      isRepeatable: true,
      valueName: 'key=json',
      description: 'Temporal Workflow header; the value is JSON.',
    },
  ],
  async (flags, context) => {
    const header = jsonPayloadMap('headers', flags.strings('headers'));
    const request = {
      namespace: context.namespace,
      workflowExecution: singleExecution(flags),
      signalName: requireFlag(flags, 'name', 'type'),
      input: payloadsFromFlags(flags) ?? null,
      identity: context.identity,
      requestId: randomUUID(),
      header: header === undefined ? null : { fields: header },
    };
    await context.rpc('failed signalling workflow', (connection) =>
      connection.workflowService.signalWorkflowExecution(request),
    );
    printDone('Signal workflow succeeded', context);
  },
);

const queryCommand = command(
  'query',
  'Send a Query to a Workflow Execution and print the answer.',
  [
    { name: 'name', kind: FlagKind.String, description: 'Query type. Required. Aliased as "--type".' },
    { name: 'type', kind: FlagKind.String, description: 'Same as --name.' },
    ...workflowReferenceFlags,
    ...payloadInputFlags,
    {
      name: 'reject-condition',
      kind: FlagKind.String,
      description: 'Reject the Query if the Workflow is: not_open, not_completed_cleanly.',
    },
  ],
  async (flags, context) => {
    const condition = flags.string('reject-condition');
    const rejectCondition =
      condition === undefined
        ? enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NONE
        : parseChoiceFlag('reject-condition', condition, ['not_open', 'not_completed_cleanly'] as const) === 'not_open'
          ? enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN
          : enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY;
    const request = {
      namespace: context.namespace,
      execution: executionFromFlags(flags),
      query: { queryType: requireFlag(flags, 'name', 'type'), queryArgs: payloadsFromFlags(flags) ?? null },
      queryRejectCondition: rejectCondition,
    };
    const response = await context.rpc('querying workflow failed', (connection) =>
      connection.workflowService.queryWorkflow(request),
    );
    if (response.queryRejected != null) {
      const status = enumDisplayName(
        enums.WorkflowExecutionStatus[response.queryRejected.status ?? 0],
        'WORKFLOW_EXECUTION_STATUS_',
      );
      throw new CommandError(`query was rejected, workflow has status: ${status}`);
    }
    if (isJsonOutput(context.output)) {
      printJson(toProtoJson('temporal.api.workflowservice.v1.QueryWorkflowResponse', response), context.output);
      return;
    }
    writeLine('Query result:');
    printCard([['QueryResult', JSON.stringify(payloadsToValue(response.queryResult) ?? null)]]);
  },
);

const cancelCommand = command(
  'cancel',
  'Request cancellation of a Workflow Execution.',
  [...workflowReferenceFlags, batchQueryFlag, reasonFlag],
  async (flags, context) => {
    const request = {
      namespace: context.namespace,
      workflowExecution: singleExecution(flags),
      identity: context.identity,
      requestId: randomUUID(),
      reason: flags.string('reason') ?? '',
    };
    await context.rpc('failed to cancel workflow', (connection) =>
      connection.workflowService.requestCancelWorkflowExecution(request),
    );
    printDone('Canceled workflow', context);
  },
);

const terminateCommand = command(
  'terminate',
  'Terminate a Workflow Execution at once, without running any more of its code.',
  [...workflowReferenceFlags, batchQueryFlag, reasonFlag],
  async (flags, context) => {
    const request = {
      namespace: context.namespace,
      workflowExecution: singleExecution(flags),
      reason: flags.string('reason') ?? `Terminated by ${context.identity}`,
      identity: context.identity,
    };
    await context.rpc('failed to terminate workflow', (connection) =>
      connection.workflowService.terminateWorkflowExecution(request),
    );
    printDone('Workflow terminated', context);
  },
);

// Text output confirms in words; JSON output has nothing to add but must stay parseable.
function printDone(message: string, context: ClientContext): void {
  if (isJsonOutput(context.output)) printJson({}, context.output);
  else writeLine(message);
}

export const workflowCommands: readonly Command[] = [
  workflowStartCommand,
  workflowExecuteCommand,
  workflowDescribeCommand,
  workflowShowCommand,
  listCommand,
  countCommand,
  signalCommand,
  queryCommand,
  cancelCommand,
  terminateCommand,
  workflowResultCommand,
];
