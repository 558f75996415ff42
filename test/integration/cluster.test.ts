// Goal: three `causeway server start` processes on one PostgreSQL database form a cluster: they share the
// shards out (each holds a third), and every process serves every request, forwarding what another
// holds: a namespace registered through one node is seen at once through another; a workflow started
// through one node runs on a worker polling another (workflow, activity and query tasks, a child); a
// Nexus operation goes between namespaces whose runs live on different nodes, sync and async, and over
// HTTP; a circuit breaker that opens on one node holds back callers on the others; a SIGKILL of one node under load, with async Nexus operations in flight, loses nothing and doubles nothing: the others take its shards
// and their clients and workers carry on without reconnecting.
// Setup: processes spawned from bin/causeway.js with --shard-lease 2s on a fresh database of the server
// CAUSEWAY_TEST_POSTGRES names; the TypeScript SDK's clients and workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { eventually } from '../helpers/eventually';
import { workflowBundle } from '../helpers/test-env';
import { nexusBundle } from '../helpers/nexus-env';
import { skipWithoutPostgres } from '../helpers/postgres';
import { freshDatabase } from '../helpers/fresh-database';
import {
  countEvents,
  health,
  historyOf,
  killNode,
  memberIdOf,
  shardHolders,
  startClusterNode,
} from '../helpers/cluster-nodes';
import { fnv1a32 } from '../../src/common/hash';
import * as activities from '../fixtures/activities';
import { myServiceHandler } from '../fixtures/nexus/handler';

const LEASE_MS = 2000;
const SHARDS = 16;
const EventType = temporal.api.enums.v1.EventType;
const retention = { seconds: Long.fromNumber(86_400) };

Runtime.install({ logger: new DefaultLogger('WARN') });

test(
  'three processes share the shards and serve every request; a SIGKILL of one loses nothing',
  { skip: skipWithoutPostgres },
  async () => {
    const database = await freshDatabase();
    // A breaker that opens after two failed attempts and stays open: one node's opening is seen by all.
    const breakerArgs = [
      '--dynamic-config-value',
      'causeway.nexus.circuitBreaker.failuresToTrip=1',
      '--dynamic-config-value',
      'causeway.nexus.circuitBreaker.openDuration="60s"',
      '--dynamic-config-value',
      'component.nexusoperations.retryPolicy.initialInterval="20ms"',
    ];
    const a = await startClusterNode(database.url, LEASE_MS, breakerArgs);
    const b = await startClusterNode(database.url, LEASE_MS, breakerArgs);
    const c = await startClusterNode(database.url, LEASE_MS, breakerArgs);
    for (const node of [a, b, c]) assert.equal(await health(node), 1, `${node.address} is SERVING`);
    // The first node holds every shard until the others join and are handed their share.
    const members = await Promise.all([a, b, c].map((node) => memberIdOf(database.url, node)));
    await eventually(
      async () => {
        const holders = await shardHolders(database.url);
        const counts = members.map((member) => [...holders.values()].filter((owner) => owner === member).length);
        return (holders.size === SHARDS && counts.every((count) => count >= 5)) || undefined;
      },
      { timeoutMs: 10 * LEASE_MS, intervalMs: 50 },
    );
    const connections = await Promise.all([a, b, c].map((node) => Connection.connect({ address: node.address })));
    const [viaA, viaB, viaC] = connections as [Connection, Connection, Connection];
    const natives: NativeConnection[] = [];
    const native = async (address: string): Promise<NativeConnection> => {
      const connection = await NativeConnection.connect({ address });
      natives.push(connection);
      return connection;
    };

    // A namespace registered through b is there through c at once.
    await viaB.workflowService.registerNamespace({
      namespace: 'cluster-caller',
      workflowExecutionRetentionPeriod: retention,
    });
    await viaB.workflowService.registerNamespace({
      namespace: 'cluster-handler',
      workflowExecutionRetentionPeriod: retention,
    });
    assert.equal(
      (await viaC.workflowService.describeNamespace({ namespace: 'cluster-caller' })).namespaceInfo?.name,
      'cluster-caller',
    );

    // A workflow started through c, its worker polling through b: workflow, activity and query tasks.
    const code = await workflowBundle();
    const taskQueue = `cluster-${randomUUID()}`;
    const clientC = new Client({ connection: viaC, namespace: 'default' });
    const workerB = await Worker.create({
      connection: await native(b.address),
      taskQueue,
      workflowBundle: code,
      activities,
    });
    const greeted = await workerB.runUntil(async () => {
      const handle = await clientC.workflow.start('counter', { taskQueue, workflowId: `counter-${randomUUID()}` });
      await handle.signal('add', 2);
      await eventually(async () => (await handle.query('total')) === 2 || undefined);
      // An update goes to the worker as a workflow task too.
      await handle.executeUpdate('increment', { args: [3] });
      await handle.signal('done');
      return {
        count: await handle.result(),
        greeting: await clientC.workflow.execute('parent', {
          taskQueue,
          workflowId: `parent-${randomUUID()}`,
          args: ['cluster'],
        }),
      };
    });
    assert.deepEqual(greeted, { count: 5, greeting: 'parent got: Hello, cluster!' });

    // Nexus between the namespaces: the endpoint made through c, the caller's worker on b, the handler's
    // on c, the client on a; then a start over HTTP through b's Nexus port.
    const handlerTaskQueue = `cluster-handler-${randomUUID()}`;
    const endpointName = `cluster-ep-${randomUUID().slice(0, 8)}`;
    const created = await viaC.operatorService.createNexusEndpoint({
      spec: { name: endpointName, target: { worker: { namespace: 'cluster-handler', taskQueue: handlerTaskQueue } } },
    });
    const nexusCode = await nexusBundle();
    const callerTaskQueue = `cluster-caller-${randomUUID()}`;
    // A worker runs once (runUntil shuts it down): each part that needs the pair makes its own.
    const nexusWorkers = async (): Promise<{ caller: Worker; handler: Worker }> => ({
      caller: await Worker.create({
        connection: await native(b.address),
        namespace: 'cluster-caller',
        taskQueue: callerTaskQueue,
        workflowBundle: nexusCode,
      }),
      handler: await Worker.create({
        connection: await native(c.address),
        namespace: 'cluster-handler',
        taskQueue: handlerTaskQueue,
        workflowBundle: nexusCode,
        nexusServices: [myServiceHandler],
      }),
    });
    const { caller: callerWorker, handler: handlerWorker } = await nexusWorkers();
    const callerClient = new Client({ connection: viaA, namespace: 'cluster-caller' });
    // The caller's run and the handler's run on shards of different nodes.
    const namespaceIds = await Promise.all(
      ['cluster-caller', 'cluster-handler'].map(
        async (namespace) => (await viaA.workflowService.describeNamespace({ namespace })).namespaceInfo?.id ?? '',
      ),
    );
    const holders = await shardHolders(database.url);
    const holderOf = (namespaceId: string, workflowId: string): string | undefined =>
      holders.get(fnv1a32(`${namespaceId}\u0000${workflowId}`) % SHARDS);
    const callerId = `caller-${randomUUID()}`;
    let orderId = `order-${randomUUID()}`;
    while (holderOf(namespaceIds[1] ?? '', orderId) === holderOf(namespaceIds[0] ?? '', callerId))
      orderId = `order-${randomUUID()}`;
    const nexusResults = await handlerWorker.runUntil(
      callerWorker.runUntil(async () => {
        const overHttp = await fetch(
          `http://127.0.0.1:${b.httpPort}/nexus/endpoints/${created.endpoint?.id ?? ''}/services/my-service/echo`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ message: 'by http' }),
          },
        );
        return {
          sync: await callerClient.workflow.execute('echoCaller', {
            taskQueue: callerTaskQueue,
            workflowId: `echo-${randomUUID()}`,
            args: [endpointName, 'across nodes'],
          }),
          async: await callerClient.workflow.execute('callerWorkflow', {
            taskQueue: callerTaskQueue,
            workflowId: callerId,
            args: [endpointName, orderId, ['x', 'y', 'z']],
          }),
          http: { status: overHttp.status, body: (await overHttp.json()) as unknown },
        };
      }),
    );
    assert.deepEqual(nexusResults, {
      sync: 'across nodes',
      async: `processed ${orderId} with 3 items`,
      http: { status: 200, body: { message: 'by http' } },
    });

    // A circuit breaker opened by the failures of a caller on one node holds back a caller on another at
    // once: its operation is blocked before its first attempt.
    const downEndpoint = `cluster-down-${randomUUID().slice(0, 8)}`;
    await viaC.operatorService.createNexusEndpoint({
      spec: { name: downEndpoint, target: { worker: { namespace: 'cluster-handler', taskQueue: handlerTaskQueue } } },
    });
    const firstCaller = `breaker-first-${randomUUID()}`;
    let secondCaller = `breaker-second-${randomUUID()}`;
    while (holderOf(namespaceIds[0] ?? '', secondCaller) === holderOf(namespaceIds[0] ?? '', firstCaller))
      secondCaller = `breaker-second-${randomUUID()}`;
    const pendingOf = async (workflowId: string) =>
      (
        await viaA.workflowService.describeWorkflowExecution({
          namespace: 'cluster-caller',
          execution: { workflowId },
        })
      ).pendingNexusOperations?.[0];
    const { caller: breakerCallers, handler: breakerHandlers } = await nexusWorkers();
    await breakerHandlers.runUntil(
      breakerCallers.runUntil(async () => {
        const down = [downEndpoint, 'flakyHandler', { key: randomUUID(), failures: 1000 }, {}];
        const first = await callerClient.workflow.start('probeCaller', {
          taskQueue: callerTaskQueue,
          workflowId: firstCaller,
          args: down,
        });
        await eventually(async () => (await pendingOf(firstCaller))?.blockedReason || undefined);
        const second = await callerClient.workflow.start('probeCaller', {
          taskQueue: callerTaskQueue,
          workflowId: secondCaller,
          args: down,
        });
        const held = await eventually(async () => {
          const op = await pendingOf(secondCaller);
          return op?.blockedReason ? op : undefined;
        });
        assert.equal(held.blockedReason, 'The circuit breaker is open.');
        assert.ok(!held.lastAttemptFailure, 'the second caller never called the endpoint that is down');
        await first.terminate('done');
        await second.terminate('done');
      }),
    );

    // Under load: workflows started through b and c, workers polling through b and c; a, which holds a third
    // of the shards, is killed while their timers run; b and c take its shards and every workflow completes
    // once.
    const loadQueue = `cluster-load-${randomUUID()}`;
    const ids = Array.from({ length: 30 }, (_, index) => `load-${index}-${randomUUID()}`);
    const clientB = new Client({ connection: viaB, namespace: 'default' });
    const loadWorkers = await Promise.all(
      [b, c].map(async (node) =>
        Worker.create({
          connection: await native(node.address),
          taskQueue: loadQueue,
          workflowBundle: code,
          activities,
        }),
      ),
    );
    const running = loadWorkers.map((worker) => worker.run());
    // Async Nexus operations in flight across the kill too: callers whose handler workflows wait for a signal.
    const nexusPair = await nexusWorkers();
    const nexusRunning = [nexusPair.caller.run(), nexusPair.handler.run()];
    try {
      const handles = await Promise.all(
        ids.map((workflowId, index) =>
          (index % 2 === 0 ? clientB : clientC).workflow.start('sleeper', {
            taskQueue: loadQueue,
            workflowId,
            args: [1500],
          }),
        ),
      );
      await eventually(async () => {
        const timers = await Promise.all(
          ids.map(async (id) => countEvents(await historyOf(clientB, id), EventType.EVENT_TYPE_TIMER_STARTED)),
        );
        return timers.every((n) => n === 1) || undefined;
      });
      const callersB = new Client({ connection: viaB, namespace: 'cluster-caller' });
      const handlersB = new Client({ connection: viaB, namespace: 'cluster-handler' });
      const heldIds = Array.from({ length: 6 }, (_, index) => `held-${index}-${randomUUID()}`);
      const callers = await Promise.all(
        heldIds.map((id) =>
          callersB.workflow.start('signalledCaller', {
            taskQueue: callerTaskQueue,
            workflowId: `caller-${id}`,
            args: [endpointName, id],
          }),
        ),
      );
      await eventually(async () => {
        const states = await Promise.all(
          callers.map(
            async (caller) =>
              (
                await viaB.workflowService.describeWorkflowExecution({
                  namespace: 'cluster-caller',
                  execution: { workflowId: caller.workflowId },
                })
              ).pendingNexusOperations?.[0]?.state,
          ),
        );
        return states.every((state) => state === 3) || undefined;
      });
      const killed = members[0];
      await viaA.close();
      const killedAt = performance.now();
      await killNode(a);
      await eventually(
        async () => {
          const now = await shardHolders(database.url);
          return (now.size === SHARDS && ![...now.values()].includes(killed ?? '')) || undefined;
        },
        { timeoutMs: 5 * LEASE_MS, intervalMs: 50 },
      );
      const takeoverMs = performance.now() - killedAt;
      const results = await Promise.all(handles.map((handle) => handle.result() as Promise<string>));
      const recoveredMs = performance.now() - killedAt;
      assert.deepEqual(
        results,
        ids.map(() => 'woke'),
      );
      let duplicates = 0;
      for (const id of ids) {
        const events = await historyOf(clientC, id);
        duplicates += countEvents(events, EventType.EVENT_TYPE_TIMER_FIRED) - 1;
        duplicates += countEvents(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) - 1;
      }
      assert.equal(duplicates, 0);
      // Workers whose polls met the gap poll again at once, not after a long poll of a minute.
      assert.ok(recoveredMs < 7.5 * LEASE_MS, `every workflow completed ${recoveredMs.toFixed(0)} ms after the kill`);
      // The handler workflows finish after the takeover; every operation's completion reaches its caller.
      await Promise.all(heldIds.map((id) => handlersB.workflow.getHandle(id).signal('finish')));
      assert.deepEqual(
        await Promise.all(callers.map((caller) => caller.result() as Promise<string>)),
        heldIds.map(() => 'finished after signal'),
      );
      process.stdout.write(
        `# SIGKILL of one of three nodes: its shards taken in ${takeoverMs.toFixed(0)} ms, ${ids.length} workflows completed in ${recoveredMs.toFixed(0)} ms, duplicates 0, ${heldIds.length} Nexus operations in flight completed (lease ${LEASE_MS} ms)\n`,
      );
    } finally {
      for (const worker of [...loadWorkers, nexusPair.caller, nexusPair.handler]) worker.shutdown();
      await Promise.all([...running, ...nexusRunning]);
      await viaB.close();
      await viaC.close();
      for (const connection of natives) await connection.close();
    }
  },
);
