// An HTTP or HTTPS server on a host and port (the Nexus HTTP port, the web UI's port): with TLS, the
// certificate files are read again every TLS_REFRESH_MS and a renewed certificate is served to new
// connections without a restart; a bound on connections; a close that ends open connections too.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock';
import type { Logger } from './logger';
import { repeatEvery } from './repeat';

/** TLS for an HTTP port: the files as they are now, read again every TLS_REFRESH_MS. */
export interface HttpTls {
  read(): { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer | undefined };
  /** Mutual TLS: a client must present a certificate the CAs signed. */
  readonly requireClientCert: boolean;
}

export const TLS_REFRESH_MS = 5000;

export interface HttpListener {
  readonly port: number;
  readonly server: http.Server;
  close(): Promise<void>;
}

export function listenHttp(params: {
  readonly name: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly host: string;
  readonly port: number;
  readonly tls?: HttpTls | undefined;
  readonly connectionsMax: number;
  readonly listener: http.RequestListener;
}): Promise<HttpListener> {
  const { tls, logger, name } = params;
  let current = tls?.read();
  const server = tls
    ? https.createServer(
        { ...current, requestCert: tls.requireClientCert, rejectUnauthorized: tls.requireClientCert },
        params.listener,
      )
    : http.createServer(params.listener);
  const reload = tls
    ? repeatEvery(
        params.clock,
        TLS_REFRESH_MS,
        () => {
          const next = tls.read();
          if (current && next.cert.equals(current.cert) && next.key.equals(current.key) && sameCa(next.ca, current.ca))
            return Promise.resolve();
          current = next;
          (server as https.Server).setSecureContext(next);
          return Promise.resolve();
        },
        (error) =>
          logger.warn(`${name}: reading the TLS files again failed; the old certificate is served`, {
            error: String(error),
          }),
      )
    : undefined;
  server.maxConnections = params.connectionsMax;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(params.port, params.host, () => {
      server.off('error', reject);
      server.on('error', (error) => logger.error(`${name} server error`, { error: String(error) }));
      let closing: Promise<void> | undefined;
      resolve({
        port: (server.address() as AddressInfo).port,
        server,
        close: () => {
          reload?.cancel();
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

function sameCa(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}
