// Goal: with mutual TLS, a client certificate is a credential: an entry of --api-key-file with a
// "certificate" filter names the principal and roles of the clients whose verified certificate matches it
// (common name, organization, subject alternative name), a bearer token still wins when one is sent, and a
// certificate no entry matches is UNAUTHENTICATED; the same over HTTPS; the `causeway` CLI connects with the
// temporal CLI's TLS flags (--tls-ca-path, --tls-cert-path, --tls-key-path) and the real CLI where built.
// Setup: certificates made with openssl (test/helpers/tls-certs.ts); one server on SQLite in memory with
// mutual TLS and a key file; clients of the official TypeScript SDK and the CLI as a child process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { startServer, type RunningServer } from '../../src';
import { makeCertificates } from '../helpers/tls-certs';
import { KEYS, REPO_ROOT, cli, codeOf, keyFile, messagesOf, runChild } from '../helpers/auth-env';

const TEMPORAL_CLI = process.env['TEMPORAL_CLI'] ?? '/tmp/temporal-1.9.1';

function post(port: number, urlPath: string, body: object, options: https.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...options,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

describe('client certificates as credentials', () => {
  const certs = makeCertificates('principals');
  const writer = certs.client('/CN=payments-app/O=Payments');
  const reader = certs.client('/CN=payments-auditor/O=Payments');
  const stranger = certs.client('/CN=someone-else/O=Elsewhere');
  const keysPath = path.join(certs.dir, 'keys.json');
  const connections: Connection[] = [];
  let server: RunningServer;
  let address: string;

  const clientWith = async (cert: { certFile: string; keyFile: string }, apiKey?: string): Promise<Client> => {
    const connection = await Connection.connect({
      address,
      connectTimeout: 5000,
      ...(apiKey === undefined ? {} : { apiKey }),
      tls: {
        serverRootCACertificate: certs.read(certs.caFile),
        clientCertPair: { crt: certs.read(cert.certFile), key: certs.read(cert.keyFile) },
      },
    });
    connections.push(connection);
    return new Client({ connection });
  };
  const tlsFlags = (cert: { certFile: string; keyFile: string }): string[] => [
    '--address',
    address,
    '--tls-ca-path',
    certs.caFile,
    '--tls-cert-path',
    cert.certFile,
    '--tls-key-path',
    cert.keyFile,
  ];

  before(async () => {
    fs.writeFileSync(
      keysPath,
      keyFile([
        {
          certificate: { commonName: 'payments-app', organization: 'Payments' },
          principal: 'cert-writer',
          namespaces: { default: 'writer' },
        },
        { certificate: { organization: 'Payments' }, principal: 'cert-reader', namespaces: { default: 'reader' } },
      ]),
    );
    server = await startServer({
      port: 0,
      httpPort: 0,
      logLevel: 'error',
      tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile },
      auth: { apiKeyFile: keysPath },
    });
    address = `127.0.0.1:${server.port}`;
  });
  after(async () => {
    for (const connection of connections) await connection.close();
    await server?.stop();
    fs.rmSync(certs.dir, { recursive: true, force: true });
  });

  test('the first matching entry names the principal and its roles; a token wins over the certificate', async () => {
    const asWriter = await clientWith(writer);
    const started = await asWriter.workflow.start('anything', {
      taskQueue: 'tls-principals',
      workflowId: 'started-by-certificate',
    });
    assert.equal(started.workflowId, 'started-by-certificate');

    const asReader = await clientWith(reader);
    const described = await asReader.workflow.getHandle('started-by-certificate').describe();
    assert.equal(described.status.name, 'RUNNING');
    await assert.rejects(
      asReader.workflow.start('anything', { taskQueue: 'tls-principals', workflowId: 'by-a-reader' }),
      (error) => codeOf(error) === grpc.status.PERMISSION_DENIED && /Request unauthorized\./.test(messagesOf(error)),
    );

    const asStranger = await clientWith(stranger);
    await assert.rejects(
      asStranger.connection.workflowService.describeNamespace({ namespace: 'default' }),
      (error) => codeOf(error) === grpc.status.UNAUTHENTICATED,
    );
    // The reader's certificate with the admin key: the key decides.
    const asAdmin = await clientWith(reader, KEYS.admin);
    await asAdmin.workflow.getHandle('started-by-certificate').terminate('done');
  });

  test('over HTTPS the verified certificate is the credential too', async () => {
    const ca = certs.read(certs.caFile);
    const start = (cert: { certFile: string; keyFile: string }, workflowId: string) =>
      post(
        server.httpPort,
        `/api/v1/namespaces/default/workflows/${workflowId}`,
        { workflowType: { name: 'anything' }, taskQueue: { name: 'tls-principals' } },
        { ca, cert: certs.read(cert.certFile), key: certs.read(cert.keyFile) },
      );
    assert.equal(await start(writer, 'started-over-https'), 200);
    assert.equal(await start(reader, 'refused-over-https'), 403);
    assert.equal(await start(stranger, 'refused-over-https'), 401);
  });

  test('the causeway CLI and the real temporal CLI connect with their TLS flags', async (t) => {
    const listed = await cli(['workflow', 'list', ...tlsFlags(reader), '-o', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /started-by-certificate/);
    const refused = await cli(['workflow', 'start', ...tlsFlags(reader), '--type', 'anything', '--task-queue', 'q']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Request unauthorized\./);
    // Without the client certificate the handshake fails; without the CA the server is not trusted.
    const noCertificate = await cli(['workflow', 'list', '--address', address, '--tls-ca-path', certs.caFile]);
    assert.notEqual(noCertificate.code, 0);
    const untrusted = await cli(['workflow', 'list', '--address', address, '--tls']);
    assert.notEqual(untrusted.code, 0);
    // The audit log, read with the admin key over the same mutual TLS, has the reader's refusals.
    const audit = await cli(['operator', 'audit', 'list', ...tlsFlags(reader), '--api-key', KEYS.admin, '-o', 'json']);
    assert.equal(audit.code, 0, audit.stderr);
    const events = JSON.parse(audit.stdout) as { principal: string; action: string; outcome: string }[];
    assert.ok(
      events.some(
        (e) =>
          e.principal === 'cert-reader' && e.action === 'StartWorkflowExecution' && e.outcome === 'permission-denied',
      ),
      audit.stdout,
    );
    assert.ok(
      events.some((e) => e.principal === '' && e.outcome === 'unauthenticated'),
      audit.stdout,
    );

    if (!fs.existsSync(TEMPORAL_CLI)) {
      t.diagnostic(`${TEMPORAL_CLI} absent: the real CLI part is skipped (docs/compatibility.md says how to build it)`);
      return;
    }
    const real = await runChild(
      TEMPORAL_CLI,
      ['workflow', 'list', ...tlsFlags(writer)],
      REPO_ROOT,
      process.env,
      30_000,
    );
    assert.equal(real.code, 0, real.output);
    assert.match(real.output, /started-by-certificate/);
  });
});
