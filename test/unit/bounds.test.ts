// Goal: the in-memory maps outside the engine keep their bounds: a task queue refuses a task past its
// backlog bound (its caller keeps the task), matching forgets idle queues past its bound, the Nexus
// dispatcher answers a timeout past its bound of tasks in flight, and the circuit breakers forget the
// least recently used breaker past theirs. Setup: each class with a small bound, a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLLERS_MAX, TaskQueue } from '../../src/matching/task-queue';
import { MatchingService } from '../../src/matching/matching-service';
import { NexusTaskDispatcher } from '../../src/nexus/nexus-task-dispatcher';
import { CircuitBreakers } from '../../src/nexus/circuit-breaker';
import { systemIds } from '../../src/common/ids';
import { FakeClock } from '../helpers/fake-clock';

test('a task queue refuses a task past its backlog bound', () => {
  const queue = new TaskQueue<number>(3);
  for (let i = 0; i < 3; i++) queue.offer(i);
  assert.throws(() => queue.offer(3), /backlog is full/);
  assert.equal(queue.backlogCount, 3);
});

test('matching forgets idle queues past its bound, never one with a backlog', () => {
  const matching = new MatchingService<number>(3);
  matching.offer('ns', 'busy', 'workflow', 1);
  matching.queue('ns', 'idle-1', 'workflow');
  matching.queue('ns', 'idle-2', 'workflow');
  matching.queue('ns', 'new', 'workflow');
  assert.equal(matching.queueCount, 2);
  assert.equal(matching.find('ns', 'busy', 'workflow')?.backlogCount, 1);
});

test('the Nexus dispatcher answers a timeout past its bound of tasks in flight', async () => {
  const clock = new FakeClock();
  const dispatcher = new NexusTaskDispatcher({ offer: () => Promise.resolve() }, clock, systemIds, undefined, 2);
  const inFlight = [dispatcher.dispatch('ns', 'tq', {}, 1000), dispatcher.dispatch('ns', 'tq', {}, 1000)];
  assert.deepEqual(await dispatcher.dispatch('ns', 'tq', {}, 1000), { kind: 'timeout' });
  await clock.advance(1000);
  assert.deepEqual(await Promise.all(inFlight), [{ kind: 'timeout' }, { kind: 'timeout' }]);
});

test('circuit breakers forget the least recently used one past their bound', () => {
  const breakers = new CircuitBreakers(new FakeClock(), { failuresToTrip: 0, openMs: 1000 }, 2);
  breakers.recordFailure('a');
  breakers.recordFailure('b');
  breakers.recordFailure('c');
  assert.equal(breakers.size, 2);
  assert.equal(breakers.isOpen('a'), false, 'the oldest was forgotten');
  assert.equal(breakers.isOpen('c'), true);
});

test('a task queue remembers at most POLLERS_MAX pollers, the least recent forgotten first', () => {
  const queue = new TaskQueue<number>();
  for (let i = 0; i <= POLLERS_MAX; i += 1) queue.recordPoller(`worker-${i}`, 1000 + i);
  queue.recordPoller('worker-1', 5000);
  const pollers = queue.pollersSince(0);
  assert.equal(pollers.length, POLLERS_MAX);
  assert.equal(pollers[0]?.identity, 'worker-1', 'a poll again makes it the most recent');
  assert.ok(!pollers.some((poller) => poller.identity === 'worker-0'), 'the least recent one is forgotten');
  assert.deepEqual(queue.pollersSince(5000), [{ identity: 'worker-1', lastAccessMs: 5000 }]);
});
