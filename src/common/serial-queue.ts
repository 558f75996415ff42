// Runs async jobs one at a time, in arrival order: the single writer of a shard. The queue of waiting
// jobs is bounded; a job offered to a full queue is refused at once with `QueueFullError`.
export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.waiting;
  }

  run<R>(job: () => Promise<R> | R): Promise<R> {
    if (this.waiting >= this.capacity)
      return Promise.reject(new QueueFullError(`more than ${this.capacity} jobs are waiting`));
    this.waiting += 1;
    const result = this.tail.then(async () => {
      try {
        return await job();
      } finally {
        this.waiting -= 1;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
