// Flags shared by the `workflow` commands, named and aliased as in the `temporal` CLI.
import type { temporal } from '@temporalio/proto';
import { FlagKind, UsageError, type FlagDefinition, type ParsedFlags } from './flags';

export const workflowReferenceFlags: readonly FlagDefinition[] = [
  { name: 'workflow-id', short: 'w', kind: FlagKind.String, description: 'Workflow ID. Required.' },
  { name: 'run-id', short: 'r', kind: FlagKind.String, description: 'Run ID. Defaults to the latest run.' },
];

export const workflowStartFlags: readonly FlagDefinition[] = [
  { name: 'workflow-id', short: 'w', kind: FlagKind.String, description: 'Workflow ID. Generated when not given.' },
  { name: 'type', kind: FlagKind.String, description: 'Workflow Type name. Required. Aliased as "--name".' },
  { name: 'name', kind: FlagKind.String, description: 'Same as --type.' },
  { name: 'task-queue', short: 't', kind: FlagKind.String, description: 'Workflow Task queue. Required.' },
  {
    name: 'run-timeout',
    kind: FlagKind.String,
    valueName: 'duration',
    description: 'Fail a Workflow Run if it lasts longer than this.',
  },
  {
    name: 'execution-timeout',
    kind: FlagKind.String,
    valueName: 'duration',
    description: 'Fail a Workflow Execution, retries and Continue-As-New included, if it lasts longer than this.',
  },
  {
    name: 'task-timeout',
    kind: FlagKind.String,
    valueName: 'duration',
    description: 'Start-to-close timeout of each Workflow Task.',
  },
  {
    name: 'search-attribute',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=json',
    description: 'Search Attribute; the value is JSON.',
  },
  {
    name: 'memo',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=json',
    description: 'Memo entry; the value is JSON.',
  },
  {
    name: 'headers',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=json',
    description: 'Temporal Workflow header (not a gRPC header); the value is JSON.',
  },
  { name: 'static-summary', kind: FlagKind.String, description: 'One-line summary of the Workflow shown in UIs.' },
  { name: 'static-details', kind: FlagKind.String, description: 'Details of the Workflow shown in UIs.' },
  { name: 'priority-key', kind: FlagKind.String, valueName: 'int', description: 'Priority key, 1 (highest) to 5.' },
  { name: 'cron', kind: FlagKind.String, description: 'Cron schedule for the Workflow. Deprecated: use Schedules.' },
  {
    name: 'fail-existing',
    kind: FlagKind.Boolean,
    description: 'Fail if the Workflow already exists, instead of printing the running one.',
  },
  {
    name: 'start-delay',
    kind: FlagKind.String,
    valueName: 'duration',
    description: 'Delay before starting the Workflow Execution.',
  },
  {
    name: 'id-reuse-policy',
    kind: FlagKind.String,
    description:
      'Workflow ID reuse policy. Accepted values: AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate, TerminateIfRunning.',
  },
  {
    name: 'id-conflict-policy',
    kind: FlagKind.String,
    description: 'Workflow ID conflict policy. Accepted values: Fail, UseExisting, TerminateExisting.',
  },
];

/** The value of a flag the command cannot run without. */
export function requireFlag(flags: ParsedFlags, name: string, alias?: string): string {
  const value = flags.string(name) ?? (alias === undefined ? undefined : flags.string(alias));
  if (value === undefined || value === '') throw new UsageError(`required flag --${name} not set`);
  return value;
}

/** The execution named by --workflow-id and --run-id. */
export function executionFromFlags(flags: ParsedFlags): temporal.api.common.v1.IWorkflowExecution {
  return { workflowId: requireFlag(flags, 'workflow-id'), runId: flags.string('run-id') ?? '' };
}
