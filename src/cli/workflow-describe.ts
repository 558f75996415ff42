// `workflow describe`: DescribeWorkflowExecution printed as the `temporal` CLI lays it out, the execution
// info card first, then pending activities, child workflows and Nexus operations while it runs.
import { temporal } from '@temporalio/proto';
import { clientFlags, withClient, type ClientContext } from './client-connection';
import type { Command } from './command';
import { durationFromProto, formatDuration } from './durations';
import { FlagKind, type ParsedFlags } from './flags';
import { numberFromLong } from './number-from-long';
import { enumDisplayName, formatTime, isJsonOutput, printCard, printJson, writeLine, type CardRow } from './output';
import { payloadToValue, payloadsToValue } from './payloads';
import { toProtoJson } from '../common/proto-json';
import { failureText } from './workflow-history';
import { executionFromFlags, workflowReferenceFlags } from './workflow-flags';

type DescribeResponse = temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse;
type PayloadMap = { [key: string]: temporal.api.common.v1.IPayload } | null | undefined;

const enums = temporal.api.enums.v1;

export const workflowDescribeCommand: Command = {
  path: ['workflow', 'describe'],
  summary: 'Show information about a Workflow Execution.',
  flags: [
    ...workflowReferenceFlags,
    {
      name: 'detailed',
      kind: FlagKind.Boolean,
      description: 'Also show the execution config and the pending Workflow Task. Does not apply to JSON output.',
    },
    ...clientFlags,
  ],
  run: (flags) => withClient(flags, (context) => describeWorkflow(flags, context)),
};

async function describeWorkflow(flags: ParsedFlags, context: ClientContext): Promise<void> {
  const execution = executionFromFlags(flags);
  const response = await context.rpc('failed describing workflow', (connection) =>
    connection.workflowService.describeWorkflowExecution({ namespace: context.namespace, execution }),
  );
  if (isJsonOutput(context.output)) {
    printJson(
      toProtoJson('temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse', response),
      context.output,
    );
    return;
  }
  printExecutionInfo(response, context.namespace);
  if (flags.boolean('detailed')) printDetails(response);
  if (response.workflowExecutionInfo?.status === enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
    printPending(response);
  }
}

function printExecutionInfo(response: DescribeResponse, namespace: string): void {
  const info = response.workflowExecutionInfo ?? {};
  writeLine('Execution Info:');
  printCard([
    ['WorkflowId', info.execution?.workflowId ?? ''],
    ['RunId', info.execution?.runId ?? ''],
    ['Type', info.type?.name ?? ''],
    ['Namespace', namespace],
    ['TaskQueue', info.taskQueue ?? ''],
    ['Status', enumDisplayName(enums.WorkflowExecutionStatus[info.status ?? 0], 'WORKFLOW_EXECUTION_STATUS_')],
    ['AssignedBuildId', info.assignedBuildId || undefined],
    ['StartTime', formatTime(info.startTime) ?? ''],
    ['CloseTime', formatTime(info.closeTime)],
    ['ExecutionTime', formatTime(info.executionTime)],
    ['Memo', payloadMapText(info.memo?.fields)],
    ['SearchAttributes', payloadMapText(info.searchAttributes?.indexedFields)],
    ['StateTransitionCount', String(numberFromLong(info.stateTransitionCount))],
    ['HistoryLength', String(numberFromLong(info.historyLength))],
    ['HistorySize', String(numberFromLong(info.historySizeBytes))],
    ['ParentWorkflowId', info.parentExecution?.workflowId || undefined],
    ['ParentRunId', info.parentExecution?.runId || undefined],
    ['RootWorkflowId', info.rootExecution?.workflowId || undefined],
    ['RootRunId', info.rootExecution?.runId || undefined],
  ]);
}

function printDetails(response: DescribeResponse): void {
  const config = response.executionConfig;
  writeLine();
  writeLine('Execution Config:');
  printCard([
    ['TaskQueue', config?.taskQueue?.name ?? ''],
    ['WorkflowExecutionTimeout', formatDuration(durationFromProto(config?.workflowExecutionTimeout))],
    ['WorkflowRunTimeout', formatDuration(durationFromProto(config?.workflowRunTimeout))],
    ['DefaultWorkflowTaskTimeout', formatDuration(durationFromProto(config?.defaultWorkflowTaskTimeout))],
  ]);
  const task = response.pendingWorkflowTask;
  if (task == null) return;
  writeLine();
  writeLine('Pending Workflow Task:');
  printCard([
    ['State', enumDisplayName(enums.PendingWorkflowTaskState[task.state ?? 0], 'PENDING_WORKFLOW_TASK_STATE_')],
    ['ScheduledTime', formatTime(task.scheduledTime)],
    ['StartedTime', formatTime(task.startedTime)],
    ['Attempt', String(task.attempt ?? 0)],
  ]);
}

function printPending(response: DescribeResponse): void {
  const activities = response.pendingActivities ?? [];
  printSection(
    'Pending Activities',
    activities.map((activity): CardRow[] => [
      ['ActivityId', activity.activityId ?? ''],
      ['Type', activity.activityType?.name ?? ''],
      ['State', enumDisplayName(enums.PendingActivityState[activity.state ?? 0], 'PENDING_ACTIVITY_STATE_')],
      ['Attempt', String(activity.attempt ?? 0)],
      ['MaximumAttempts', String(activity.maximumAttempts ?? 0)],
      ['ScheduledTime', formatTime(activity.scheduledTime) ?? ''],
      ['LastStartedTime', formatTime(activity.lastStartedTime)],
      ['LastHeartbeatTime', formatTime(activity.lastHeartbeatTime)],
      ['ExpirationTime', formatTime(activity.expirationTime)],
      ['LastFailure', failureText(activity.lastFailure)],
      ['LastWorkerIdentity', activity.lastWorkerIdentity || undefined],
      ['LastHeartbeatDetails', jsonText(payloadsToValue(activity.heartbeatDetails))],
    ]),
  );
  printSection(
    'Pending Child Workflows',
    (response.pendingChildren ?? []).map((child): CardRow[] => [
      ['WorkflowId', child.workflowId ?? ''],
      ['RunId', child.runId ?? ''],
      ['WorkflowTypeName', child.workflowTypeName ?? ''],
      ['InitiatedId', String(numberFromLong(child.initiatedId))],
      [
        'ParentClosePolicy',
        enumDisplayName(enums.ParentClosePolicy[child.parentClosePolicy ?? 0], 'PARENT_CLOSE_POLICY_'),
      ],
    ]),
  );
  printSection(
    'Pending Nexus Operations',
    (response.pendingNexusOperations ?? []).map((operation): CardRow[] => [
      ['Endpoint', operation.endpoint ?? ''],
      ['Service', operation.service ?? ''],
      ['Operation', operation.operation ?? ''],
      ['OperationToken', operation.operationToken || undefined],
      [
        'State',
        enumDisplayName(enums.PendingNexusOperationState[operation.state ?? 0], 'PENDING_NEXUS_OPERATION_STATE_'),
      ],
      ['Attempt', String(operation.attempt ?? 0)],
      ['ScheduledTime', formatTime(operation.scheduledTime) ?? ''],
      ['LastAttemptFailure', failureText(operation.lastAttemptFailure)],
    ]),
  );
}

function printSection(title: string, cards: readonly CardRow[][]): void {
  writeLine();
  writeLine(`${title}: ${cards.length}`);
  for (const card of cards) {
    writeLine();
    printCard(card);
  }
}

function payloadMapText(fields: PayloadMap): string | undefined {
  const entries = Object.entries(fields ?? {});
  if (entries.length === 0) return undefined;
  return JSON.stringify(Object.fromEntries(entries.map(([key, payload]) => [key, payloadToValue(payload)])));
}

function jsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}
