// Goal: shard ownership between processes on one database moves only by leases and is fenced: a second
// engine stands by while the first renews; when the first stops renewing (paused: its clock stands
// still) the second takes every shard once the leases run out and serves them; the paused one's late
// write is refused by the fence, not applied, and it learns it lost the shards; a clean stop releases
// the leases so the other takes over at once. Setup: two engines (EngineHarness) on one SQLite store,
// each with a fake clock of its own starting at the same instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness } from '../../helpers/engine-harness';
import { FakeClock } from '../../helpers/fake-clock';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { ShardOwnershipLostError } from '../../../src/store/store';

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

test('the shards stay on one process: shard 0 leads, and a process that loses it gives up the rest', async () => {
  const store = new SqliteStore();
  const start = Date.UTC(2026, 0, 1);
  const a = await EngineHarness.start({ store, clock: new FakeClock(start), engine: { owner: 'a', leases: LEASES } });
  let b: EngineHarness | undefined;
  try {
    assert.equal(a.engine.ownedShardCount, 2);
    // Another owner takes shard 0 (as after a pause of a): at its next pass a finds it lost and lets the
    // other shard go at once, so that the holder of shard 0 can take it without waiting for the lease.
    await store.acquireShard({ shardId: 0, owner: 'x', nowMs: start, leaseMs: 60_000, steal: true });
    await a.clock.advance(1000);
    assert.equal(a.engine.ownedShardCount, 0);
    const { shards } = await store.readMembership();
    assert.deepEqual(
      shards.map((shard) => [shard.owner, shard.leaseExpiresMs > 0]),
      [
        ['x', true],
        ['a', false],
      ],
      'shard 1 is released',
    );
    // A process that cannot get shard 0 takes no other shard, free as it is.
    b = await EngineHarness.start({
      store,
      clock: new FakeClock(start + 1000),
      engine: { owner: 'b', leases: LEASES },
    });
    assert.equal(b.engine.ownedShardCount, 0);
    await b.clock.advance(1000);
    assert.equal(b.engine.ownedShardCount, 0);
  } finally {
    await a.engine.stop();
    await b?.engine.stop();
    await store.close();
  }
});
