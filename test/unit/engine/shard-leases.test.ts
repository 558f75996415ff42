// Goal: shard ownership between processes on one database moves only by leases and is fenced: a second
// engine stands by while the first renews; when the first stops renewing (paused: its clock stands
// still) the second takes every shard once the leases run out and serves them; the paused one's late
// write is refused by the fence, not applied, and it learns it lost the shards; a clean stop releases
// the leases so the other takes over at once. Members of a cluster share the shards out and hand a
// joining member its share; a call for a run reaches the member holding its shard. Setup: two engines (EngineHarness) on one SQLite store,
// each with a fake clock of its own starting at the same instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness } from '../../helpers/engine-harness';
import { FakeClock } from '../../helpers/fake-clock';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { ShardOwnershipLostError } from '../../../src/store/store';
import { ErrorCode, ServiceError } from '../../../src/common/errors';
import { decodeWire, encodeWire } from '../../../src/common/wire-json';
import { shardsOfMember, type ClusterLink } from '../../../src/engine/cluster-link';
import type { HistoryEngine } from '../../../src/engine/history-engine';
import type { MatchTask } from '../../../src/engine/tasks';
import { recordWorkflowTaskStarted } from '../../../src/engine/workflow-task-api';

const LEASES = { leaseMs: 5000, renewEveryMs: 1000, steal: false };

test('a standby takes the shards of a paused owner after its leases end; the owner is fenced', async () => {
  const store = new SqliteStore();
  const start = Date.UTC(2026, 0, 1);
  const a = await EngineHarness.start({ store, clock: new FakeClock(start), engine: { owner: 'a', leases: LEASES } });
  const b = await EngineHarness.start({ store, clock: new FakeClock(start), engine: { owner: 'b', leases: LEASES } });
  try {
    assert.equal(a.engine.ownedShardCount, 2);
    assert.equal(b.engine.ownedShardCount, 0, 'the second process stands by');
    await assert.rejects(b.startWorkflow('via-standby'), /is not owned by this Causeway process/);

    await a.clock.advance(3000);
    await b.clock.advance(3000);
    assert.equal(b.engine.ownedShardCount, 0, 'renewed leases keep the standby out');

    // a pauses: its clock stands still, so it renews nothing. Its leases end 5 s after its last renewal.
    await b.clock.advance(4000);
    assert.equal(b.engine.ownedShardCount, 0, 'not before the leases end');
    await b.clock.advance(2000);
    assert.equal(b.engine.ownedShardCount, 2, 'the standby took every shard');
    const started = await b.startWorkflow('after-failover');
    assert.equal((await b.history(started)).length, 2);

    // a resumes believing it owns the shards: its write is fenced and nothing of it is stored.
    await assert.rejects(a.startWorkflow('late-write'), ShardOwnershipLostError);
    assert.equal(await store.getCurrentRunId({ namespaceId: a.namespace.id, workflowId: 'late-write' }), undefined);
    assert.equal(a.engine.ownedShardCount, 1, 'the fenced shard stops at once');
    assert.ok(
      a.released.includes(a.engine.shardIdOf(a.namespace.id, 'late-write')),
      'and its task queues are released (their polls end here)',
    );
    await a.clock.advance(1000);
    assert.equal(a.engine.ownedShardCount, 0, 'the renewal told it the other shard is lost too');

    // A clean stop releases the leases: the other process takes them at its next pass, not 5 s later.
    await b.engine.stop();
    await a.clock.advance(1000);
    assert.equal(a.engine.ownedShardCount, 2);
    const back = await a.startWorkflow('after-handback');
    assert.equal((await a.history(back)).length, 2);
    assert.equal((await a.history(started)).length, 2, 'what the other process wrote is there');
  } finally {
    await a.engine.stop();
    await b.engine.stop();
    await store.close();
  }
});

test('live members share the shards out; a joining member is handed its share; calls reach the holder', async () => {
  const store = new SqliteStore();
  const start = Date.UTC(2026, 0, 1);
  const live: string[] = ['a'];
  const engines = new Map<string, HistoryEngine>();
  // Peers in one process: a call goes to the engine holding the shard, through the wire codec both ways.
  const linkOf = (self: string): ClusterLink => ({
    peers: {
      selfId: self,
      callShardOwner: async (shardId, op, args) => {
        const holder = [...engines.values()].find((engine) => engine.ownsShard(shardId));
        if (!holder) throw new ServiceError(ErrorCode.Unavailable, `no holder of shard ${shardId}`);
        const run = holder.ops[op];
        assert.ok(run, op);
        return decodeWire(encodeWire(await run(decodeWire(encodeWire(args)))));
      },
      callMember: () => Promise.reject(new Error('not used here')),
    },
    wantsShard: (shardId) => shardsOfMember(self, live, 2).has(shardId),
  });
  const a = await EngineHarness.start({
    store,
    clock: new FakeClock(start),
    engine: { owner: 'a', leases: LEASES },
    cluster: linkOf('a'),
  });
  engines.set('a', a.engine);
  let b: EngineHarness | undefined;
  try {
    assert.equal(a.engine.ownedShardCount, 2, 'alone, a member holds every shard');
    live.push('b');
    b = await EngineHarness.start({
      store,
      clock: new FakeClock(start),
      engine: { owner: 'b', leases: LEASES },
      cluster: linkOf('b'),
    });
    engines.set('b', b.engine);
    assert.equal(b.engine.ownedShardCount, 0, 'its share is still held by a');
    await a.clock.advance(1000);
    assert.equal(a.engine.ownsShard(0), true);
    assert.equal(a.engine.ownsShard(1), false, 'a handed shard 1 over');
    await b.clock.advance(1000);
    assert.equal(b.engine.ownsShard(1), true, 'b took it at its next pass, not after the lease');

    // A run on b's shard; its workflow task started through a: the call runs in b and comes back.
    let workflowId = 'w0';
    for (let i = 1; b.engine.shardIdOf(b.namespace.id, workflowId) !== 1; i += 1) workflowId = `w${i}`;
    const key = await b.startWorkflow(workflowId);
    const task = b.take('workflow-task', key) as Extract<MatchTask, { kind: 'workflow-task' }>;
    const response = await recordWorkflowTaskStarted(a.engine, task, {
      identity: 'w',
      namespace: 'default',
      taskQueue: 'tq',
    });
    assert.deepEqual(
      response?.history?.events?.map((event) => Number(event.eventId)),
      [1, 2, 3],
      'the started task with its history, Longs intact',
    );
    assert.deepEqual(await b.eventTypes(key), [
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
    ]);
    assert.equal(
      await recordWorkflowTaskStarted(a.engine, task, { identity: 'w', namespace: 'default', taskQueue: 'tq' }),
      undefined,
      'a task started once is stale the second time',
    );

    // b dies (its clock stands still): once its lease ends, a takes its shard back.
    live.pop();
    await a.clock.advance(6000);
    assert.equal(a.engine.ownedShardCount, 2);
  } finally {
    await a.engine.stop();
    await b?.engine.stop();
    await store.close();
  }
});
