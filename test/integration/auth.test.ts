// Goal: API keys, JWTs and per-namespace roles on the public ports with the official TypeScript SDK: no
// key or a wrong key is UNAUTHENTICATED; a reader starting a workflow is PERMISSION_DENIED "Request
// unauthorized."; a writer starts workflows; a worker-role key runs the caller and handler Workers of a
// Nexus call; a key stored as sha256 works; a JWT with permissions works and an expired one is refused;
// a caller namespace off an endpoint's allowlist gets a failed operation naming the endpoint; the HTTP
// API enforces the same; a key added to the file works without a restart; every refusal is in the audit
// log, read with `causeway operator audit list`; no key appears in any log line. The Python and Go SDKs'
// API key options are checked against the same server (sdk-tests/python/auth_check.py, sdk-tests/go/auth).
// Rate limits, the audit log's bound and unusable files: auth-bounds.test.ts.
// Setup: a key file and an RSA key pair written to a temporary directory; servers on SQLite in memory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { startServer, type RunningServer } from '../../src';
import { nexusBundle } from '../helpers/nexus-env';
import { myServiceHandler } from '../fixtures/nexus/handler';
import * as activities from '../fixtures/activities';
import { eventually } from '../helpers/eventually';
import { KEYS, REPO_ROOT, cli, codeOf, connect, jwt, keyFile, messagesOf, runChild } from '../helpers/auth-env';

describe('API keys, JWTs and roles', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-auth-'));
  const keysPath = path.join(dir, 'keys.json');
  const jwtKeyPath = path.join(dir, 'jwt.pem');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const logLines: string[] = [];
  let server: RunningServer;
  let address: string;
  const connections: Connection[] = [];
  const client = async (key: string | undefined, namespace = 'default'): Promise<Client> => {
    const connection = await connect(address, key);
    connections.push(connection);
    return new Client({ connection, namespace });
  };

  before(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    fs.writeFileSync(keysPath, keyFile());
    fs.writeFileSync(jwtKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
    server = await startServer(
      {
        port: 0,
        httpPort: 0,
        logLevel: 'debug',
        namespaces: ['caller-ns', 'handler-ns'],
        auth: { apiKeyFile: keysPath, jwtKeyFile: jwtKeyPath },
      },
      { logSink: (line) => logLines.push(line) },
    );
    address = server.address;
  });
  after(async () => {
    for (const connection of connections) await connection.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('no key and a wrong key are UNAUTHENTICATED; GetSystemInfo stays open', async () => {
    const anonymous = await client(undefined);
    // Connection.connect called GetSystemInfo already; it answers anyone.
    await anonymous.connection.workflowService.getSystemInfo({});
    await assert.rejects(
      anonymous.connection.workflowService.describeNamespace({ namespace: 'default' }),
      (error) => codeOf(error) === grpc.status.UNAUTHENTICATED,
    );
    const wrong = await client('not-a-key');
    await assert.rejects(
      wrong.workflow.start('greeting', { taskQueue: 'tq', workflowId: `wrong-${randomUUID()}`, args: ['x'] }),
      (error) => codeOf(error) === grpc.status.UNAUTHENTICATED,
    );
  });

  test('a reader reads but starting a workflow is PERMISSION_DENIED "Request unauthorized."', async () => {
    const reader = await client(KEYS.reader);
    await reader.connection.workflowService.describeNamespace({ namespace: 'default' });
    await assert.rejects(
      reader.workflow.start('greeting', { taskQueue: 'tq', workflowId: `reader-${randomUUID()}`, args: ['x'] }),
      (error) => codeOf(error) === grpc.status.PERMISSION_DENIED && /Request unauthorized\./.test(messagesOf(error)),
    );
    // A role in one namespace is nothing in another.
    await assert.rejects(
      reader.connection.workflowService.describeNamespace({ namespace: 'handler-ns' }),
      (error) => codeOf(error) === grpc.status.PERMISSION_DENIED,
    );
  });

  test('a writer and a key stored as sha256 start workflows', async () => {
    for (const key of [KEYS.writer, KEYS.hashed]) {
      const writer = await client(key);
      const handle = await writer.workflow.start('greeting', {
        taskQueue: 'tq',
        workflowId: `writer-${randomUUID()}`,
        args: ['x'],
      });
      assert.ok(handle.firstExecutionRunId);
      // Terminate is a write, and is audited.
      await handle.terminate('done');
    }
  });

  test('a JWT with permissions works; an expired one and a wrongly signed one are refused', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const valid = jwt(privateKey, { sub: 'jwt-user', exp: nowSeconds + 600, permissions: ['default:write'] });
    const user = await client(valid);
    const handle = await user.workflow.start('greeting', {
      taskQueue: 'tq',
      workflowId: `jwt-${randomUUID()}`,
      args: ['x'],
    });
    assert.ok(handle.firstExecutionRunId);
    await assert.rejects(
      user.connection.workflowService.describeNamespace({ namespace: 'caller-ns' }),
      (error) => codeOf(error) === grpc.status.PERMISSION_DENIED,
    );
    const system = await client(jwt(privateKey, { sub: 'jwt-admin', permissions: ['temporal-system:admin'] }));
    await system.connection.operatorService.listNexusEndpoints({});
    const expired = await client(
      jwt(privateKey, { sub: 'late', exp: nowSeconds - 10, permissions: ['default:admin'] }),
    );
    await assert.rejects(
      expired.connection.workflowService.describeNamespace({ namespace: 'default' }),
      (error) => codeOf(error) === grpc.status.UNAUTHENTICATED,
    );
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await client(jwt(other, { sub: 'forger', permissions: ['temporal-system:admin'] }));
    await assert.rejects(
      forged.connection.workflowService.describeNamespace({ namespace: 'default' }),
      (error) => codeOf(error) === grpc.status.UNAUTHENTICATED,
    );
  });

  test('worker-role keys run the Nexus Workers; an allowlist refusal names the endpoint', async () => {
    const admin = await client(KEYS.admin);
    const writer = await client(KEYS.writer, 'caller-ns');
    const workerClient = await client(KEYS.worker, 'caller-ns');
    // A worker key may not start workflows.
    await assert.rejects(
      workerClient.workflow.start('echoCaller', { taskQueue: 'tq', workflowId: `w-${randomUUID()}`, args: ['e', 'x'] }),
      (error) => codeOf(error) === grpc.status.PERMISSION_DENIED,
    );
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const open = `open-${randomUUID().slice(0, 8)}`;
    const closed = `closed-${randomUUID().slice(0, 8)}`;
    const target = { worker: { namespace: 'handler-ns', taskQueue: handlerTaskQueue } };
    await admin.connection.operatorService.createNexusEndpoint({ spec: { name: open, target } });
    // The allowlist set through the CLI, as a user would.
    const created = await cli([
      'operator',
      'nexus',
      'endpoint',
      'create',
      '--address',
      address,
      '--tls=false',
      '--api-key',
      KEYS.admin,
      '--name',
      closed,
      '--target-namespace',
      'handler-ns',
      '--target-task-queue',
      handlerTaskQueue,
      '--allow-namespace',
      'some-other-ns',
    ]);
    assert.equal(created.code, 0, created.stderr);
    // ...and read back by get (text) and list (JSON).
    const shown = await cli([
      'operator',
      'nexus',
      'endpoint',
      'get',
      '--address',
      address,
      '--tls=false',
      '--api-key',
      KEYS.admin,
      '--name',
      closed,
    ]);
    assert.match(shown.stdout, /AllowedCallerNamespaces\s+some-other-ns/);
    const listed = await cli([
      'operator',
      'nexus',
      'endpoint',
      'list',
      '--address',
      address,
      '--tls=false',
      '--api-key',
      KEYS.admin,
      '-o',
      'json',
    ]);
    const byName = new Map(
      (JSON.parse(listed.stdout) as { spec: { name: string }; allowedCallerNamespaces?: string[] }[]).map((e) => [
        e.spec.name,
        e,
      ]),
    );
    assert.deepEqual(byName.get(closed)?.allowedCallerNamespaces, ['some-other-ns']);
    assert.equal(byName.get(open)?.allowedCallerNamespaces, undefined, 'no list: any caller namespace');
    // A writer may not create endpoints (cluster admin only).
    await assert.rejects(
      writer.connection.operatorService.createNexusEndpoint({
        spec: { name: `no-${randomUUID().slice(0, 8)}`, target },
      }),
      (error) => codeOf(error) === grpc.status.PERMISSION_DENIED,
    );
    const native = await NativeConnection.connect({ address, apiKey: KEYS.worker, tls: false });
    const code = await nexusBundle();
    const callerTaskQueue = `caller-${randomUUID()}`;
    const callerWorker = await Worker.create({
      connection: native,
      namespace: 'caller-ns',
      taskQueue: callerTaskQueue,
      workflowBundle: code,
    });
    const nativeHandler = await NativeConnection.connect({ address, apiKey: KEYS.worker, tls: false });
    const handlerWorker = await Worker.create({
      connection: nativeHandler,
      namespace: 'handler-ns',
      taskQueue: handlerTaskQueue,
      workflowBundle: code,
      nexusServices: [myServiceHandler],
      activities,
    });
    try {
      const handlerRun = handlerWorker.run();
      const [echoed, refused] = await callerWorker.runUntil(
        Promise.all([
          writer.workflow.execute('echoCaller', {
            taskQueue: callerTaskQueue,
            workflowId: `echo-${randomUUID()}`,
            args: [open, 'hi'],
          }),
          writer.workflow.execute('probeCaller', {
            taskQueue: callerTaskQueue,
            workflowId: `probe-${randomUUID()}`,
            args: [closed, 'echo', { message: 'x' }, {}],
          }),
        ]),
      );
      handlerWorker.shutdown();
      await handlerRun;
      assert.equal(echoed, 'hi');
      assert.match(
        refused,
        new RegExp(`caller namespace "caller-ns" is not allowed to use Nexus endpoint "${closed}"`),
      );
    } finally {
      await native.close();
      await nativeHandler.close();
    }
  });

  test('the HTTP API takes the same credentials from the Authorization header', async () => {
    const base = `http://127.0.0.1:${server.httpPort}/api/v1`;
    assert.equal((await fetch(`${base}/namespaces/default`)).status, 401);
    const read = await fetch(`${base}/namespaces/default`, { headers: { authorization: `Bearer ${KEYS.reader}` } });
    assert.equal(read.status, 200);
    const start = await fetch(`${base}/namespaces/default/workflows/http-${randomUUID()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.reader}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workflowType: { name: 'greeting' }, taskQueue: { name: 'tq' } }),
    });
    assert.equal(start.status, 403);
    assert.equal(((await start.json()) as { message: string }).message, 'Request unauthorized.');
    const audit = await fetch(`${base}/causeway/audit?page_size=5`, {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    });
    assert.equal(audit.status, 200);
    assert.ok(((await audit.json()) as { events: unknown[] }).events.length > 0);
    const auditAsReader = await fetch(`${base}/causeway/audit`, {
      headers: { authorization: `Bearer ${KEYS.reader}` },
    });
    assert.equal(auditAsReader.status, 403);
    // Inbound Nexus requests need a write role in the endpoint's target namespace.
    const admin = await client(KEYS.admin);
    const created = await admin.connection.operatorService.createNexusEndpoint({
      spec: {
        name: `http-${randomUUID().slice(0, 8)}`,
        target: { worker: { namespace: 'caller-ns', taskQueue: 'nowhere' } },
      },
    });
    const nexusUrl = `http://127.0.0.1:${server.httpPort}/nexus/endpoints/${created.endpoint?.id ?? ''}/services/svc/op`;
    const post = (headers: Record<string, string>): Promise<Response> =>
      fetch(nexusUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ authorization: `Bearer ${KEYS.reader}` })).status, 403);
  });

  test('a key added to the file works without a restart', async () => {
    const added = await client(KEYS.added);
    await assert.rejects(
      added.connection.workflowService.describeNamespace({ namespace: 'default' }),
      (error) => codeOf(error) === grpc.status.UNAUTHENTICATED,
    );
    fs.writeFileSync(
      keysPath,
      keyFile([{ key: KEYS.added, principal: 'late-comer', namespaces: { default: 'reader' } }]),
    );
    await eventually(
      async () => {
        await added.connection.workflowService.describeNamespace({ namespace: 'default' });
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
  });

  test('every refusal and every administrative action is in the audit log (operator audit list)', async () => {
    const auditList = (key: string, ...more: string[]) =>
      cli(['operator', 'audit', 'list', '--address', address, '--tls=false', '--api-key', key, ...more]);
    const listed = await auditList(KEYS.admin, '--limit', '1000', '-o', 'json');
    assert.equal(listed.code, 0, listed.stderr);
    const events = JSON.parse(listed.stdout) as {
      principal: string;
      action: string;
      outcome: string;
      target: string;
      namespace: string;
      time: string;
    }[];
    const has = (match: Partial<(typeof events)[number]>): boolean =>
      events.some((event) =>
        Object.entries(match).every(([name, value]) => event[name as keyof typeof event] === value),
      );
    assert.ok(has({ principal: '', action: 'DescribeNamespace', outcome: 'unauthenticated' }), 'no key');
    assert.ok(has({ principal: '', action: 'StartWorkflowExecution', outcome: 'unauthenticated' }), 'wrong key');
    assert.ok(
      has({
        principal: 'auditor',
        action: 'StartWorkflowExecution',
        outcome: 'permission-denied',
        namespace: 'default',
      }),
    );
    assert.ok(
      has({ principal: 'auditor', action: 'DescribeNamespace', outcome: 'permission-denied', namespace: 'handler-ns' }),
    );
    assert.ok(has({ principal: 'jwt-user', action: 'DescribeNamespace', outcome: 'permission-denied' }));
    assert.ok(has({ principal: 'payments-worker', action: 'StartWorkflowExecution', outcome: 'permission-denied' }));
    assert.ok(has({ principal: 'payments-app', action: 'CreateNexusEndpoint', outcome: 'permission-denied' }));
    assert.ok(
      has({ principal: 'auditor', action: 'ListAuditEvents', outcome: 'permission-denied' }),
      'audit list as a reader',
    );
    assert.ok(has({ principal: 'ops-admin', action: 'CreateNexusEndpoint', outcome: 'ok' }));
    assert.ok(has({ principal: 'payments-app', action: 'TerminateWorkflowExecution', outcome: 'ok' }));
    assert.ok(has({ principal: 'hashed-app', action: 'TerminateWorkflowExecution', outcome: 'ok' }));
    assert.ok(events.every((event) => !Number.isNaN(Date.parse(event.time))));
    const asReader = await auditList(KEYS.reader);
    assert.notEqual(asReader.code, 0);
    assert.match(asReader.stderr, /Request unauthorized\./);
  });

  const sdkEnv = (): NodeJS.ProcessEnv => ({
    ...process.env,
    PYTHONDONTWRITEBYTECODE: '1',
    CAUSEWAY_AUTH_ADDRESS: address,
    CAUSEWAY_READER_KEY: KEYS.reader,
    CAUSEWAY_WRITER_KEY: KEYS.writer,
    CAUSEWAY_WORKER_KEY: KEYS.worker,
  });

  test(
    'the Python SDK: api_key= is checked the same way (sdk-tests/python/auth_check.py)',
    { timeout: 120_000 },
    async () => {
      const result = await runChild(
        'python3',
        ['auth_check.py'],
        path.join(REPO_ROOT, 'sdk-tests', 'python'),
        sdkEnv(),
        110_000,
      );
      assert.equal(
        result.code,
        0,
        `the Python check failed (pip install -r sdk-tests/python/requirements.txt):\n${result.output}`,
      );
      assert.match(result.output, /python auth check passed/);
    },
  );

  test(
    'the Go SDK: NewAPIKeyStaticCredentials is checked the same way (sdk-tests/go/auth)',
    { timeout: 600_000 },
    async () => {
      const result = await runChild(
        'go',
        ['test', '-count=1', '-v', './auth/'],
        path.join(REPO_ROOT, 'sdk-tests', 'go'),
        sdkEnv(),
        590_000,
      );
      assert.equal(result.code, 0, `the Go check failed (cd sdk-tests/go && go mod download):\n${result.output}`);
      assert.match(result.output, /--- PASS: TestAPIKeysAgainstServer/);
    },
  );

  test('no log line holds a key, a token or an authorization header', () => {
    assert.ok(logLines.length > 0, 'the server logged at debug level');
    const text = logLines.join('');
    for (const key of Object.values(KEYS)) assert.ok(!text.includes(key), `key ${key.slice(0, 6)}... is not logged`);
    assert.ok(!/bearer /i.test(text), 'no authorization header is logged');
    assert.ok(!text.includes('eyJ'), 'no JWT is logged');
  });
});
