// Goal: nothing acknowledged is lost when the server process is killed with SIGKILL: timers that came
// due while it was down fire after a restart, a start acknowledged just before the kill exists
// afterwards, and a pending activity is dispatched again; histories stay contiguous with no event
// written twice. Setup: the server runs as a child process (test/helpers/server-process) on a SQLite
// file in a temporary directory, is killed with SIGKILL and restarted on the same file and port; SDK
// clients and workers connect to it afresh after each restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { uniqueId, workflowBundle } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { EventType, assertWellFormed, eventsOfType, historyEvents, type HistoryEvent } from '../helpers/history';
import * as activities from '../fixtures/activities';

interface Session {
  client: Client;
  close(): Promise<void>;
  /** Runs `fn` while workers poll each of `taskQueues`. */
  withWorkers<T>(taskQueues: string[], fn: () => Promise<T>): Promise<T>;
}

async function connect(server: ServerProcess): Promise<Session> {
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const { code } = await workflowBundle();
  const session: Session = {
    client: new Client({ connection, namespace: 'default' }),
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
    async withWorkers(taskQueues, fn) {
      const [taskQueue, ...rest] = taskQueues;
      if (taskQueue === undefined) return fn();
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        workflowBundle: { code },
        activities,
      });
      return worker.runUntil(session.withWorkers(rest, fn));
    },
  };
  return session;
}

function msOf(time: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

function countOf(events: readonly HistoryEvent[], type: number): number {
  return eventsOfType(events, type).length;
}

describe('durability across a SIGKILL', () => {
  let directory: string;
  const servers: ServerProcess[] = [];
  before(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    directory = await mkdtemp(path.join(os.tmpdir(), 'causeway-durability-'));
  });
  after(async () => {
    for (const server of servers) await server.kill();
    await rm(directory, { recursive: true, force: true });
  });

  async function start(dbFilename: string, port = 0): Promise<ServerProcess> {
    const server = await spawnServer(port, dbFilename);
    servers.push(server);
    return server;
  }

  test('timers that come due while the server is down fire after a restart', async () => {
    const db = path.join(directory, 'timers.db');
    const taskQueue = `tq-${randomUUID()}`;
    const workflowIds = Array.from({ length: 5 }, () => uniqueId());
    const first = await start(db);
    let session = await connect(first);
    const dueAtMs = await session.withWorkers([taskQueue], async () => {
      const handles = await Promise.all(
        workflowIds.map((workflowId) =>
          session.client.workflow.start('sleeper', { taskQueue, workflowId, args: [1500] }),
        ),
      );
      const started = await eventually(async () => {
        const timers = await Promise.all(
          handles.map(
            async (handle) => eventsOfType(await historyEvents(handle), EventType.EVENT_TYPE_TIMER_STARTED)[0],
          ),
        );
        return timers.every(Boolean) ? timers : undefined;
      });
      return Math.max(...started.map((event) => msOf(event?.eventTime) + 1500));
    });
    await session.close();
    await first.kill();
    assert.ok(Date.now() < dueAtMs, 'the server died before the timers were due');
    await sleep(Math.max(0, dueAtMs - Date.now()) + 100);

    const second = await start(db, first.port);
    session = await connect(second);
    const results = await session.withWorkers([taskQueue], () =>
      Promise.all(workflowIds.map((workflowId) => session.client.workflow.getHandle(workflowId).result())),
    );
    assert.deepEqual(
      results,
      workflowIds.map(() => 'woke'),
    );
    for (const workflowId of workflowIds) {
      const events = await historyEvents(session.client.workflow.getHandle(workflowId));
      assertWellFormed(events);
      assert.equal(countOf(events, EventType.EVENT_TYPE_TIMER_STARTED), 1);
      assert.equal(countOf(events, EventType.EVENT_TYPE_TIMER_FIRED), 1);
      assert.equal(countOf(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), 1);
      assert.equal(events.at(-1)?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    }
    await session.close();
    await second.kill();
  });

  test('a worker that stays up through the crash carries on once the server is back', async () => {
    const db = path.join(directory, 'live-worker.db');
    const taskQueue = `tq-${randomUUID()}`;
    const workflowIds = [uniqueId(), uniqueId()];
    const first = await start(db);
    const session = await connect(first);
    const results = await session.withWorkers([taskQueue], async () => {
      const handles = await Promise.all(
        workflowIds.map((workflowId) =>
          session.client.workflow.start('sleeper', { taskQueue, workflowId, args: [1000] }),
        ),
      );
      await eventually(async () => {
        const counts = await Promise.all(
          handles.map(async (handle) => countOf(await historyEvents(handle), EventType.EVENT_TYPE_TIMER_STARTED)),
        );
        return counts.every((count) => count === 1);
      });
      await first.kill();
      await sleep(1000);
      await start(db, first.port);
      return Promise.all(handles.map((handle) => handle.result()));
    });
    assert.deepEqual(results, ['woke', 'woke']);
    for (const workflowId of workflowIds) {
      const events = await historyEvents(session.client.workflow.getHandle(workflowId));
      assertWellFormed(events);
      assert.equal(countOf(events, EventType.EVENT_TYPE_TIMER_FIRED), 1);
    }
    await session.close();
  });

  test('a workflow whose start was acknowledged just before the kill exists after a restart and runs', async () => {
    const db = path.join(directory, 'start.db');
    const taskQueue = `tq-${randomUUID()}`;
    const workflowId = uniqueId();
    const first = await start(db);
    let session = await connect(first);
    await session.client.workflow.start('greeting', { taskQueue, workflowId, args: ['survivor'] });
    await first.kill();
    await session.close();

    const second = await start(db, first.port);
    session = await connect(second);
    const handle = session.client.workflow.getHandle(workflowId);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    assert.equal(await session.withWorkers([taskQueue], () => handle.result()), 'Hello, survivor!');
    const events = await historyEvents(handle);
    assertWellFormed(events);
    assert.equal(countOf(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), 1);
    await session.close();
    await second.kill();
  });

  test('an activity scheduled before the kill is dispatched again after a restart', async () => {
    const db = path.join(directory, 'activity.db');
    const taskQueue = `tq-${randomUUID()}`;
    const activityQueue = `activities-${randomUUID()}`;
    const workflowId = uniqueId();
    const first = await start(db);
    let session = await connect(first);
    await session.withWorkers([taskQueue], async () => {
      const handle = await session.client.workflow.start('activityOutcome', {
        taskQueue,
        workflowId,
        args: ['greet', { taskQueue: activityQueue, startToCloseTimeout: '10s' }, ['durable']],
      });
      await eventually(
        async () => countOf(await historyEvents(handle), EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) === 1,
      );
    });
    await session.close();
    await first.kill();

    const second = await start(db, first.port);
    session = await connect(second);
    const handle = session.client.workflow.getHandle(workflowId);
    assert.deepEqual(await session.withWorkers([taskQueue, activityQueue], () => handle.result()), {
      result: 'Hello, durable!',
    });
    const events = await historyEvents(handle);
    assertWellFormed(events);
    assert.equal(countOf(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), 1);
    assert.equal(
      eventsOfType(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)[0]?.activityTaskStartedEventAttributes?.attempt,
      1,
    );
    await session.close();
    await second.kill();
  });
});
