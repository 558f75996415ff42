// Goal: the bounded building blocks keep their bounds: the LRU cache forgets the least recently used
// entry past its capacity but never a pinned one, and the serial queue runs jobs one at a time in order
// and refuses jobs past its capacity. Setup: none beyond the classes themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from '../../src/common/lru-cache';
import { QueueFullError, SerialQueue } from '../../src/common/serial-queue';

test('the LRU cache forgets the least recently used entry, skipping pinned ones', () => {
  const pinned = new Set(['a']);
  const cache = new LruCache<string, string>(2, (value) => pinned.has(value));
  cache.set('a', 'a');
  cache.set('b', 'b');
  cache.get('b');
  cache.set('c', 'c');
  assert.deepEqual([...cache.values()].sort(), ['a', 'c'], 'b went: a is pinned, c is new');
  pinned.delete('a');
  cache.get('c');
  cache.set('d', 'd');
  assert.deepEqual([...cache.values()].sort(), ['c', 'd']);
  assert.equal(cache.size, 2);
});

test('the serial queue runs one job at a time, in order, and refuses past its capacity', async () => {
  const queue = new SerialQueue(3);
  const order: number[] = [];
  let running = 0;
  const job = (n: number) => async (): Promise<number> => {
    running += 1;
    assert.equal(running, 1, 'one at a time');
    await new Promise((resolve) => setImmediate(resolve));
    order.push(n);
    running -= 1;
    return n;
  };
  const jobs = [queue.run(job(1)), queue.run(job(2)), queue.run(job(3))];
  await assert.rejects(queue.run(job(4)), QueueFullError);
  assert.deepEqual(await Promise.all(jobs), [1, 2, 3]);
  assert.deepEqual(order, [1, 2, 3]);
  await assert.rejects(
    queue.run(() => Promise.reject(new Error('job failed'))),
    /job failed/,
  );
  assert.equal(await queue.run(job(5)), 5, 'a failed job does not stop the queue');
});
