// The client flags every server-facing command shares (named as in the `temporal` CLI) and the one gRPC
// connection a command uses. The CLI reaches the server only through its public gRPC API.
import { hostname, userInfo } from 'node:os';
import type { Connection } from '@temporalio/client';
import { FlagKind, UsageError, splitKeyValue, type FlagDefinition, type ParsedFlags } from './flags';
import { parseDuration } from './durations';
import { parseOutputFormat, type OutputFormat } from './output';
import { CommandError } from './command-error';
import { clientTransport, tlsFlags, type ClientTransport } from './client-tls';

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';

export const clientFlags: readonly FlagDefinition[] = [
  {
    name: 'address',
    kind: FlagKind.String,
    valueName: 'host:port',
    defaultText: DEFAULT_ADDRESS,
    description: 'Temporal Service gRPC endpoint. Env: TEMPORAL_ADDRESS.',
  },
  {
    name: 'namespace',
    short: 'n',
    kind: FlagKind.String,
    defaultText: DEFAULT_NAMESPACE,
    description: 'Temporal Service Namespace. Env: TEMPORAL_NAMESPACE.',
  },
  {
    name: 'output',
    short: 'o',
    kind: FlagKind.String,
    valueName: 'format',
    defaultText: 'text',
    description: 'Output format. Accepted values: text, json, jsonl, none.',
  },
  { name: 'identity', kind: FlagKind.String, description: 'Identity of the client submitting requests.' },
  {
    name: 'api-key',
    kind: FlagKind.String,
    description:
      'API key or JWT, sent as "authorization: Bearer <key>"; turns TLS on unless --tls=false. Env: TEMPORAL_API_KEY.',
  },
  ...tlsFlags,
  {
    name: 'grpc-meta',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=value',
    description: 'gRPC metadata (HTTP header) sent with every request.',
  },
  {
    name: 'command-timeout',
    kind: FlagKind.String,
    valueName: 'duration',
    description: 'Give up on the server after this long, e.g. 30s.',
  },
  ...(
    [
      ['color', 'Output coloring; Causeway prints no color.'],
      ['time-format', 'Causeway prints times as RFC 3339.'],
      ['log-level', 'Client log level; the Causeway CLI does not log.'],
      ['log-format', 'Client log format; the Causeway CLI does not log.'],
      ['env', 'Environment name; Causeway reads no environment files.'],
    ] as const
  ).map(([name, description]): FlagDefinition => ({ name, kind: FlagKind.String, description, isIgnored: true })),
  {
    name: 'no-json-shorthand-payloads',
    kind: FlagKind.Boolean,
    description: 'Causeway always prints payloads raw in JSON output.',
    isIgnored: true,
  },
];

export interface ClientContext {
  readonly namespace: string;
  /** host:port of the server, and the headers every request carries (with the API key): for Causeway's own services. */
  readonly address: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The channel's credentials (TLS or plaintext) and arguments, from the TLS flags. */
  readonly transport: ClientTransport;
  readonly timeoutMs: number | undefined;
  readonly identity: string;
  readonly output: OutputFormat;
  /**
   * Runs one RPC on the command's connection, connecting first if needed. Connecting lazily lets a
   * command reject bad flags before it touches the network. Failures become CommandErrors that say what
   * was being done.
   */
  rpc<T>(what: string, call: (connection: Connection) => Promise<T>): Promise<T>;
}

/** Builds the command's client context from the flags, runs `body`, and always closes the connection. */
export async function withClient<T>(flags: ParsedFlags, body: (context: ClientContext) => Promise<T>): Promise<T> {
  const output = parseOutputFormat(flags.string('output'));
  const timeoutText = flags.string('command-timeout');
  const timeoutMs = timeoutText === undefined ? undefined : parseDuration('command-timeout', timeoutText);
  const address = flags.string('address') ?? nonEmpty(process.env['TEMPORAL_ADDRESS']) ?? DEFAULT_ADDRESS;
  const metadata: Record<string, string> = {};
  for (const entry of flags.strings('grpc-meta')) {
    const [key, value] = splitKeyValue('grpc-meta', entry);
    metadata[key.toLowerCase()] = value;
  }
  // Loaded on first use so `server start-dev` never pays for the client library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Connection: ClientConnection } = require('@temporalio/client') as typeof import('@temporalio/client');
  const apiKey = flags.string('api-key') ?? nonEmpty(process.env['TEMPORAL_API_KEY']);
  const transport = clientTransport(flags, apiKey !== undefined);
  const headers = apiKey === undefined ? metadata : { ...metadata, authorization: `Bearer ${apiKey}` };
  // The key goes as a header (not the SDK's apiKey option, which cannot be combined with credentials).
  const connection = ClientConnection.lazy({
    address,
    metadata: headers,
    credentials: transport.credentials,
    channelArgs: transport.channelArgs,
    ...(timeoutMs === undefined ? {} : { connectTimeout: timeoutMs }),
  });
  const context: ClientContext = {
    address,
    headers,
    transport,
    timeoutMs,
    namespace: flags.string('namespace') ?? nonEmpty(process.env['TEMPORAL_NAMESPACE']) ?? DEFAULT_NAMESPACE,
    identity: flags.string('identity') ?? defaultIdentity(),
    output,
    async rpc(what, call) {
      await callRpc(`failed connecting to ${address}`, () => connection.ensureConnected());
      return callRpc(what, () => call(connection));
    },
  };
  try {
    if (timeoutMs === undefined) return await body(context);
    return await connection.withDeadline(Date.now() + timeoutMs, () => body(context));
  } finally {
    await connection.close();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function defaultIdentity(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No user entry (some containers): keep "unknown".
  }
  return `causeway-cli:${user}@${hostname()}`;
}

// On failure, rethrows with what was being done and the server's own message.
async function callRpc<T>(what: string, rpc: () => Promise<T>): Promise<T> {
  try {
    return await rpc();
  } catch (error) {
    if (error instanceof UsageError || error instanceof CommandError) throw error;
    throw new CommandError(`${what}: ${rpcErrorMessage(error)}`, rpcStatusCode(error));
  }
}

/** gRPC errors read "5 NOT_FOUND: message"; the server's message alone is clearer. */
export function rpcErrorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const details = (error as { details?: unknown }).details;
    if (typeof details === 'string' && details !== '') return details;
    const cause = (error as { cause?: unknown }).cause;
    if (error instanceof Error && cause !== undefined && cause !== null) {
      return `${error.message}: ${rpcErrorMessage(cause)}`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

/** The gRPC status code of an RPC failure, if it is one. */
export function rpcStatusCode(error: unknown): number | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}
