// Goal: several `causeway server start` processes on one PostgreSQL database: the first owns every shard
// until the second joins and is handed half (every process is grpc.health SERVING and accepts every
// request); a SIGKILL of one moves its shards to the other within the lease time, and every workflow in
// flight completes there exactly once; an owner paused with SIGSTOP past its lease loses its shards
// (its lease renewal finds them fenced), and a request sent through it once it resumes lands exactly
// once, on the new owner. Setup: processes spawned from bin/causeway.js with --shard-lease 2s on a fresh
// database of the server CAUSEWAY_TEST_POSTGRES names; the TypeScript SDK's clients and workers connect
// to either process. A namespace and a Nexus endpoint registered through one process are seen by the
// others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { eventually } from '../helpers/eventually';
import { workflowBundle } from '../helpers/test-env';
import { skipWithoutPostgres } from '../helpers/postgres';
import { freshDatabase } from '../helpers/fresh-database';
import {
  countEvents as count,
  health,
  historyOf,
  killNode,
  memberIdOf,
  shardHolders,
  soleOwner,
  startClusterNode,
} from '../helpers/cluster-nodes';
import * as activities from '../fixtures/activities';

const LEASE_MS = 2000;
const EventType = temporal.api.enums.v1.EventType;

Runtime.install({ logger: new DefaultLogger('WARN') });

test(
  'a SIGKILL of the owner and a SIGSTOP past its lease move the shards; nothing is lost or doubled',
  { skip: skipWithoutPostgres },
  async () => {
    const database = await freshDatabase();
    const a = await startClusterNode(database.url, LEASE_MS);
    assert.match(a.output(), /Shards: +16, all owned by this process/);
    const b = await startClusterNode(database.url, LEASE_MS);
    assert.match(
      b.output(),
      /Shards: +16, held by the other members until they hand this one its share; requests are forwarded/,
    );
    assert.equal(await health(a), 1);
    assert.equal(await health(b), 1, 'a process that forwards is SERVING');
    const ownerA = await memberIdOf(database.url, a);
    const joined = await memberIdOf(database.url, b);
    await eventually(
      async () => {
        const owners = [...(await shardHolders(database.url)).values()];
        return (owners.length === 16 && owners.filter((owner) => owner === joined).length === 8) || undefined;
      },
      { timeoutMs: 10 * LEASE_MS, intervalMs: 50 },
    );

    // Workflows in flight on a, started through b: each waits on a timer that fires after a is gone.
    const taskQueue = `failover-${randomUUID()}`;
    const workflowIds = Array.from({ length: 20 }, (_, index) => `failover-${index}-${randomUUID()}`);
    const aConnection = await Connection.connect({ address: a.address });
    const aClient = new Client({ connection: aConnection, namespace: 'default' });
    const viaB = await Connection.connect({ address: b.address });
    const viaBClient = new Client({ connection: viaB, namespace: 'default' });
    // Registered through the owner after b started: b must see them.
    await aConnection.workflowService.registerNamespace({
      namespace: 'late-ns',
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
    });
    await aConnection.operatorService.createNexusEndpoint({
      spec: { name: 'late-endpoint', target: { worker: { namespace: 'late-ns', taskQueue: 'late-tq' } } },
    });
    for (const workflowId of workflowIds)
      await viaBClient.workflow.start('sleeper', { taskQueue, workflowId, args: [3000] });
    await viaB.close();
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
    await killNode(a);
    const ownerB = await eventually(
      async () => {
        const owner = await soleOwner(database.url);
        return owner !== ownerA ? owner : undefined;
      },
      { timeoutMs: 5 * LEASE_MS, intervalMs: 50 },
    );
    const takeoverMs = performance.now() - killedAt;
    assert.equal(ownerB, joined);
    assert.ok(takeoverMs < 3 * LEASE_MS, `b took a's shards in ${takeoverMs.toFixed(0)} ms`);

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

    // b pauses past its lease; c takes over; b resumes, finds its shards fenced, and forwards to c.
    const c = await startClusterNode(database.url, LEASE_MS);
    assert.match(c.output(), /held by the other members/);
    const held = await bClient.workflow.start('waitForever', { taskQueue, workflowId: `held-${randomUUID()}` });
    b.child.kill('SIGSTOP');
    // Every shard, not only the first: a shard c has not taken yet would still be b's when b resumes.
    await eventually(
      async () => {
        const owner = await soleOwner(database.url);
        return owner !== undefined && owner !== ownerB;
      },
      { timeoutMs: 5 * LEASE_MS, intervalMs: 50 },
    );
    b.child.kill('SIGCONT');
    await held.signal('late');
    await eventually(() => /shard lease lost/.test(b.output()), { timeoutMs: 5 * LEASE_MS });
    // Until its view of the members catches up, the resumed process knows no holder to forward to.
    await eventually(async () => (await health(b)) === 1, { timeoutMs: 5 * LEASE_MS });
    const cConnection = await Connection.connect({ address: c.address });
    const cClient = new Client({ connection: cConnection, namespace: 'default' });
    const heldEvents = await historyOf(cClient, held.workflowId);
    assert.equal(
      count(heldEvents, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      1,
      'the signal sent through the resumed process lands once',
    );
    await cClient.workflow.getHandle(held.workflowId).terminate('done');
    await bConnection.close();
    await bNative.close();
    await cConnection.close();
    process.stdout.write(`# takeover after SIGKILL: ${takeoverMs.toFixed(0)} ms (lease ${LEASE_MS} ms)\n`);
  },
);
