// Goal: several `causeway server start` processes on one PostgreSQL database: the first owns every shard
// and the others stand by (grpc.health NOT_SERVING, requests UNAVAILABLE); a SIGKILL of the owner moves
// its shards to a standby within the lease time, and every workflow in flight completes there exactly
// once; an owner paused with SIGSTOP past its lease loses its shards to a standby, and once resumed its
// writes are refused (fenced) and nothing of them is stored. Setup: processes spawned from
// bin/causeway.js with --shard-lease 2s on a fresh database of the server CAUSEWAY_TEST_POSTGRES names;
// the TypeScript SDK's client and worker connect to whichever process owns the shards. A namespace and a
// Nexus endpoint registered on the owner after the standby started are seen by the standby once it serves.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import Long from 'long';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { eventually } from '../helpers/eventually';
import { workflowBundle } from '../helpers/test-env';
import { onDatabase, skipWithoutPostgres } from '../helpers/postgres';
import { freshDatabase } from '../helpers/fresh-database';
import * as activities from '../fixtures/activities';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');
const LEASE_MS = 2000;
const EventType = temporal.api.enums.v1.EventType;

interface Node {
  readonly child: ChildProcess;
  readonly port: number;
  readonly address: string;
  readonly output: () => string;
}

Runtime.install({ logger: new DefaultLogger('WARN') });

const nodes: Node[] = [];
after(async () => {
  for (const node of nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) {
      node.child.kill('SIGCONT');
      node.child.kill('SIGKILL');
      await once(node.child, 'exit');
    }
  }
});

async function startNode(url: string): Promise<Node> {
  const port = 23000 + Math.floor(Math.random() * 20000);
  const child = spawn(
    process.execPath,
    [BIN, 'server', 'start', '--persistence', url, '--port', String(port), '--shard-lease', `${LEASE_MS}ms`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const node = { child, port, address: `127.0.0.1:${port}`, output: () => output };
  nodes.push(node);
  await eventually(() => output.includes('Shards:'), { timeoutMs: 20_000 });
  return node;
}

/** grpc.health.v1 status: 1 SERVING, 2 NOT_SERVING. */
async function health(node: Node): Promise<number> {
  const client = new grpc.Client(node.address, grpc.credentials.createInsecure());
  try {
    return await new Promise<number>((resolve, reject) => {
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        () => Buffer.alloc(0),
        (bytes: Buffer) => bytes,
        {},
        (error, response) => {
          if (error) return reject(error);
          // HealthCheckResponse { status = 1 (varint) }: bytes 0x08, status.
          resolve(response?.[1] ?? 0);
        },
      );
    });
  } finally {
    client.close();
  }
}

async function historyOf(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

/** The one owner of every shard of the database, or undefined while they have several. */
async function soleOwner(url: string): Promise<string | undefined> {
  const rows = await onDatabase(url, (client) => client.query<{ owner: string }>('SELECT DISTINCT owner FROM shards'));
  return rows.rows.length === 1 ? rows.rows[0]?.owner : undefined;
}

/** The messages of an error and its causes (the SDK wraps the gRPC error). */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
  return parts.join(' <- ');
}

function count(events: temporal.api.history.v1.IHistoryEvent[], type: temporal.api.enums.v1.EventType): number {
  return events.filter((event) => event.eventType === type).length;
}

test(
  'a SIGKILL of the owner and a SIGSTOP past its lease move the shards; nothing is lost or doubled',
  { skip: skipWithoutPostgres },
  async () => {
    const database = await freshDatabase();
    const a = await startNode(database.url);
    assert.match(a.output(), /Shards: +16, all owned by this process/);
    const b = await startNode(database.url);
    assert.match(b.output(), /Shards: +16, standing by/);
    assert.equal(await health(a), 1);
    assert.equal(await health(b), 2, 'a standby is NOT_SERVING');
    const standbyConnection = await Connection.connect({ address: b.address });
    await assert.rejects(
      new Client({ connection: standbyConnection, namespace: 'default' }).workflow.start('sleeper', {
        taskQueue: 'nobody',
        workflowId: 'via-standby',
        args: [1],
      }),
      (error: Error) => {
        assert.match(messages(error), /not owned by this Causeway process/);
        return true;
      },
    );
    await standbyConnection.close();

    // Workflows in flight on a: each waits on a timer that fires after a is gone.
    const taskQueue = `failover-${randomUUID()}`;
    const workflowIds = Array.from({ length: 20 }, (_, index) => `failover-${index}-${randomUUID()}`);
    const aConnection = await Connection.connect({ address: a.address });
    const aClient = new Client({ connection: aConnection, namespace: 'default' });
    // Registered on the owner after the standby started: the standby must see them once it serves.
    await aConnection.workflowService.registerNamespace({
      namespace: 'late-ns',
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
    });
    await aConnection.operatorService.createNexusEndpoint({
      spec: { name: 'late-endpoint', target: { worker: { namespace: 'late-ns', taskQueue: 'late-tq' } } },
    });
    for (const workflowId of workflowIds)
      await aClient.workflow.start('sleeper', { taskQueue, workflowId, args: [3000] });
    const aNative = await NativeConnection.connect({ address: a.address });
    const code = await workflowBundle();
    const aWorker = await Worker.create({ connection: aNative, taskQueue, workflowBundle: code, activities });
    await aWorker.runUntil(
      eventually(async () => {
        const timers = await Promise.all(
          workflowIds.map(async (id) => count(await historyOf(aClient, id), EventType.EVENT_TYPE_TIMER_STARTED)),
        );
        return timers.every((n) => n === 1) || undefined;
      }),
    );
    await aConnection.close();
    await aNative.close();

    const killedAt = performance.now();
    const ownerA = await soleOwner(database.url);
    assert.ok(ownerA, 'a owns every shard');
    a.child.kill('SIGKILL');
    await once(a.child, 'exit');
    await eventually(async () => (await health(b)) === 1 || undefined, { timeoutMs: 5 * LEASE_MS, intervalMs: 50 });
    const ownerB = await eventually(async () => {
      const owner = await soleOwner(database.url);
      return owner !== ownerA ? owner : undefined;
    });
    const takeoverMs = performance.now() - killedAt;
    assert.ok(takeoverMs < 3 * LEASE_MS, `the standby took the shards in ${takeoverMs.toFixed(0)} ms`);

    const bConnection = await Connection.connect({ address: b.address });
    const bClient = new Client({ connection: bConnection, namespace: 'default' });
    const described = await bConnection.workflowService.describeNamespace({ namespace: 'late-ns' });
    assert.equal(described.namespaceInfo?.name, 'late-ns');
    const endpoints = await bConnection.operatorService.listNexusEndpoints({});
    assert.ok(endpoints.endpoints?.some((endpoint) => endpoint.spec?.name === 'late-endpoint'));
    const bNative = await NativeConnection.connect({ address: b.address });
    const bWorker = await Worker.create({ connection: bNative, taskQueue, workflowBundle: code, activities });
    const results = await bWorker.runUntil(
      Promise.all(workflowIds.map((id) => bClient.workflow.getHandle(id).result() as Promise<string>)),
    );
    assert.deepEqual(
      results,
      workflowIds.map(() => 'woke'),
    );
    for (const id of workflowIds) {
      const events = await historyOf(bClient, id);
      assert.equal(count(events, EventType.EVENT_TYPE_TIMER_STARTED), 1, `${id}: one timer`);
      assert.equal(count(events, EventType.EVENT_TYPE_TIMER_FIRED), 1, `${id}: fired once`);
      assert.equal(count(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED), 1, `${id}: completed once`);
    }

    // b pauses past its lease; the new standby c takes over; b resumes and its writes are refused.
    const c = await startNode(database.url);
    assert.match(c.output(), /standing by/);
    const held = await bClient.workflow.start('waitForever', { taskQueue, workflowId: `held-${randomUUID()}` });
    b.child.kill('SIGSTOP');
    await eventually(async () => (await health(c)) === 1 || undefined, { timeoutMs: 5 * LEASE_MS, intervalMs: 50 });
    // Every shard, not only the first: a shard c has not taken yet would still be b's when b resumes.
    await eventually(async () => {
      const owner = await soleOwner(database.url);
      return owner !== undefined && owner !== ownerB;
    });
    b.child.kill('SIGCONT');
    await assert.rejects(held.signal('late'), (error: Error) => {
      assert.match(messages(error), /shard ownership lost|not owned by this Causeway process/);
      return true;
    });
    await eventually(async () => (await health(b)) === 2 || undefined, { timeoutMs: 5 * LEASE_MS });
    const cConnection = await Connection.connect({ address: c.address });
    const cClient = new Client({ connection: cConnection, namespace: 'default' });
    const heldEvents = await historyOf(cClient, held.workflowId);
    assert.equal(
      count(heldEvents, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      0,
      "the paused owner's write is not stored",
    );
    await cClient.workflow.getHandle(held.workflowId).terminate('done');
    await bConnection.close();
    await bNative.close();
    await cConnection.close();
    process.stdout.write(`# takeover after SIGKILL: ${takeoverMs.toFixed(0)} ms (lease ${LEASE_MS} ms)\n`);
  },
);
