// Goal: TLS on the gRPC and HTTP ports with the official TypeScript SDK's usual TLS options: a client
// that trusts the server's CA works and a plaintext one is refused; with a client CA (mutual TLS) a
// client with a certificate that CA signed works and one without a certificate is refused, on both
// ports; a certificate renewed on disk is served without a restart; unreadable files stop the start with
// a message naming the flag; the Go and Python SDKs (sdk-tests/go/auth/tls_test.go,
// sdk-tests/python/tls_check.py) and the real temporal CLI (where built) with their usual TLS options
// against mutual TLS. Setup: certificates made with
// openssl (test/helpers/tls-certs.ts); servers on SQLite in memory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { startServer } from '../../src';
import { makeCertificates } from '../helpers/tls-certs';
import { eventually } from '../helpers/eventually';
import { REPO_ROOT, runChild } from '../helpers/auth-env';

const TEMPORAL_CLI = process.env['TEMPORAL_CLI'] ?? '/tmp/temporal-1.9.1';

async function namespaceVia(options: Parameters<typeof Connection.connect>[0]): Promise<string> {
  const connection = await Connection.connect({ connectTimeout: 2000, ...options });
  try {
    const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
    return described.namespaceInfo?.name ?? '';
  } finally {
    await connection.close();
  }
}

/** GET over HTTPS trusting `ca`; resolves with the status (rejects when the handshake fails). */
function httpsStatus(port: number, path: string, options: https.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path, ...options }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

describe('TLS on the gRPC and HTTP ports', () => {
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
      assert.equal(
        await httpsStatus(server.httpPort, '/api/v1/namespaces/default', { ca: certs.read(certs.caFile) }),
        200,
        'the HTTP API over HTTPS',
      );
      await assert.rejects(fetch(`http://127.0.0.1:${server.httpPort}/api/v1/namespaces/default`), 'no plaintext HTTP');

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
      httpPort: 0,
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
      const ca = serverRootCACertificate;
      const clientAuth = { ca, cert: certs.read(certs.clientCertFile), key: certs.read(certs.clientKeyFile) };
      assert.equal(await httpsStatus(server.httpPort, '/api/v1/namespaces/default', clientAuth), 200);
      await assert.rejects(
        httpsStatus(server.httpPort, '/api/v1/namespaces/default', { ca }),
        'HTTPS without a client certificate',
      );
    } finally {
      await server.stop();
    }
  });

  test(
    'mutual TLS with the Go and Python SDKs and the real temporal CLI, each with its usual TLS options',
    { timeout: 600_000 },
    async (t) => {
      const certs = makeCertificates('sdks');
      const server = await startServer({
        port: 0,
        logLevel: 'error',
        tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile },
      });
      try {
        const env = {
          ...process.env,
          CAUSEWAY_TLS_ADDRESS: `127.0.0.1:${server.port}`,
          CAUSEWAY_TLS_CA_FILE: certs.caFile,
          CAUSEWAY_TLS_CERT_FILE: certs.clientCertFile,
          CAUSEWAY_TLS_KEY_FILE: certs.clientKeyFile,
        };
        const python = await runChild(
          'python3',
          ['tls_check.py'],
          path.join(REPO_ROOT, 'sdk-tests', 'python'),
          env,
          110_000,
        );
        assert.equal(python.code, 0, `the Python check failed:\n${python.output}`);
        assert.match(python.output, /python tls check passed/);
        const go = await runChild(
          'go',
          ['test', '-count=1', '-v', '-run', 'TestMutualTLSAgainstServer', './auth/'],
          path.join(REPO_ROOT, 'sdk-tests', 'go'),
          env,
          480_000,
        );
        assert.equal(go.code, 0, `the Go check failed (cd sdk-tests/go && go mod download):\n${go.output}`);
        assert.match(go.output, /--- PASS: TestMutualTLSAgainstServer/);
        if (!fs.existsSync(TEMPORAL_CLI)) {
          t.diagnostic(`${TEMPORAL_CLI} absent: the CLI part is skipped (docs/compatibility.md says how to build it)`);
          return;
        }
        const tlsFlags = ['--address', env.CAUSEWAY_TLS_ADDRESS, '--tls-ca-path', certs.caFile];
        const cli = (flags: string[]) =>
          runChild(
            TEMPORAL_CLI,
            ['operator', 'namespace', 'describe', '-n', 'default', ...flags],
            REPO_ROOT,
            env,
            30_000,
          );
        const described = await cli([
          ...tlsFlags,
          '--tls-cert-path',
          certs.clientCertFile,
          '--tls-key-path',
          certs.clientKeyFile,
        ]);
        assert.equal(described.code, 0, described.output);
        assert.match(described.output, /default/);
        assert.notEqual((await cli(tlsFlags)).code, 0, 'the CLI without a client certificate is refused');
      } finally {
        await server.stop();
      }
    },
  );

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
