// The public gRPC port's credentials (and the HTTP port's TLS, from the same files): plaintext, or TLS from --tls-cert-file / --tls-key-file, with
// --tls-client-ca-file mutual TLS (a client must present a certificate one of those CAs signed, as the
// Temporal frontend's requireClientAuth). The files are read again every TLS_REFRESH_MS, so a renewed
// certificate is served without a restart. Files that cannot be read or parsed stop the start with a
// message naming the flag.
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { ServerTls } from '../server-options';
import type { HttpTls } from '../nexus/http/nexus-http-server';

export const TLS_REFRESH_MS = 5000;

export class TlsConfigError extends Error {
  override name = 'TlsConfigError';
}

function readPem(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new TlsConfigError(`cannot read ${flag} ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The HTTP port's TLS from the same files (reread by the HTTP server). */
export function httpTls(config: ServerTls | undefined): HttpTls | undefined {
  if (!config) return undefined;
  return {
    read: () => ({
      cert: readPem('--tls-cert-file', config.certFile),
      key: readPem('--tls-key-file', config.keyFile),
      ca: config.clientCaFile ? readPem('--tls-client-ca-file', config.clientCaFile) : undefined,
    }),
    requireClientCert: config.clientCaFile !== undefined,
  };
}

export function serverCredentials(config: ServerTls | undefined): grpc.ServerCredentials {
  if (!config) return grpc.ServerCredentials.createInsecure();
  const cert = readPem('--tls-cert-file', config.certFile);
  const key = readPem('--tls-key-file', config.keyFile);
  const ca = config.clientCaFile ? readPem('--tls-client-ca-file', config.clientCaFile) : undefined;
  try {
    // Parsed once here so that a wrong file fails the start, not the first handshake.
    tls.createSecureContext({ cert, key, ...(ca ? { ca } : {}) });
  } catch (error) {
    throw new TlsConfigError(
      `the TLS files do not make a usable certificate: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const identity = new grpc.experimental.FileWatcherCertificateProvider({
    certificateFile: config.certFile,
    privateKeyFile: config.keyFile,
    refreshIntervalMs: TLS_REFRESH_MS,
  });
  const clientCa = config.clientCaFile
    ? new grpc.experimental.FileWatcherCertificateProvider({
        caCertificateFile: config.clientCaFile,
        refreshIntervalMs: TLS_REFRESH_MS,
      })
    : null;
  return grpc.experimental.createCertificateProviderServerCredentials(identity, clientCa, clientCa !== null);
}
