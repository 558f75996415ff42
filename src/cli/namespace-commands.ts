// `operator namespace create | describe | list | update`, over the WorkflowService namespace RPCs. The
// namespace is the positional argument when given, else --namespace, as in the `temporal` CLI.
import { temporal } from '@temporalio/proto';
import { clientFlags, withClient, type ClientContext } from './client-connection';
import type { Command } from './command';
import { durationFromProto, durationToProto, formatDuration, parseDuration } from './durations';
import { FlagKind, UsageError, splitKeyValue, type FlagDefinition, type ParsedFlags } from './flags';
import { numberFromLong } from './number-from-long';
import { enumDisplayName, isJsonOutput, printCard, printJson, printJsonList, writeLine } from './output';
import { toProtoJson } from '../common/proto-json';

type NamespaceDescription = temporal.api.workflowservice.v1.IDescribeNamespaceResponse;

const enums = temporal.api.enums.v1;
const RETENTION_DEFAULT = '72h';
const NAMESPACE_PAGE_SIZE = 100;
const DESCRIBE_TYPE = 'temporal.api.workflowservice.v1.DescribeNamespaceResponse';

const namespaceSettingFlags: readonly FlagDefinition[] = [
  { name: 'description', kind: FlagKind.String, description: 'Namespace description.' },
  { name: 'email', kind: FlagKind.String, description: 'Owner email.' },
  {
    name: 'data',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=value',
    description: 'Namespace data entry.',
  },
  ...[
    'active-cluster',
    'cluster',
    'history-archival-state',
    'history-uri',
    'visibility-archival-state',
    'visibility-uri',
  ].map((name): FlagDefinition => ({
    name,
    kind: FlagKind.String,
    isRepeatable: name === 'cluster',
    description: 'Causeway has one cluster and no archival.',
    isIgnored: true,
  })),
];

function namespaceCommand(
  word: string,
  summary: string,
  flags: readonly FlagDefinition[],
  body: (flags: ParsedFlags, context: ClientContext) => Promise<void>,
  positionalMax = 1,
): Command {
  return {
    path: ['operator', 'namespace', word],
    summary,
    flags: [...flags, ...clientFlags],
    ...(positionalMax > 0 ? { positionalUsage: '[namespace]', positionalMax } : {}),
    run: (parsed) => withClient(parsed, (context) => body(parsed, context)),
  };
}

function namespaceName(flags: ParsedFlags, context: ClientContext): string {
  return flags.positionals[0] ?? context.namespace;
}

function dataFromFlags(flags: ParsedFlags): Record<string, string> {
  return Object.fromEntries(flags.strings('data').map((entry) => splitKeyValue('data', entry)));
}

const createCommand = namespaceCommand(
  'create',
  'Register a new Namespace.',
  [
    ...namespaceSettingFlags,
    {
      name: 'retention',
      kind: FlagKind.String,
      valueName: 'duration',
      defaultText: RETENTION_DEFAULT,
      description: 'Time to keep closed Workflows before deletion, e.g. 72h or 3d.',
    },
    { name: 'global', kind: FlagKind.Boolean, description: 'Causeway has one cluster.', isIgnored: true },
  ],
  async (flags, context) => {
    const namespace = namespaceName(flags, context);
    const request = {
      namespace,
      description: flags.string('description') ?? '',
      ownerEmail: flags.string('email') ?? '',
      workflowExecutionRetentionPeriod: durationToProto(
        parseDuration('retention', flags.string('retention') ?? RETENTION_DEFAULT),
      ),
      data: dataFromFlags(flags),
    };
    await context.rpc(`unable to create namespace ${namespace}`, (connection) =>
      connection.workflowService.registerNamespace(request),
    );
    if (isJsonOutput(context.output)) printJson({}, context.output);
    else writeLine(`Namespace ${namespace} successfully registered.`);
  },
);

const describeCommand = namespaceCommand(
  'describe',
  'Show the settings of a Namespace.',
  [{ name: 'namespace-id', kind: FlagKind.String, description: 'Namespace ID, instead of its name.' }],
  async (flags, context) => {
    const id = flags.string('namespace-id') ?? '';
    const name =
      id !== '' && flags.positionals.length === 0 && !flags.has('namespace') ? '' : namespaceName(flags, context);
    if (id !== '' && name !== '') throw new UsageError('provide one of --namespace-id=<uuid> or -n name, but not both');
    const response = await context.rpc(`unable to describe namespace ${name || id}`, (connection) =>
      connection.workflowService.describeNamespace({ namespace: name, id }),
    );
    if (isJsonOutput(context.output)) printJson(toProtoJson(DESCRIBE_TYPE, response), context.output);
    else printNamespaceCard(response);
  },
);

const listCommand = namespaceCommand(
  'list',
  'List all Namespaces.',
  [],
  async (_flags, context) => {
    const namespaces: NamespaceDescription[] = [];
    let nextPageToken: Uint8Array = new Uint8Array();
    do {
      const response = await context.rpc('failed listing namespaces', (connection) =>
        connection.workflowService.listNamespaces({ pageSize: NAMESPACE_PAGE_SIZE, nextPageToken }),
      );
      namespaces.push(...(response.namespaces ?? []));
      nextPageToken = response.nextPageToken ?? new Uint8Array();
    } while (nextPageToken.length > 0);
    if (isJsonOutput(context.output)) {
      printJsonList(
        namespaces.map((namespace) => toProtoJson(DESCRIBE_TYPE, namespace)),
        context.output,
      );
      return;
    }
    namespaces.forEach((namespace, index) => {
      if (index > 0) writeLine();
      printNamespaceCard(namespace);
    });
  },
  0,
);

const updateCommand = namespaceCommand(
  'update',
  'Change the settings of a Namespace; settings not given keep their values.',
  [
    ...namespaceSettingFlags,
    {
      name: 'retention',
      kind: FlagKind.String,
      valueName: 'duration',
      description: 'Time to keep closed Workflows before deletion, e.g. 72h or 3d.',
    },
    ...['promote-global', 'replication-state'].map((name): FlagDefinition => ({
      name,
      kind: name === 'promote-global' ? FlagKind.Boolean : FlagKind.String,
      description: 'Causeway has one cluster.',
      isIgnored: true,
    })),
  ],
  async (flags, context) => {
    const namespace = namespaceName(flags, context);
    const current = await context.rpc('namespace update failed', (connection) =>
      connection.workflowService.describeNamespace({ namespace }),
    );
    const retention = flags.string('retention');
    const request = {
      namespace,
      updateInfo: {
        description: flags.string('description') || current.namespaceInfo?.description || '',
        ownerEmail: flags.string('email') || current.namespaceInfo?.ownerEmail || '',
        data: dataFromFlags(flags),
      },
      config: {
        workflowExecutionRetentionTtl:
          retention === undefined
            ? (current.config?.workflowExecutionRetentionTtl ?? null)
            : durationToProto(parseDuration('retention', retention)),
      },
    };
    const response = await context.rpc('namespace update failed', (connection) =>
      connection.workflowService.updateNamespace(request),
    );
    if (isJsonOutput(context.output))
      printJson(toProtoJson('temporal.api.workflowservice.v1.UpdateNamespaceResponse', response), context.output);
    else writeLine(`Namespace ${namespace} update succeeded.`);
  },
);

function printNamespaceCard(response: NamespaceDescription): void {
  const info = response.namespaceInfo;
  const config = response.config;
  const replication = response.replicationConfig;
  const aliases = Object.entries(config?.customSearchAttributeAliases ?? {});
  printCard([
    ['NamespaceInfo.Name', info?.name ?? ''],
    ['NamespaceInfo.Id', info?.id ?? ''],
    ['NamespaceInfo.Description', info?.description ?? ''],
    ['NamespaceInfo.OwnerEmail', info?.ownerEmail ?? ''],
    ['NamespaceInfo.State', enumDisplayName(enums.NamespaceState[info?.state ?? 0], 'NAMESPACE_STATE_')],
    ['NamespaceInfo.Data', JSON.stringify(info?.data ?? {})],
    ['Config.WorkflowExecutionRetentionTtl', formatDuration(durationFromProto(config?.workflowExecutionRetentionTtl))],
    ['ReplicationConfig.ActiveClusterName', replication?.activeClusterName ?? ''],
    [
      'ReplicationConfig.Clusters',
      (replication?.clusters ?? []).map((cluster) => cluster.clusterName ?? '').join(', '),
    ],
    ['ReplicationConfig.State', enumDisplayName(enums.ReplicationState[replication?.state ?? 0], 'REPLICATION_STATE_')],
    [
      'Config.HistoryArchivalState',
      enumDisplayName(enums.ArchivalState[config?.historyArchivalState ?? 0], 'ARCHIVAL_STATE_'),
    ],
    [
      'Config.VisibilityArchivalState',
      enumDisplayName(enums.ArchivalState[config?.visibilityArchivalState ?? 0], 'ARCHIVAL_STATE_'),
    ],
    ['IsGlobalNamespace', String(response.isGlobalNamespace ?? false)],
    ['FailoverVersion', String(numberFromLong(response.failoverVersion))],
    [
      'Config.CustomSearchAttributeAliases',
      aliases.length === 0 ? undefined : JSON.stringify(Object.fromEntries(aliases)),
    ],
  ]);
}

export const namespaceCommands: readonly Command[] = [createCommand, describeCommand, listCommand, updateCommand];
