// The contract every Store adapter keeps, as one suite: `storeContract(name, open)` runs it against an
// adapter that `open()` creates empty. SQLite runs it in sqlite-store.test.ts; every new adapter must too.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ShardOwnershipLostError,
  StoreConflictError,
  type ExecutionRecord,
  type ExecutionWrite,
  type NamespaceRecord,
  type ShardCommit,
  type ShardLease,
  type Store,
} from '../../src/store/store';

const NS = 'ns-1';

export function record(workflowId: string, runId: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    namespaceId: NS,
    workflowId,
    runId,
    workflowType: 'Type',
    taskQueue: 'tq',
    status: 1,
    startTimeMs: 1000,
    executionTimeMs: 1000,
    closeTimeMs: null,
    historyLength: 1,
    nextEventId: 2,
    parentWorkflowId: null,
    parentRunId: null,
    rootWorkflowId: null,
    rootRunId: null,
    memo: null,
    searchAttributes: {},
    state: '{"stateVersion":2}',
    ...overrides,
  };
}

function event(eventId: number): { eventId: number; data: Uint8Array } {
  return { eventId, data: Buffer.from(`event-${eventId}`) };
}

function create(workflowId: string, runId: string, extra: Partial<ExecutionWrite> = {}): ExecutionWrite {
  return {
    record: record(workflowId, runId),
    upsertItems: [],
    deleteItems: [],
    newEvents: [event(1)],
    becomeCurrent: true,
    ...extra,
  };
}

/** Takes a shard whatever its lease says. */
async function take(store: Store, shardId: number, owner: string): Promise<ShardLease> {
  const lease = await store.acquireShard({ shardId, owner, nowMs: 0, leaseMs: 0, steal: true });
  assert.ok(lease, `shard ${shardId} taken by ${owner}`);
  return lease;
}

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    async function withStore(fn: (store: Store, rangeId: number) => Promise<void>): Promise<void> {
      const store = await open();
      try {
        await store.initializeCluster({ shardCount: 2 });
        const lease = await take(store, 0, 'test');
        await fn(store, lease.rangeId);
      } finally {
        await store.close();
      }
    }

    test('the shard count is fixed by the first initialization', async () => {
      const store = await open();
      try {
        assert.deepEqual(await store.initializeCluster({ shardCount: 3 }), { shardCount: 3 });
        assert.deepEqual(await store.initializeCluster({ shardCount: 8 }), { shardCount: 3 });
      } finally {
        await store.close();
      }
    });

    test('acquiring a shard fences every earlier owner, also for writes that append no event', async () => {
      await withStore(async (store, firstRange) => {
        await store.commitShard({
          shardId: 0,
          rangeId: firstRange,
          executions: [create('w', 'r')],
          newTasks: [],
          completedTaskIds: [],
        });
        const second = await take(store, 0, 'other');
        assert.ok(second.rangeId > firstRange);
        const noEvents: ExecutionWrite = {
          record: record('w', 'r'),
          expectedVersion: 1,
          upsertItems: [],
          deleteItems: [],
          newEvents: [],
        };
        await assert.rejects(
          store.commitShard({
            shardId: 0,
            rangeId: firstRange,
            executions: [noEvents],
            newTasks: [],
            completedTaskIds: [],
          }),
          ShardOwnershipLostError,
        );
        await assert.rejects(
          store.completeTasks({ shardId: 0, rangeId: firstRange, taskIds: [1] }),
          ShardOwnershipLostError,
        );
        await store.commitShard({
          shardId: 0,
          rangeId: second.rangeId,
          executions: [noEvents],
          newTasks: [],
          completedTaskIds: [],
        });
        assert.equal((await store.getExecution({ key: { namespaceId: NS, workflowId: 'w', runId: 'r' } }))?.version, 2);
      });
    });

    test('a deleted run takes its items, history, wake-up and current pointer with it, at the version read', async () => {
      await withStore(async (store, rangeId) => {
        const key = { namespaceId: NS, workflowId: 'gone', runId: 'r1' };
        const commit = (extra: Partial<ShardCommit>) =>
          store.commitShard({ shardId: 0, rangeId, executions: [], newTasks: [], completedTaskIds: [], ...extra });
        await commit({
          executions: [
            create('gone', 'r1', { upsertItems: [{ kind: 'timers', id: 't', data: '{}' }], wakeupAtMs: 5 }),
            create('kept', 'r1'),
          ],
        });
        await assert.rejects(commit({ deletedRuns: [{ key, expectedVersion: 7 }] }), StoreConflictError);
        await commit({ deletedRuns: [{ key, expectedVersion: 1 }] });
        assert.equal(await store.getExecution({ key }), undefined);
        assert.deepEqual(await store.readHistory({ key, fromEventId: 1, limit: 10 }), []);
        assert.equal(await store.getCurrentRunId(key), undefined);
        assert.deepEqual(await store.readWakeups({ shardId: 0, untilMs: 10, limit: 10 }), []);
        // The other workflow's run is untouched.
        assert.ok(await store.getExecution({ key: { ...key, workflowId: 'kept' } }));
        assert.equal(await store.getCurrentRunId({ namespaceId: NS, workflowId: 'kept' }), 'r1');
      });
    });

    test('members heartbeat, leave, and are forgotten once silent; membership names every lease holder', async () => {
      const store = await open();
      try {
        await store.initializeCluster({ shardCount: 2 });
        const member = (memberId: string, heartbeatMs: number) => ({
          memberId,
          rpcAddress: `127.0.0.1:${memberId === 'a' ? 7234 : 7235}`,
          httpAddress: 'http://127.0.0.1:7243',
          heartbeatMs,
        });
        await store.heartbeatMember({ member: member('a', 1000), forgetBeforeMs: 0 });
        await store.heartbeatMember({ member: member('b', 1500), forgetBeforeMs: 0 });
        await store.heartbeatMember({ member: member('a', 2000), forgetBeforeMs: 0 });
        await store.acquireShard({ shardId: 1, owner: 'a', nowMs: 2000, leaseMs: 5000 });
        const seen = await store.readMembership();
        assert.deepEqual(seen.members, [member('a', 2000), member('b', 1500)]);
        assert.deepEqual(seen.shards, [
          { shardId: 0, owner: '', leaseExpiresMs: 0 },
          { shardId: 1, owner: 'a', leaseExpiresMs: 7000 },
        ]);
        await store.heartbeatMember({ member: member('c', 9000), forgetBeforeMs: 1800 });
        assert.deepEqual(
          (await store.readMembership()).members.map((m) => m.memberId),
          ['a', 'c'],
          'b, silent since 1500, is forgotten',
        );
        await store.removeMember('a');
        assert.deepEqual(
          (await store.readMembership()).members.map((m) => m.memberId),
          ['c'],
        );
      } finally {
        await store.close();
      }
    });

    test('a live lease keeps other owners out until it runs out or is released; the loser is fenced', async () => {
      const store = await open();
      try {
        await store.initializeCluster({ shardCount: 2 });
        const acquire = (owner: string, nowMs: number) =>
          store.acquireShard({ shardId: 1, owner, nowMs, leaseMs: 1000 });
        const a = await acquire('a', 10_000);
        assert.ok(a, 'a free shard is taken');
        assert.equal(await acquire('b', 10_500), undefined, "another owner's live lease keeps it out");
        assert.deepEqual(
          await store.renewShardLeases({ owner: 'a', shards: [{ shardId: 1, rangeId: a.rangeId }], untilMs: 12_000 }),
          [1],
        );
        assert.equal(await acquire('b', 11_500), undefined, 'a renewed lease lasts to its new end');
        const b = await acquire('b', 12_000);
        assert.ok(b && b.rangeId > a.rangeId, 'an expired lease is taken with a new range id');
        assert.deepEqual(
          await store.renewShardLeases({ owner: 'a', shards: [{ shardId: 1, rangeId: a.rangeId }], untilMs: 13_000 }),
          [],
          'the old owner learns it lost the shard',
        );
        await assert.rejects(
          store.commitShard({
            shardId: 1,
            rangeId: a.rangeId,
            executions: [create('late', 'r')],
            newTasks: [],
            completedTaskIds: [],
          }),
          ShardOwnershipLostError,
          "the old owner's late write is refused",
        );
        assert.equal(await store.getExecution({ key: { namespaceId: NS, workflowId: 'late', runId: 'r' } }), undefined);
        await store.releaseShard({ shardId: 1, rangeId: a.rangeId });
        assert.equal(await acquire('c', 12_100), undefined, 'a stale release changes nothing');
        await store.releaseShard({ shardId: 1, rangeId: b.rangeId });
        assert.ok(await acquire('c', 12_100), 'a released shard is taken at once');
        await assert.rejects(
          store.acquireShard({ shardId: 7, owner: 'a', nowMs: 0, leaseMs: 1 }),
          ShardOwnershipLostError,
        );
      } finally {
        await store.close();
      }
    });

    test('a commit writes the run, its items, events, wake-up and tasks together', async () => {
      await withStore(async (store, rangeId) => {
        const key = { namespaceId: NS, workflowId: 'w', runId: 'r' };
        await store.commitShard({
          shardId: 0,
          rangeId,
          executions: [
            create('w', 'r', { upsertItems: [{ kind: 'timer', id: 't1', data: '{"a":1}' }], wakeupAtMs: 5000 }),
          ],
          newTasks: [{ taskId: 7, kind: 'workflow-task', key, payload: '{"x":1}' }],
          completedTaskIds: [],
        });
        const stored = await store.getExecution({ key });
        assert.equal(stored?.version, 1);
        assert.equal(stored?.wakeupAtMs, 5000);
        assert.deepEqual(stored?.items, [{ kind: 'timer', id: 't1', data: '{"a":1}' }]);
        assert.equal(await store.getCurrentRunId({ namespaceId: NS, workflowId: 'w' }), 'r');
        assert.deepEqual(
          (await store.readHistory({ key, fromEventId: 1, limit: 10 })).map((e) => e.eventId),
          [1],
        );
        assert.deepEqual(await store.readTasks({ shardId: 0, afterTaskId: 0, limit: 10 }), [
          { taskId: 7, kind: 'workflow-task', key, payload: '{"x":1}' },
        ]);
        assert.deepEqual(await store.readWakeups({ shardId: 0, untilMs: 5000, limit: 10 }), [{ key, atMs: 5000 }]);
        assert.deepEqual(await store.readWakeups({ shardId: 1, untilMs: 5000, limit: 10 }), []);
        assert.deepEqual(await store.listLegacyExecutions({ limit: 10 }), []);
      });
    });

    test('a stale version is a conflict, and nothing of that commit is written', async () => {
      await withStore(async (store, rangeId) => {
        const key = { namespaceId: NS, workflowId: 'w', runId: 'r' };
        await store.commitShard({
          shardId: 0,
          rangeId,
          executions: [create('w', 'r')],
          newTasks: [],
          completedTaskIds: [],
        });
        const stale: ExecutionWrite = {
          record: record('w', 'r', { nextEventId: 3 }),
          expectedVersion: 5,
          upsertItems: [],
          deleteItems: [],
          newEvents: [event(2)],
        };
        await assert.rejects(
          store.commitShard({
            shardId: 0,
            rangeId,
            executions: [create('other', 'r2'), stale],
            newTasks: [{ taskId: 1, kind: 'k', key, payload: '{}' }],
            completedTaskIds: [],
          }),
          StoreConflictError,
        );
        assert.equal(
          await store.getExecution({ key: { namespaceId: NS, workflowId: 'other', runId: 'r2' } }),
          undefined,
        );
        assert.deepEqual(await store.readTasks({ shardId: 0, afterTaskId: 0, limit: 10 }), []);
        assert.equal((await store.readHistory({ key, fromEventId: 1, limit: 10 })).length, 1);
        await assert.rejects(
          store.commitShard({
            shardId: 0,
            rangeId,
            executions: [create('w', 'r')],
            newTasks: [],
            completedTaskIds: [],
          }),
          'creating a run that exists fails',
        );
      });
    });

    test('items are upserted and deleted one by one; a wake-up of 0 removes it', async () => {
      await withStore(async (store, rangeId) => {
        const key = { namespaceId: NS, workflowId: 'w', runId: 'r' };
        const items = [
          { kind: 'activity', id: '5', data: '1' },
          { kind: 'activity', id: '6', data: '2' },
        ];
        await store.commitShard({
          shardId: 0,
          rangeId,
          executions: [create('w', 'r', { upsertItems: items, wakeupAtMs: 10 })],
          newTasks: [],
          completedTaskIds: [],
        });
        const change: ExecutionWrite = {
          record: record('w', 'r'),
          expectedVersion: 1,
          upsertItems: [{ kind: 'activity', id: '6', data: '3' }],
          deleteItems: [{ kind: 'activity', id: '5' }],
          newEvents: [],
          wakeupAtMs: 0,
        };
        await store.commitShard({ shardId: 0, rangeId, executions: [change], newTasks: [], completedTaskIds: [] });
        const stored = await store.getExecution({ key });
        assert.deepEqual(stored?.items, [{ kind: 'activity', id: '6', data: '3' }]);
        assert.equal(stored?.wakeupAtMs, 0);
        assert.deepEqual(await store.readWakeups({ shardId: 0, untilMs: Number.MAX_SAFE_INTEGER, limit: 10 }), []);
      });
    });

    test('tasks page behind a cursor and are deleted by commits or completeTasks', async () => {
      await withStore(async (store, rangeId) => {
        const key = { namespaceId: NS, workflowId: 'w', runId: 'r' };
        const newTasks = [1, 2, 3, 4].map((taskId) => ({ taskId, kind: 'k', key, payload: '{}' }));
        await store.commitShard({ shardId: 0, rangeId, executions: [], newTasks, completedTaskIds: [] });
        assert.deepEqual(
          (await store.readTasks({ shardId: 0, afterTaskId: 1, limit: 2 })).map((t) => t.taskId),
          [2, 3],
        );
        await store.commitShard({ shardId: 0, rangeId, executions: [], newTasks: [], completedTaskIds: [1] });
        await store.completeTasks({ shardId: 0, rangeId, taskIds: [3] });
        assert.deepEqual(
          (await store.readTasks({ shardId: 0, afterTaskId: 0, limit: 10 })).map((t) => t.taskId),
          [2, 4],
        );
        const reacquired = await take(store, 0, 'again');
        assert.equal(reacquired.maxTaskId, 4, 'new ids continue after the highest one stored');
      });
    });

    test('wake-ups come earliest first, up to a time and a limit', async () => {
      await withStore(async (store, rangeId) => {
        const executions = [30, 10, 20].map((atMs, i) => create(`w${i}`, 'r', { wakeupAtMs: atMs }));
        await store.commitShard({ shardId: 0, rangeId, executions, newTasks: [], completedTaskIds: [] });
        const due = await store.readWakeups({ shardId: 0, untilMs: 25, limit: 10 });
        assert.deepEqual(
          due.map((w) => w.atMs),
          [10, 20],
        );
        assert.deepEqual(
          (await store.readWakeups({ shardId: 0, untilMs: 100, limit: 1 })).map((w) => w.key.workflowId),
          ['w1'],
        );
      });
    });

    test('history reads by range, forwards and backwards, with a limit', async () => {
      await withStore(async (store, rangeId) => {
        const key = { namespaceId: NS, workflowId: 'w', runId: 'r' };
        const write = create('w', 'r', {
          newEvents: [1, 2, 3, 4, 5].map(event),
          record: record('w', 'r', { nextEventId: 6 }),
        });
        await store.commitShard({ shardId: 0, rangeId, executions: [write], newTasks: [], completedTaskIds: [] });
        const ids = async (params: {
          fromEventId: number;
          toEventId?: number;
          limit: number;
          reverse?: boolean;
        }): Promise<number[]> => (await store.readHistory({ key, ...params })).map((e) => e.eventId);
        assert.deepEqual(await ids({ fromEventId: 2, toEventId: 4, limit: 10 }), [2, 3]);
        assert.deepEqual(await ids({ fromEventId: 1, limit: 2 }), [1, 2]);
        assert.deepEqual(await ids({ fromEventId: 1, toEventId: 5, limit: 2, reverse: true }), [4, 3]);
        assert.equal(
          Buffer.from((await store.readHistory({ key, fromEventId: 5, limit: 1 }))[0]?.data ?? []).toString(),
          'event-5',
        );
      });
    });

    test('visibility lists and counts the runs of a namespace', async () => {
      await withStore(async (store, rangeId) => {
        const closed = create('b', 'r2', { record: record('b', 'r2', { status: 2, closeTimeMs: 2000 }) });
        await store.commitShard({
          shardId: 0,
          rangeId,
          executions: [create('a', 'r1'), closed],
          newTasks: [],
          completedTaskIds: [],
        });
        const listed = await store.listExecutions({
          namespaceId: NS,
          query: '',
          pageSize: 1,
          searchAttributeTypes: {},
        });
        assert.equal(listed.records.length, 1);
        const rest = await store.listExecutions({
          namespaceId: NS,
          query: '',
          pageSize: 10,
          nextPageToken: listed.nextPageToken,
          searchAttributeTypes: {},
        });
        assert.equal(rest.records.length, 1);
        const running = await store.countExecutions({
          namespaceId: NS,
          query: 'ExecutionStatus = "Running"',
          searchAttributeTypes: {},
        });
        assert.equal(running.count, 1);
      });
    });

    test('namespaces and Nexus endpoints are stored, updated (endpoints by version) and listed', async () => {
      await withStore(async (store) => {
        const namespace: NamespaceRecord = {
          id: 'id-1',
          name: 'n1',
          state: 1,
          description: '',
          ownerEmail: '',
          retentionMs: 1,
          data: {},
          searchAttributes: {},
          createdMs: 1,
        };
        await store.createNamespace(namespace);
        await store.updateNamespace({ ...namespace, description: 'changed' });
        assert.equal((await store.getNamespaceByName('n1'))?.description, 'changed');
        assert.deepEqual(
          (await store.listNamespaces()).map((n) => n.name),
          ['n1'],
        );
        const endpoint = {
          id: 'e1',
          name: 'ep',
          version: 1,
          spec: '',
          allowedCallerNamespaces: null,
          createdMs: 1,
          updatedMs: 1,
        };
        await store.createNexusEndpoint(endpoint);
        await store.updateNexusEndpoint({ ...endpoint, version: 2 }, 1);
        await assert.rejects(store.updateNexusEndpoint({ ...endpoint, version: 3 }, 1), StoreConflictError);
        assert.deepEqual(
          (await store.listNexusEndpoints()).map((e) => e.version),
          [2],
        );
        assert.equal(await store.deleteNexusEndpoint('e1'), true);
        assert.equal(await store.deleteNexusEndpoint('e1'), false);
      });
    });

    test('the audit log lists newest first, pages by id, and keeps only its newest events', async () => {
      await withStore(async (store) => {
        const event = (n: number) => ({
          timeMs: 1000 + n,
          principal: `p${n}`,
          action: 'TerminateWorkflowExecution',
          namespace: 'ns',
          target: `wf-${n}`,
          outcome: 'ok',
          detail: '',
        });
        // A bound of 3 reached and passed: the two oldest go.
        for (let n = 1; n <= 5; n += 1) await store.appendAuditEvent({ event: event(n), keepNewest: 3 });
        const all = await store.listAuditEvents({ limit: 10 });
        assert.deepEqual(
          all.map((e) => e.target),
          ['wf-5', 'wf-4', 'wf-3'],
        );
        assert.deepEqual({ ...all[0], id: 0 }, { ...event(5), id: 0 });
        const page = await store.listAuditEvents({ limit: 2 });
        assert.equal(page.length, 2);
        const rest = await store.listAuditEvents({ beforeId: page[1]?.id, limit: 2 });
        assert.deepEqual(
          rest.map((e) => e.target),
          ['wf-3'],
        );
      });
    });

    test('an audit event written ahead is settled by id; a forgotten one is left alone', async () => {
      await withStore(async (store) => {
        const event = (n: number) => ({
          timeMs: n,
          principal: 'p',
          action: 'DeleteNamespace',
          namespace: 'ns',
          target: `t${n}`,
          outcome: 'pending',
          detail: '',
        });
        const first = await store.appendAuditEvent({ event: event(1), keepNewest: 2 });
        const second = await store.appendAuditEvent({ event: event(2), keepNewest: 2 });
        assert.ok(second > first, 'ids grow');
        await store.settleAuditEvent({ id: second, outcome: 'not-found', detail: 'no such namespace' });
        await store.appendAuditEvent({ event: event(3), keepNewest: 2 });
        await store.settleAuditEvent({ id: first, outcome: 'ok', detail: '' }); // forgotten at the bound
        const all = await store.listAuditEvents({ limit: 10 });
        assert.deepEqual(
          all.map((e) => [e.target, e.outcome, e.detail]),
          [
            ['t3', 'pending', ''],
            ['t2', 'not-found', 'no such namespace'],
          ],
        );
      });
    });
  });
}
