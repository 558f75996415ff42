// Goal: the cluster view a process routes by: a member is live while its heartbeat is recent and dead
// once it is older than deadAfterMs (a SIGKILLed process is dropped within the lease time); a shard is
// routed to its lease holder only while that lease is live and its holder is live; a clean stop removes
// the member at once. Setup: two memberships on one SQLite store, each with its own fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../helpers/fake-clock';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { ClusterMembership } from '../../../src/engine/cluster-membership';
import { createLogger } from '../../../src/common/logger';

const SETTINGS = { everyMs: 1000, deadAfterMs: 5000, forgetAfterMs: 60_000 };

function member(store: SqliteStore, clock: FakeClock, id: string): ClusterMembership {
  return new ClusterMembership(
    {
      store,
      clock,
      logger: createLogger('never', 'pretty'),
      self: { memberId: id, rpcAddress: `${id}:7234`, httpAddress: `http://${id}:7243` },
    },
    SETTINGS,
  );
}

test('members are live while they heartbeat; a silent one is dead after deadAfterMs; a stop leaves at once', async () => {
  const store = new SqliteStore();
  const start = Date.UTC(2026, 0, 1);
  await store.initializeCluster({ shardCount: 2 });
  const clockA = new FakeClock(start);
  const clockB = new FakeClock(start);
  const a = member(store, clockA, 'a');
  const b = member(store, clockB, 'b');
  try {
    await a.start();
    await b.start();
    await store.acquireShard({ shardId: 1, owner: 'b', nowMs: start, leaseMs: 5000 });
    await a.refresh();
    assert.deepEqual(
      a.liveMembers().map((m) => m.memberId),
      ['a', 'b'],
    );
    assert.equal(a.ownerOf(1)?.rpcAddress, 'b:7234');
    assert.equal(a.ownerOf(0), undefined, 'a shard nobody leases has no owner');

    // b stops heartbeating (its clock stands still, as when killed); a keeps passing.
    await clockA.advance(4000);
    assert.deepEqual(
      a.liveMembers().map((m) => m.memberId),
      ['a', 'b'],
      'not dead before deadAfterMs',
    );
    await clockA.advance(1500);
    assert.deepEqual(
      a.liveMembers().map((m) => m.memberId),
      ['a'],
    );
    assert.equal(a.ownerOf(1), undefined, "a dead member's shard is routed nowhere");

    // b comes back and leaves cleanly: its row goes at once.
    await clockB.advance(1000);
    await a.refresh();
    assert.equal(a.member('b')?.memberId, 'b');
    await b.stop();
    await a.refresh();
    assert.equal(a.member('b'), undefined);
  } finally {
    await a.stop();
    await b.stop();
    await store.close();
  }
});
