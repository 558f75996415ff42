// Goal: the outbound limits per destination, on a fake clock: at most `concurrency` in flight, `bufferSize`
// more waiting (handed a slot in order as one is released), the rest deferred; at most `rps` started per
// second, the next deferred to when its token is due; groups apart from each other; the group map bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../helpers/fake-clock';
import { BUFFER_FULL_RETRY_MS, DestinationLimiter, type Admission } from '../../src/nexus/destination-limiter';

function ran(admission: Admission): () => void {
  assert.equal(admission.kind, 'run');
  return (admission as { release(): void }).release;
}

test('concurrency: the buffer waits for a slot in order, past it a task is deferred', async () => {
  const clock = new FakeClock();
  const limiter = new DestinationLimiter({ concurrency: 2, bufferSize: 1, rps: 1000 }, clock);
  const first = ran(await limiter.acquire('ns', 'endpoint'));
  ran(await limiter.acquire('ns', 'endpoint'));
  let isWaiterRunning = false;
  const waiter = limiter.acquire('ns', 'endpoint').then((admission) => {
    isWaiterRunning = true;
    return admission;
  });
  const deferred = await limiter.acquire('ns', 'endpoint');
  assert.deepEqual(deferred, { kind: 'defer', atMs: clock.nowMs() + BUFFER_FULL_RETRY_MS });
  // Another endpoint, or the same one of another namespace, is a group of its own.
  ran(await limiter.acquire('ns', 'other'));
  ran(await limiter.acquire('other-ns', 'endpoint'));
  await clock.settle();
  assert.equal(isWaiterRunning, false);
  first();
  first(); // a second release of one slot changes nothing
  const release = ran(await waiter);
  assert.ok(isWaiterRunning);
  // Two run (the waiter took the released slot): the next one waits again, it is not deferred.
  let isThirdRunning = false;
  void limiter.acquire('ns', 'endpoint').then(() => (isThirdRunning = true));
  await clock.settle();
  assert.equal(isThirdRunning, false);
  release();
  await clock.settle();
  assert.ok(isThirdRunning);
});

test('rate: a burst of rps, then one start per 1/rps seconds', async () => {
  const clock = new FakeClock();
  const limiter = new DestinationLimiter({ concurrency: 100, bufferSize: 100, rps: 4 }, clock);
  for (let i = 0; i < 4; i++) ran(await limiter.acquire('ns', 'endpoint'))();
  const deferred = await limiter.acquire('ns', 'endpoint');
  assert.deepEqual(deferred, { kind: 'defer', atMs: clock.nowMs() + 250 });
  await clock.advance(249);
  assert.equal((await limiter.acquire('ns', 'endpoint')).kind, 'defer');
  await clock.advance(1);
  ran(await limiter.acquire('ns', 'endpoint'))();
  assert.equal((await limiter.acquire('ns', 'endpoint')).kind, 'defer');
  // A fractional rate: one every two seconds.
  const slow = new DestinationLimiter({ concurrency: 1, bufferSize: 1, rps: 0.5 }, clock);
  ran(await slow.acquire('ns', 'endpoint'))();
  assert.deepEqual(await slow.acquire('ns', 'endpoint'), { kind: 'defer', atMs: clock.nowMs() + 2000 });
});

test('groups are bounded: idle ones are forgotten, busy ones kept', async () => {
  const clock = new FakeClock();
  const limiter = new DestinationLimiter({ concurrency: 1, bufferSize: 1, rps: 1000 }, clock, 3);
  const busy = ran(await limiter.acquire('ns', 'busy'));
  for (let i = 0; i < 10; i++) ran(await limiter.acquire('ns', `idle-${i}`))();
  assert.equal(limiter.groupCount, 3);
  // The busy group still holds its slot: a second request to it waits.
  let isWaiting = true;
  void limiter.acquire('ns', 'busy').then(() => (isWaiting = false));
  await clock.settle();
  assert.ok(isWaiting);
  busy();
  await clock.settle();
  assert.equal(isWaiting, false);
});
