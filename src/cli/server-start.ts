// `causeway server start`: the production server on a database that outlives it, SQLite or PostgreSQL
// (--persistence). It creates the schema on an empty database and says so, refuses a newer schema, and
// migrates an older one only with --migrate. Every flag can come from --config FILE.
import { defaultServerOptions, type RunningServer, type ServerOptions } from '../server-options';
import { parseDuration } from './durations';
import type { Command } from './command';
import { flagsWithConfigFile } from './config-file';
import { FlagKind, UsageError, parseIntegerFlag, type FlagDefinition, type ParsedFlags } from './flags';
import { namespacesLine, runServer, schemaLine } from './run-server';
import { SHARED_SERVER_FLAGS, sharedServerOptionsFromFlags, startDevFlags } from './start-dev-flags';

/** History shards of a database `server start` creates; an existing database keeps its own count. */
export const SERVER_START_SHARD_COUNT = 16;
const SHARD_COUNT_MAX = 16_384;
const PORT_MAX = 65_535;

export const serverStartFlags: readonly FlagDefinition[] = [
  {
    name: 'persistence',
    kind: FlagKind.String,
    valueName: 'url',
    description: 'The database: postgres://USER[:PASSWORD]@HOST:PORT/DB or sqlite:///path/file.db. Required.',
  },
  {
    name: 'migrate',
    kind: FlagKind.Boolean,
    description:
      'Upgrade a database of an older schema version (back it up first). Without it, such a database is refused.',
  },
  {
    name: 'shard-count',
    kind: FlagKind.String,
    valueName: 'int',
    defaultText: String(SERVER_START_SHARD_COUNT),
    description: 'History shards of a new database. Fixed when the database is created.',
  },
  {
    name: 'internal-port',
    kind: FlagKind.String,
    valueName: 'int',
    defaultText: '--port + 1',
    description:
      'Port on which the processes of one cluster forward requests to each other (PostgreSQL; each process needs its own).',
  },
  {
    name: 'advertise-ip',
    kind: FlagKind.String,
    valueName: 'ip',
    description:
      'The address other processes of the cluster reach this one at. Default: --ip, or the first address of this host when --ip is 0.0.0.0.',
  },
  {
    name: 'shard-lease',
    kind: FlagKind.String,
    valueName: 'duration',
    defaultText: '5s',
    description:
      'How long a shard lease lasts on PostgreSQL: when a process dies, another takes its shards after this long.',
  },
  {
    name: 'config',
    kind: FlagKind.String,
    valueName: 'file',
    description: 'YAML file of flag values (see docs/operations.md).',
  },
  ...startDevFlags.filter((definition) => SHARED_SERVER_FLAGS.includes(definition.name)),
];

export const serverStartCommand: Command = {
  path: ['server', 'start'],
  summary: 'Start a Causeway server on SQLite or PostgreSQL.',
  flags: serverStartFlags,
  run: (flags: ParsedFlags) => runServer(serverStartOptions(flagsWithConfigFile(flags, serverStartFlags)), banner),
};

export function serverStartOptions(flags: ParsedFlags): ServerOptions {
  if (flags.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${flags.positionals[0] ?? ''}": server start takes only flags`);
  }
  const persistence = flags.string('persistence');
  if (persistence === undefined) {
    throw new UsageError('--persistence is required: postgres://USER@HOST:PORT/DB or sqlite:///path/file.db');
  }
  const internalPort = flags.string('internal-port');
  const shared = sharedServerOptionsFromFlags(flags);
  const shardCountText = flags.string('shard-count');
  return {
    ...shared,
    internalPort:
      internalPort === undefined
        ? shared.port === 0
          ? 0
          : shared.port + 1
        : parseIntegerFlag('internal-port', internalPort, 0, PORT_MAX),
    advertiseIp: flags.string('advertise-ip'),
    headless: true,
    persistence,
    allowMigration: flags.boolean('migrate'),
    shardLeaseMs: shardLeaseMs(flags.string('shard-lease')),
    shardCount:
      shardCountText === undefined
        ? SERVER_START_SHARD_COUNT
        : parseIntegerFlag('shard-count', shardCountText, 1, SHARD_COUNT_MAX),
  };
}

const SHARD_LEASE_MIN_MS = 500;

function shardLeaseMs(text: string | undefined): number {
  if (text === undefined) return defaultServerOptions.shardLeaseMs;
  const ms = parseDuration('shard-lease', text);
  if (ms < SHARD_LEASE_MIN_MS) throw new UsageError(`--shard-lease must be at least ${SHARD_LEASE_MIN_MS}ms`);
  return ms;
}

function banner(options: ServerOptions, server: RunningServer): string {
  return [
    'Causeway server (Temporal-compatible)',
    '',
    `Server:      ${server.address}`,
    `HTTP:        ${options.ip}:${server.httpPort}`,
    `Metrics:     http://${options.ip}:${server.metricsPort}/metrics`,
    namespacesLine(options),
    `Database:    ${server.persistence}`,
    schemaLine(server),
    shardsLine(server),
    ...(server.internalPort === undefined
      ? []
      : [`Internal:    ${options.ip}:${server.internalPort} (other processes of the cluster forward here)`]),
    '',
  ].join('\n');
}

function shardsLine(server: RunningServer): string {
  const { total, owned } = server.shards();
  if (owned === total) return `Shards:      ${total}, all owned by this process`;
  if (owned === 0)
    return `Shards:      ${total}, held by the other members until they hand this one its share; requests are forwarded`;
  return `Shards:      ${owned} of ${total} owned by this process`;
}
