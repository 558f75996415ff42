// Goal: a task goes to the matching of its task queue's shard: here when this process holds the shard,
// else to the member that does (as a peer call); a sticky workflow task goes to its normal queue when no
// worker polls the sticky queue, decided where the sticky queue lives; a member that no longer holds a
// queue's shard refuses the offer with UNAVAILABLE (the sender retries); a shard that moves away drops
// its queues, and their waiting polls end empty. The cluster view reports each shard that gets a new
// holder. Setup: TaskRouting over a real MatchingService with a fake clock and a recording peer list;
// two memberships on one SQLite store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../helpers/fake-clock';
import { MatchingService } from '../../src/matching/matching-service';
import { MATCHING_OFFER, TaskRouting, type OfferArgs } from '../../src/matching/task-routing';
import type { ClusterLink } from '../../src/engine/cluster-link';
import type { MatchTask } from '../../src/engine/tasks';
import { ErrorCode, ServiceError } from '../../src/common/errors';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { ClusterMembership } from '../../src/engine/cluster-membership';
import { createLogger } from '../../src/common/logger';

const task = (id: number): MatchTask => ({
  kind: 'workflow-task',
  key: { namespaceId: 'ns', workflowId: `w${id}`, runId: 'r' },
  scheduledEventId: 2,
  attempt: 1,
  dispatchTaskId: id,
});

test('tasks reach the matching of their queue, here or in the member holding its shard', async () => {
  const clock = new FakeClock();
  const matching = new MatchingService<MatchTask>();
  const sent: { shardId: number; op: string; args: OfferArgs }[] = [];
  const held = new Set([0]);
  const link: ClusterLink = {
    peers: {
      selfId: 'me',
      callShardOwner: (shardId, op, args) => {
        sent.push({ shardId, op, args: args as OfferArgs });
        return Promise.resolve(null);
      },
      callMember: () => Promise.reject(new Error('unused')),
    },
    wantsShard: () => true,
  };
  // Queues named "here-*" hash to shard 0 (held), the rest to shard 1 (another member's).
  const routing = new TaskRouting({
    matching,
    clock,
    taskQueueShardIdOf: (_ns, name) => (name.startsWith('here') ? 0 : 1),
    ownsShard: (shardId) => held.has(shardId),
    cluster: () => link,
  });
  await routing.offer('ns', 'here-tq', 'workflow', task(1));
  assert.equal(routing.backlogCount('ns', 'here-tq', 'workflow'), 1);
  await routing.offer('ns', 'there-tq', 'activity', task(2));
  assert.deepEqual(
    sent.map((call) => [call.shardId, call.op, call.args.taskQueue, call.args.kind]),
    [[1, MATCHING_OFFER, 'there-tq', 'activity']],
  );

  // Sticky: no poller on the sticky queue here, so the task goes on to its normal queue (another member's).
  await routing.offerHere({
    namespaceId: 'ns',
    taskQueue: 'here-sticky',
    kind: 'workflow',
    task: task(3),
    stickyFallback: 'there-normal',
  });
  assert.equal(sent.at(-1)?.args.taskQueue, 'there-normal');
  assert.equal(routing.backlogCount('ns', 'here-sticky', 'workflow'), 0);
  // With a poller on the sticky queue, it stays there.
  const polled = new AbortController();
  const poll = matching.poll('ns', 'here-sticky', 'workflow', polled.signal);
  await routing.offerHere({
    namespaceId: 'ns',
    taskQueue: 'here-sticky',
    kind: 'workflow',
    task: task(4),
    stickyFallback: 'there-normal',
  });
  assert.equal(((await poll) as Extract<MatchTask, { kind: 'workflow-task' }>).dispatchTaskId, 4);

  // An offer sent here for a queue whose shard moved on is refused, to be sent again where it is.
  await assert.rejects(
    routing.offerHere({ namespaceId: 'ns', taskQueue: 'there-tq', kind: 'workflow', task: task(5) }),
    (error: unknown) => error instanceof ServiceError && error.code === ErrorCode.Unavailable,
  );

  // Shard 0 moves away: its queues go, and a waiting poll ends empty (the worker polls the new holder).
  const waiting = matching.poll('ns', 'here-other', 'workflow', new AbortController().signal);
  held.delete(0);
  routing.releaseShard(0);
  assert.equal(await waiting, undefined);
  assert.equal(routing.backlogCount('ns', 'here-tq', 'workflow'), 0, 'the backlog went with the shard');
});

test('the cluster view reports the shards that get a new holder', async () => {
  const store = new SqliteStore();
  const start = Date.UTC(2026, 0, 1);
  await store.initializeCluster({ shardCount: 2 });
  const clock = new FakeClock(start);
  const changes: number[][] = [];
  const view = new ClusterMembership(
    {
      store,
      clock,
      logger: createLogger('never', 'pretty'),
      self: { memberId: 'a', rpcAddress: 'a:7234', httpAddress: 'http://a:7243' },
      onOwnersChanged: (shardIds) => changes.push(shardIds),
    },
    { everyMs: 1000, deadAfterMs: 5000, forgetAfterMs: 60_000 },
  );
  try {
    await view.start();
    assert.deepEqual(changes, [], 'the first read is where the view starts, not a change');
    await store.acquireShard({ shardId: 0, owner: 'a', nowMs: start, leaseMs: 5000 });
    await store.acquireShard({ shardId: 1, owner: 'a', nowMs: start, leaseMs: 5000 });
    await clock.advance(1000);
    assert.deepEqual(changes, [[0, 1]]);
    await clock.advance(1000);
    assert.deepEqual(changes, [[0, 1]], 'nothing moved');
    // The leases run out: no holder is no news; the next holder is.
    await clock.advance(4000);
    assert.deepEqual(changes, [[0, 1]]);
    await store.acquireShard({ shardId: 1, owner: 'a', nowMs: clock.nowMs(), leaseMs: 5000 });
    await clock.advance(1000);
    assert.deepEqual(changes, [[0, 1], [1]]);
  } finally {
    await view.stop();
    await store.close();
  }
});
