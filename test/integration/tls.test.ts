// Goal: TLS on the gRPC port with the official TypeScript SDK's usual TLS options: a client that trusts
// the server's CA works and a plaintext one is refused; with a client CA (mutual TLS) a client with a
// certificate that CA signed works and one without a certificate is refused; a certificate renewed on
// disk is served without a restart; unreadable files stop the start with a message naming the flag; the
// HTTP API, which has no TLS yet, is not served in plaintext meanwhile. Setup: certificates made with
// openssl (test/helpers/tls-certs.ts); servers on SQLite in memory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Connection } from '@temporalio/client';
import { startServer } from '../../src';
import { makeCertificates } from '../helpers/tls-certs';
import { eventually } from '../helpers/eventually';

async function namespaceVia(options: Parameters<typeof Connection.connect>[0]): Promise<string> {
  const connection = await Connection.connect({ connectTimeout: 2000, ...options });
  try {
    const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
    return described.namespaceInfo?.name ?? '';
  } finally {
    await connection.close();
  }
}

describe('TLS on the gRPC port', () => {
  test('TLS: trusted clients connect, plaintext is refused, a renewed certificate is served', async () => {
    const certs = makeCertificates('first');
    const server = await startServer({
      port: 0,
      httpPort: 0,
      logLevel: 'error',
      tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile },
    });
    try {
      const address = `127.0.0.1:${server.port}`;
      assert.equal(
        await namespaceVia({ address, tls: { serverRootCACertificate: certs.read(certs.caFile) } }),
        'default',
      );
      await assert.rejects(namespaceVia({ address }), 'a plaintext client is refused');
      const http = await fetch(`http://127.0.0.1:${server.httpPort}/api/v1/namespaces/default`);
      assert.equal(http.status, 501, 'the HTTP API is not served in plaintext beside a TLS gRPC port');

      // A new certificate from another CA replaces the files: clients of that CA connect, without a restart.
      const renewed = makeCertificates('second', certs.dir);
      fs.copyFileSync(renewed.serverCertFile, certs.serverCertFile);
      fs.copyFileSync(renewed.serverKeyFile, certs.serverKeyFile);
      await eventually(
        async () =>
          (await namespaceVia({ address, tls: { serverRootCACertificate: renewed.read(renewed.caFile) } })) ===
          'default',
        { timeoutMs: 20_000, intervalMs: 500 },
      );
    } finally {
      await server.stop();
    }
  });

  test('mutual TLS: a client certificate of the client CA is required', async () => {
    const certs = makeCertificates('mutual');
    const server = await startServer({
      port: 0,
      logLevel: 'error',
      tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile },
    });
    try {
      const address = `127.0.0.1:${server.port}`;
      const serverRootCACertificate = certs.read(certs.caFile);
      assert.equal(
        await namespaceVia({
          address,
          tls: {
            serverRootCACertificate,
            clientCertPair: { crt: certs.read(certs.clientCertFile), key: certs.read(certs.clientKeyFile) },
          },
        }),
        'default',
      );
      await assert.rejects(namespaceVia({ address, tls: { serverRootCACertificate } }), 'no client certificate');
    } finally {
      await server.stop();
    }
  });

  test('unreadable TLS files stop the start with the flag named', async () => {
    await assert.rejects(
      startServer({
        port: 0,
        logLevel: 'error',
        tls: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' },
      }),
      /cannot read --tls-cert-file \/nonexistent\/cert.pem/,
    );
  });
});
