// `operator nexus endpoint create | describe (get) | list | update | delete`, over the OperatorService
// Nexus endpoint RPCs. Endpoints are named on the command line but addressed by id and version in the API,
// so update and delete first look the endpoint up by name.
//
// --allow-caller-namespace (or its older name --allow-namespace) is a Causeway extension with no field in
// the Temporal API: create and update send the list as the gRPC metadata header
// `causeway-allow-namespaces` (comma-separated; `--allow-caller-namespace ''` removes the list). Without
// the flag the header is not sent. describe and list read the lists back through Causeway's
// NexusEndpointAccessService (docs/security.md) and show them as AllowedCallerNamespaces.
import { readFileSync } from 'node:fs';
import type { Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { clientFlags, withClient, type ClientContext } from './client-connection';
import { CommandError } from './command-error';
import type { Command } from './command';
import { FlagKind, UsageError, type FlagDefinition, type ParsedFlags } from './flags';
import { formatTime, isJsonOutput, printCard, printJson, printJsonList, writeLine } from './output';
import { toProtoJson, type JsonValue } from '../common/proto-json';
import { callCauseway } from './causeway-rpc';
import {
  GET_ENDPOINT_ACCESS_PATH,
  GetNexusEndpointAccessRequest,
  GetNexusEndpointAccessResponse,
  type NexusEndpointAccessMessage,
} from '../api/causeway-service/causeway-proto';
import { requireFlag } from './workflow-flags';

type Endpoint = temporal.api.nexus.v1.IEndpoint;
type EndpointTarget = temporal.api.nexus.v1.IEndpointTarget;
type Payload = temporal.api.common.v1.IPayload;

export const ALLOW_NAMESPACES_HEADER = 'causeway-allow-namespaces';
const ENDPOINT_PAGE_SIZE = 100;
const ENDPOINT_ACCESS_BATCH = 100;
const ENDPOINT_TYPE = 'temporal.api.nexus.v1.Endpoint';

const nameFlag: FlagDefinition = { name: 'name', kind: FlagKind.String, description: 'Endpoint name. Required.' };
const endpointSettingFlags: readonly FlagDefinition[] = [
  { name: 'description', kind: FlagKind.String, description: 'Endpoint description; Markdown is allowed.' },
  {
    name: 'description-file',
    kind: FlagKind.String,
    valueName: 'path',
    description: 'File holding the Endpoint description.',
  },
  {
    name: 'target-namespace',
    kind: FlagKind.String,
    description: 'Namespace where a handler Worker polls for Nexus tasks.',
  },
  {
    name: 'target-task-queue',
    kind: FlagKind.String,
    description: 'Task Queue that a handler Worker polls for Nexus tasks.',
  },
  {
    name: 'target-url',
    kind: FlagKind.String,
    description: 'External URL that receives forwarded Nexus requests, instead of a Worker target.',
  },
  {
    name: 'allow-caller-namespace',
    kind: FlagKind.String,
    isRepeatable: true,
    description: `Caller Namespace allowed to use this Endpoint; once any is given, no other may (Causeway extension, sent as the ${ALLOW_NAMESPACES_HEADER} gRPC header).`,
  },
  {
    name: 'allow-namespace',
    kind: FlagKind.String,
    isRepeatable: true,
    description: 'Older name of --allow-caller-namespace.',
  },
];

function endpointCommand(
  word: string,
  summary: string,
  flags: readonly FlagDefinition[],
  body: (flags: ParsedFlags, context: ClientContext) => Promise<void>,
  aliases?: readonly string[],
): Command {
  return {
    path: ['operator', 'nexus', 'endpoint', word],
    ...(aliases === undefined ? {} : { aliases }),
    summary,
    flags: [...flags, ...clientFlags],
    run: (parsed) => withClient(parsed, (context) => body(parsed, context)),
  };
}

/** The description as Temporal stores it: a json/plain payload holding a JSON string. */
function descriptionPayload(flags: ParsedFlags): Payload | undefined {
  const text = flags.string('description');
  const path = flags.string('description-file');
  if (text !== undefined && path !== undefined)
    throw new UsageError('provided both --description and --description-file');
  let description = text;
  if (path !== undefined) {
    try {
      description = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`failed reading input file "${path}": ${(error as Error).message}`);
    }
    if (description === '') throw new UsageError(`empty description file: "${path}"`);
  }
  if (description === undefined) return undefined;
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(description)) };
}

function descriptionText(endpoint: Endpoint): string {
  const payload = endpoint.spec?.description;
  if (payload == null) return '';
  const data = Buffer.from(payload.data ?? []).toString('utf8');
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'string' ? parsed : data;
  } catch {
    return data;
  }
}

// Sends the allow-list header only when the flag was given, so an update without it changes nothing.
function withAllowList<T>(flags: ParsedFlags, connection: Connection, rpc: () => Promise<T>): Promise<T> {
  if (!flags.has('allow-namespace') && !flags.has('allow-caller-namespace')) return rpc();
  const list = [...flags.strings('allow-caller-namespace'), ...flags.strings('allow-namespace')];
  return connection.withMetadata({ [ALLOW_NAMESPACES_HEADER]: list.join(',') }, rpc);
}

/** The allowlist of each endpoint, by id (undefined: every caller namespace may use it). */
async function allowlistsOf(
  context: ClientContext,
  endpoints: readonly Endpoint[],
): Promise<Map<string, readonly string[] | undefined>> {
  const lists = new Map<string, readonly string[] | undefined>();
  for (let start = 0; start < endpoints.length; start += ENDPOINT_ACCESS_BATCH) {
    const ids = endpoints.slice(start, start + ENDPOINT_ACCESS_BATCH).map((endpoint) => endpoint.id ?? '');
    const response = await callCauseway<{ endpoints: NexusEndpointAccessMessage[] }>(
      context,
      'unable to read the endpoint allowlists',
      {
        path: GET_ENDPOINT_ACCESS_PATH,
        requestType: GetNexusEndpointAccessRequest,
        responseType: GetNexusEndpointAccessResponse,
      },
      { ids },
    );
    for (const access of response.endpoints)
      lists.set(access.id, access.isRestricted ? access.allowedCallerNamespaces : undefined);
  }
  return lists;
}

/** An endpoint as JSON, with Causeway's allowedCallerNamespaces beside the Temporal fields when it has a list. */
function endpointJson(endpoint: Endpoint, allowlist: readonly string[] | undefined): JsonValue {
  const json = toProtoJson(ENDPOINT_TYPE, endpoint);
  if (allowlist === undefined || typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  return { ...json, allowedCallerNamespaces: [...allowlist] };
}

function createTarget(flags: ParsedFlags): EndpointTarget {
  const namespace = flags.string('target-namespace');
  const taskQueue = flags.string('target-task-queue');
  const url = flags.string('target-url');
  if (url !== undefined) {
    if (namespace !== undefined || taskQueue !== undefined)
      throw new UsageError('provided both --target-namespace and --target-url');
    return { external: { url } };
  }
  if (namespace !== undefined && taskQueue !== undefined) return { worker: { namespace, taskQueue } };
  if (namespace !== undefined || taskQueue !== undefined)
    throw new UsageError('both --target-namespace and --target-task-queue are required');
  throw new UsageError('either --target-namespace and --target-task-queue or --target-url are required');
}

async function findEndpoint(context: ClientContext, name: string): Promise<Endpoint> {
  const response = await context.rpc(`unable to get endpoint "${name}"`, (connection) =>
    connection.operatorService.listNexusEndpoints({ name, pageSize: 1 }),
  );
  const endpoint = response.endpoints?.[0];
  if (endpoint == null) throw new CommandError(`endpoint not found: "${name}"`);
  return endpoint;
}

const createCommand = endpointCommand(
  'create',
  'Create a Nexus Endpoint.',
  [nameFlag, ...endpointSettingFlags],
  async (flags, context) => {
    const name = requireFlag(flags, 'name');
    const spec = { name, description: descriptionPayload(flags) ?? null, target: createTarget(flags) };
    await context.rpc(`unable to create endpoint "${name}"`, (connection) =>
      withAllowList(flags, connection, () => connection.operatorService.createNexusEndpoint({ spec })),
    );
    if (isJsonOutput(context.output)) printJson({}, context.output);
    else writeLine(`Endpoint ${name} successfully created.`);
  },
);

const describeCommand = endpointCommand(
  'describe',
  'Show a Nexus Endpoint by name.',
  [nameFlag],
  async (flags, context) => {
    const endpoint = await findEndpoint(context, requireFlag(flags, 'name'));
    const allowlist = (await allowlistsOf(context, [endpoint])).get(endpoint.id ?? '');
    if (isJsonOutput(context.output)) printJson(endpointJson(endpoint, allowlist), context.output);
    else printEndpointCard(endpoint, allowlist);
  },
  ['get'],
);

const listCommand = endpointCommand('list', 'List all Nexus Endpoints.', [], async (_flags, context) => {
  const endpoints: Endpoint[] = [];
  let nextPageToken: Uint8Array = new Uint8Array();
  do {
    const response = await context.rpc('unable to list endpoints', (connection) =>
      connection.operatorService.listNexusEndpoints({ pageSize: ENDPOINT_PAGE_SIZE, nextPageToken }),
    );
    endpoints.push(...(response.endpoints ?? []));
    nextPageToken = response.nextPageToken ?? new Uint8Array();
  } while (nextPageToken.length > 0);
  const allowlists = await allowlistsOf(context, endpoints);
  if (isJsonOutput(context.output)) {
    printJsonList(
      endpoints.map((endpoint) => endpointJson(endpoint, allowlists.get(endpoint.id ?? ''))),
      context.output,
    );
    return;
  }
  endpoints.forEach((endpoint, index) => {
    if (index > 0) writeLine();
    printEndpointCard(endpoint, allowlists.get(endpoint.id ?? ''));
  });
});

const updateCommand = endpointCommand(
  'update',
  'Change a Nexus Endpoint; settings not given keep their values.',
  [
    nameFlag,
    ...endpointSettingFlags,
    { name: 'unset-description', kind: FlagKind.Boolean, description: 'Remove the description.' },
  ],
  async (flags, context) => {
    const name = requireFlag(flags, 'name');
    const description = descriptionPayload(flags);
    if (description !== undefined && flags.boolean('unset-description')) {
      throw new UsageError('--unset-description should not be set if --description or --description-file is set');
    }
    const endpoint = await findEndpoint(context, name);
    const target = updatedTarget(flags, endpoint.spec?.target ?? {});
    const spec = {
      name,
      description: flags.boolean('unset-description') ? null : (description ?? endpoint.spec?.description ?? null),
      target,
    };
    await context.rpc(`unable to update endpoint "${name}"`, (connection) =>
      withAllowList(flags, connection, () =>
        connection.operatorService.updateNexusEndpoint({
          id: endpoint.id ?? '',
          version: endpoint.version ?? null,
          spec,
        }),
      ),
    );
    if (isJsonOutput(context.output)) printJson({}, context.output);
    else writeLine(`Endpoint ${name} successfully updated.`);
  },
);

function updatedTarget(flags: ParsedFlags, current: EndpointTarget): EndpointTarget {
  const namespace = flags.string('target-namespace');
  const taskQueue = flags.string('target-task-queue');
  const url = flags.string('target-url');
  if (url !== undefined && namespace !== undefined)
    throw new UsageError('provided both --target-namespace and --target-url');
  if (url !== undefined && taskQueue !== undefined)
    throw new UsageError('provided both --target-task-queue and --target-url');
  if (url !== undefined) return { external: { url } };
  if (namespace === undefined && taskQueue === undefined) return current;
  if (current.external != null && (namespace === undefined || taskQueue === undefined)) {
    throw new UsageError(
      'both --target-namespace and --target-task-queue are required when changing target type from external to worker',
    );
  }
  return {
    worker: {
      namespace: namespace ?? current.worker?.namespace ?? '',
      taskQueue: taskQueue ?? current.worker?.taskQueue ?? '',
    },
  };
}

const deleteCommand = endpointCommand(
  'delete',
  'Delete a Nexus Endpoint by name.',
  [nameFlag],
  async (flags, context) => {
    const name = requireFlag(flags, 'name');
    const endpoint = await findEndpoint(context, name);
    await context.rpc(`unable to delete endpoint "${name}"`, (connection) =>
      connection.operatorService.deleteNexusEndpoint({ id: endpoint.id ?? '', version: endpoint.version ?? null }),
    );
    if (isJsonOutput(context.output)) printJson({}, context.output);
    else writeLine(`Endpoint ${name} successfully deleted (ID ${endpoint.id ?? ''}).`);
  },
);

function printEndpointCard(endpoint: Endpoint, allowlist: readonly string[] | undefined): void {
  const target = endpoint.spec?.target;
  printCard([
    ['ID', endpoint.id ?? ''],
    ['Name', endpoint.spec?.name ?? ''],
    ['CreatedTime', formatTime(endpoint.createdTime) ?? ''],
    ['LastModifiedTime', formatTime(endpoint.lastModifiedTime) ?? ''],
    ['Target.External.URL', target?.external?.url ?? ''],
    ['Target.Worker.Namespace', target?.worker?.namespace ?? ''],
    ['Target.Worker.TaskQueue', target?.worker?.taskQueue ?? ''],
    ['Description', descriptionText(endpoint)],
    ['AllowedCallerNamespaces', allowlist === undefined ? '(any)' : allowlist.join(', ')],
  ]);
}

export const nexusEndpointCommands: readonly Command[] = [
  createCommand,
  describeCommand,
  listCommand,
  updateCommand,
  deleteCommand,
];
