// The flags of `temporal server start-dev`, with the same names, aliases and defaults, and their mapping
// to ServerOptions. SDK test harnesses (TestWorkflowEnvironment.createLocal with an existing executable)
// run `<exe> server start-dev --port N --ui-port M --namespace default --ip 127.0.0.1 --log-format pretty
// --log-level warn --headless ...`, so every one of those must parse here.
import { defaultServerOptions, type LogFormat, type LogLevel, type ServerOptions } from '../server-options';
import {
  FlagKind,
  UsageError,
  parseChoiceFlag,
  parseIntegerFlag,
  splitKeyValue,
  type FlagDefinition,
  type ParsedFlags,
} from './flags';

const PORT_MAX = 65_535;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'never'];
// `text` is the current CLI's name for what older releases and the SDK harness call `pretty`.
const LOG_FORMATS = ['json', 'pretty', 'text'] as const;
export const SEARCH_ATTRIBUTE_TYPES = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;

function ignored(name: string, description: string, kind: FlagKind = FlagKind.String): FlagDefinition {
  return { name, kind, description, isIgnored: true };
}

export const startDevFlags: readonly FlagDefinition[] = [
  {
    name: 'port',
    short: 'p',
    kind: FlagKind.String,
    valueName: 'int',
    defaultText: '7233',
    description: 'Port for the front-end gRPC Service. 0 picks a free port.',
  },
  {
    name: 'http-port',
    kind: FlagKind.String,
    valueName: 'int',
    description: 'Port for the HTTP API service. Defaults to a free port.',
  },
  {
    name: 'metrics-port',
    kind: FlagKind.String,
    valueName: 'int',
    description: "Port for '/metrics' (Prometheus). Defaults to a free port.",
  },
  {
    name: 'ui-port',
    kind: FlagKind.String,
    valueName: 'int',
    description: "Port for the Web UI. Defaults to '--port' value + 1000.",
  },
  {
    name: 'ip',
    kind: FlagKind.String,
    defaultText: defaultServerOptions.ip,
    description: 'IP address bound to the front-end Service.',
  },
  {
    name: 'db-filename',
    short: 'f',
    kind: FlagKind.String,
    valueName: 'path',
    description:
      'SQLite file for persistent state. By default, state is kept in memory and lost when the server stops.',
  },
  {
    name: 'namespace',
    short: 'n',
    kind: FlagKind.String,
    isRepeatable: true,
    description: 'Namespace to create at launch. The "default" Namespace is always created.',
  },
  { name: 'headless', kind: FlagKind.Boolean, description: 'Disable the Web UI.' },
  {
    name: 'log-level',
    kind: FlagKind.String,
    defaultText: defaultServerOptions.logLevel,
    description: 'Log level. Accepted values: debug, info, warn, error, never.',
  },
  {
    name: 'log-format',
    kind: FlagKind.String,
    defaultText: defaultServerOptions.logFormat,
    description: 'Log format. Accepted values: pretty (or text), json.',
  },
  {
    name: 'search-attribute',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=type',
    description: `Search attribute to register. Type is one of: ${SEARCH_ATTRIBUTE_TYPES.join(', ')}.`,
  },
  {
    name: 'dynamic-config-value',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=json',
    description: 'Dynamic configuration value; the value is JSON, e.g. frontend.enableUpdateWorkflowExecution=true.',
  },
  {
    name: 'sqlite-pragma',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'name=value',
    description: 'SQLite pragma statement.',
  },
  {
    name: 'tls-cert-file',
    kind: FlagKind.String,
    valueName: 'path',
    description: 'PEM certificate (chain) of the server: the gRPC port serves TLS. Reread when the file changes.',
  },
  {
    name: 'tls-key-file',
    kind: FlagKind.String,
    valueName: 'path',
    description: 'PEM private key of --tls-cert-file.',
  },
  {
    name: 'tls-client-ca-file',
    kind: FlagKind.String,
    valueName: 'path',
    description: 'PEM CA certificates: clients must present a certificate they signed (mutual TLS).',
  },
  {
    name: 'api-key-file',
    kind: FlagKind.String,
    valueName: 'path',
    description:
      'JSON list of API keys, their principals and roles per namespace (docs/security.md): requests must then carry a key or a JWT. Reread when the file changes.',
  },
  {
    name: 'jwt-key-file',
    kind: FlagKind.String,
    valueName: 'path',
    description:
      'PEM public keys (or certificates) that sign accepted JWTs (RS256, ES256). Reread when the file changes.',
  },
  {
    name: 'jwks-file',
    kind: FlagKind.String,
    valueName: 'path',
    description: 'JWKS file of the keys that sign accepted JWTs. Reread when the file changes.',
  },
  ignored('ui-ip', 'The Web UI binds to --ip.'),
  ignored('ui-asset-path', 'The Web UI serves its own assets.'),
  ignored('ui-codec-endpoint', 'The Web UI has no remote codec.'),
  ignored('ui-public-path', 'The Web UI is served at /.'),
  ignored('log-config', 'Causeway has no server config file to print.', FlagKind.Boolean),
  ignored('ui-disable-news-fetch', 'The Web UI fetches no news.', FlagKind.Boolean),
];

/** ServerOptions from parsed start-dev flags; throws UsageError on any bad value. */
export function serverOptionsFromFlags(flags: ParsedFlags): ServerOptions {
  if (flags.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${flags.positionals[0] ?? ''}": start-dev takes only flags`);
  }
  return {
    ...sharedServerOptionsFromFlags(flags),
    headless: flags.boolean('headless'),
    dbFilename: flags.string('db-filename'),
  };
}

/** The flags `server start` shares with start-dev (SHARED_SERVER_FLAGS), as ServerOptions. */
export function sharedServerOptionsFromFlags(flags: ParsedFlags): ServerOptions {
  const portText = flags.string('port');
  const port = portText === undefined ? defaultServerOptions.port : parseIntegerFlag('port', portText, 0, PORT_MAX);
  const logFormatText = flags.string('log-format');
  const logFormat: LogFormat =
    logFormatText === undefined
      ? defaultServerOptions.logFormat
      : parseChoiceFlag('log-format', logFormatText, LOG_FORMATS) === 'json'
        ? 'json'
        : 'pretty';
  const logLevelText = flags.string('log-level');
  return {
    ...defaultServerOptions,
    port,
    ip: flags.string('ip') ?? defaultServerOptions.ip,
    httpPort: optionalPort(flags, 'http-port'),
    uiPort: optionalPort(flags, 'ui-port'),
    metricsPort: optionalPort(flags, 'metrics-port'),
    namespaces: [...new Set(flags.strings('namespace'))],
    logLevel:
      logLevelText === undefined
        ? defaultServerOptions.logLevel
        : parseChoiceFlag('log-level', logLevelText, LOG_LEVELS),
    logFormat,
    searchAttributes: searchAttributesFromFlags(flags.strings('search-attribute')),
    dynamicConfig: dynamicConfigFromFlags(flags.strings('dynamic-config-value')),
    sqlitePragmas: keyValues('sqlite-pragma', flags.strings('sqlite-pragma')),
    tls: tlsFromFlags(flags),
    auth: authFromFlags(flags),
  };
}

function tlsFromFlags(flags: ParsedFlags): ServerOptions['tls'] {
  const certFile = flags.string('tls-cert-file');
  const keyFile = flags.string('tls-key-file');
  const clientCaFile = flags.string('tls-client-ca-file');
  if (certFile === undefined && keyFile === undefined && clientCaFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined)
    throw new UsageError('--tls-cert-file and --tls-key-file go together');
  return { certFile, keyFile, ...(clientCaFile === undefined ? {} : { clientCaFile }) };
}

function authFromFlags(flags: ParsedFlags): ServerOptions['auth'] {
  const apiKeyFile = flags.string('api-key-file');
  const jwtKeyFile = flags.string('jwt-key-file');
  const jwksFile = flags.string('jwks-file');
  if (apiKeyFile === undefined && jwtKeyFile === undefined && jwksFile === undefined) return undefined;
  return { apiKeyFile, jwtKeyFile, jwksFile };
}

/** Names of the start-dev flags that `server start` takes too. */
export const SHARED_SERVER_FLAGS: readonly string[] = [
  'port',
  'http-port',
  'ui-port',
  'ip',
  'namespace',
  'log-level',
  'log-format',
  'search-attribute',
  'dynamic-config-value',
  'sqlite-pragma',
  'metrics-port',
  'tls-cert-file',
  'tls-key-file',
  'tls-client-ca-file',
  'api-key-file',
  'jwt-key-file',
  'jwks-file',
];

function optionalPort(flags: ParsedFlags, name: string): number | undefined {
  const text = flags.string(name);
  // The Go CLI treats 0 as "not given" for these two: a free port, or port + 1000 for the UI.
  const port = text === undefined ? 0 : parseIntegerFlag(name, text, 0, PORT_MAX);
  return port === 0 ? undefined : port;
}

function searchAttributesFromFlags(entries: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of entries) {
    const [name, type] = splitKeyValue('search-attribute', entry);
    attributes[name] = parseChoiceFlag('search-attribute', type, SEARCH_ATTRIBUTE_TYPES);
  }
  return attributes;
}

function dynamicConfigFromFlags(entries: readonly string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const entry of entries) {
    const [key, json] = splitKeyValue('dynamic-config-value', entry);
    try {
      config[key] = JSON.parse(json) as unknown;
    } catch {
      throw new UsageError(
        `invalid value for --dynamic-config-value ${key}: "${json}" is not JSON (quote strings: ${key}='"text"')`,
      );
    }
  }
  return config;
}

function keyValues(flagName: string, entries: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries) {
    const [key, value] = splitKeyValue(flagName, entry);
    result[key] = value;
  }
  return result;
}
