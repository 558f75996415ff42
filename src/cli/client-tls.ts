// The TLS flags of every server-facing command, named and defaulted as in the `temporal` CLI: TLS is on
// with --tls, with any certificate, key or CA given (as a path or inline), or with an API key, unless
// --tls=false says otherwise. The result is the gRPC channel credentials and arguments that both the
// SDK's Connection and Causeway's own services use.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { FlagKind, UsageError, type FlagDefinition, type ParsedFlags } from './flags';

export const tlsFlags: readonly FlagDefinition[] = [
  {
    name: 'tls',
    kind: FlagKind.Boolean,
    description: 'Enable base TLS encryption. Auto-enabled when api-key or TLS options are set. Env: TEMPORAL_TLS.',
  },
  ...(
    [
      ['tls-cert-path', 'Path to x509 certificate.', 'TEMPORAL_TLS_CLIENT_CERT_PATH'],
      ['tls-cert-data', 'Inline x509 certificate data.', 'TEMPORAL_TLS_CLIENT_CERT_DATA'],
      ['tls-key-path', 'Path to x509 private key.', 'TEMPORAL_TLS_CLIENT_KEY_PATH'],
      ['tls-key-data', 'Inline x509 private key data.', 'TEMPORAL_TLS_CLIENT_KEY_DATA'],
      ['tls-ca-path', 'Path to server CA certificate.', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'],
      ['tls-ca-data', 'Inline server CA certificate data.', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'],
      ['tls-server-name', 'Override target TLS server name.', 'TEMPORAL_TLS_SERVER_NAME'],
    ] as const
  ).map(([name, description, env]): FlagDefinition => ({
    name,
    kind: FlagKind.String,
    description: `${description} Env: ${env}.`,
  })),
  {
    name: 'tls-disable-host-verification',
    kind: FlagKind.Boolean,
    description: 'Disable TLS host-name verification. Env: TEMPORAL_TLS_DISABLE_HOST_VERIFICATION.',
  },
];

/** How a command's channel is secured. */
export interface ClientTransport {
  readonly isTls: boolean;
  readonly credentials: grpc.ChannelCredentials;
  readonly channelArgs: Readonly<Record<string, string>>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The transport the flags (and their environment variables) ask for; `hasApiKey` turns TLS on by default. */
export function clientTransport(flags: ParsedFlags, hasApiKey: boolean, env: Env = process.env): ClientTransport {
  const text = (flag: string, variable: string): string | undefined => flags.string(flag) ?? nonEmpty(env[variable]);
  const material = (what: string, pathFlag: string, pathEnv: string, dataFlag: string, dataEnv: string) => {
    const path = text(pathFlag, pathEnv);
    const data = text(dataFlag, dataEnv);
    if (path !== undefined && data !== undefined) {
      throw new UsageError(`cannot specify both --${pathFlag} and --${dataFlag} for the ${what}`);
    }
    if (data !== undefined) return Buffer.from(data);
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new UsageError(`cannot read --${pathFlag} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  };
  const cert = material(
    'client certificate',
    'tls-cert-path',
    'TEMPORAL_TLS_CLIENT_CERT_PATH',
    'tls-cert-data',
    'TEMPORAL_TLS_CLIENT_CERT_DATA',
  );
  const key = material(
    'client key',
    'tls-key-path',
    'TEMPORAL_TLS_CLIENT_KEY_PATH',
    'tls-key-data',
    'TEMPORAL_TLS_CLIENT_KEY_DATA',
  );
  const ca = material(
    'server CA',
    'tls-ca-path',
    'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    'tls-ca-data',
    'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  );
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError(
      'a client certificate needs its key: give both --tls-cert-path and --tls-key-path (or their -data forms)',
    );
  }
  const serverName = text('tls-server-name', 'TEMPORAL_TLS_SERVER_NAME');
  const skipHostCheck =
    flags.boolean('tls-disable-host-verification') || isTrue(env['TEMPORAL_TLS_DISABLE_HOST_VERIFICATION']);
  const asked = flags.has('tls') ? flags.boolean('tls') : isTrue(env['TEMPORAL_TLS']);
  const implied = hasApiKey || cert !== undefined || ca !== undefined;
  // An explicit --tls=false wins over everything that would imply TLS, as in the temporal CLI.
  const isTls = flags.has('tls') && !flags.boolean('tls') ? false : asked || implied;
  if (!isTls) return { isTls, credentials: grpc.credentials.createInsecure(), channelArgs: {} };
  const credentials = grpc.credentials.createSsl(
    ca ?? null,
    key ?? null,
    cert ?? null,
    skipHostCheck ? { checkServerIdentity: () => undefined } : {},
  );
  const channelArgs: Record<string, string> =
    serverName === undefined
      ? {}
      : { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName };
  return { isTls, credentials, channelArgs };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', 't', '1'].includes(value.toLowerCase());
}
