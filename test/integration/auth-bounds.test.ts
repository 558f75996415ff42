// Goal: unusable credential files stop the start naming their flag (never a key); a principal over its
// rate is RESOURCE_EXHAUSTED; the audit log keeps only its newest events (a small configured bound).
// Setup: key files in a temporary directory; servers on SQLite in memory; the CLI as a child process.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { startServer } from '../../src';
import { KEYS, cli, codeOf, keyFile } from '../helpers/auth-env';

describe('credential files that cannot be used', () => {
  test('stop the start with a message naming the flag, never the key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-auth-'));
    try {
      await assert.rejects(
        startServer({ port: 0, logLevel: 'never', auth: { apiKeyFile: path.join(dir, 'missing.json') } }),
        /cannot read --api-key-file/,
      );
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, '[{"key": "secret-in-a-broken-file"');
      await assert.rejects(
        startServer({ port: 0, logLevel: 'never', auth: { apiKeyFile: bad } }),
        (error: Error) => /--api-key-file: not JSON/.test(error.message) && !error.message.includes('secret-in'),
      );
      fs.writeFileSync(bad, 'not a key');
      await assert.rejects(
        startServer({ port: 0, logLevel: 'never', auth: { jwtKeyFile: bad } }),
        /--jwt-key-file: no PEM/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rate limits and the audit log bound', () => {
  test('a principal over its rate is RESOURCE_EXHAUSTED; the audit log keeps its newest events', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-auth-'));
    const keysPath = path.join(dir, 'keys.json');
    fs.writeFileSync(keysPath, keyFile());
    const server = await startServer({
      port: 0,
      logLevel: 'error',
      auth: { apiKeyFile: keysPath },
      dynamicConfig: {
        'causeway.auth.principalRps': 1,
        'causeway.auth.principalBurst': 3,
        'causeway.audit.eventsMax': 4,
      },
    });
    // The SDK's retry interceptor would wait out RESOURCE_EXHAUSTED: none here, to see it.
    const limited = await Connection.connect({
      address: server.address,
      apiKey: KEYS.reader,
      tls: false,
      interceptors: [],
    });
    const anonymous = await Connection.connect({ address: server.address, interceptors: [] });
    try {
      const outcomes: (number | undefined)[] = [];
      for (let n = 0; n < 6; n += 1) {
        outcomes.push(
          await limited.workflowService.describeNamespace({ namespace: 'default' }).then(
            () => 0,
            (error: unknown) => codeOf(error),
          ),
        );
      }
      assert.ok(
        outcomes.slice(0, 2).every((code) => code === 0),
        `the burst is served: ${outcomes.join()}`,
      );
      assert.ok(outcomes.includes(grpc.status.RESOURCE_EXHAUSTED), `then refused: ${outcomes.join()}`);
      // Ten refusals written; the bound of 4 keeps the newest four.
      for (let n = 0; n < 10; n += 1) {
        await anonymous.workflowService.describeNamespace({ namespace: `ns-${n}` }).catch(() => undefined);
      }
      const listed = await cli([
        'operator',
        'audit',
        'list',
        '--address',
        server.address,
        '--tls=false',
        '--api-key',
        KEYS.admin,
        '-o',
        'json',
      ]);
      assert.equal(listed.code, 0, listed.stderr);
      const events = JSON.parse(listed.stdout) as { namespace: string }[];
      assert.deepEqual(
        events.map((event) => event.namespace),
        ['ns-9', 'ns-8', 'ns-7', 'ns-6'],
      );
    } finally {
      await limited.close();
      await anonymous.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
