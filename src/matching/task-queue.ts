// One task queue: a FIFO backlog and a FIFO of waiting long polls. A task offered while a poll waits is
// handed to it directly (sync match); otherwise it waits in the backlog. A poll whose call has gone away
// never receives a task, so nothing is lost when a worker shuts down mid-poll.

interface Poller<T> {
  resolve(task: T | undefined): void;
  signal: AbortSignal;
}

export const TASK_QUEUE_BACKLOG_MAX = 1_000_000;
/** Pollers remembered per queue (the most recent ones), for DescribeTaskQueue. */
export const POLLERS_MAX = 1000;

export class TaskQueue<T> {
  constructor(private readonly backlogMax = TASK_QUEUE_BACKLOG_MAX) {}

  private backlog: T[] = [];
  private backlogHead = 0;
  private pollers: Poller<T>[] = [];
  lastPollTimeMs = 0;
  /** Identity -> time of its last poll, least recent first; at most POLLERS_MAX. */
  private readonly pollerTimes = new Map<string, number>();

  /** Tasks handed to polls so far, and those of them handed to a poll that was already waiting. */
  matchedCount = 0;
  syncMatchedCount = 0;

  /** A poll of this worker identity began now. */
  recordPoller(identity: string, nowMs: number): void {
    this.pollerTimes.delete(identity);
    this.pollerTimes.set(identity, nowMs);
    if (this.pollerTimes.size > POLLERS_MAX) {
      const oldest = this.pollerTimes.keys().next().value as string;
      this.pollerTimes.delete(oldest);
    }
  }

  /** The identities that polled since `sinceMs`, most recent first, with the time of their last poll. */
  pollersSince(sinceMs: number): { identity: string; lastAccessMs: number }[] {
    const recent: { identity: string; lastAccessMs: number }[] = [];
    for (const [identity, lastAccessMs] of this.pollerTimes)
      if (lastAccessMs >= sinceMs) recent.push({ identity, lastAccessMs });
    return recent.reverse();
  }

  get backlogCount(): number {
    return this.backlog.length - this.backlogHead;
  }

  get waitingPollers(): number {
    return this.pollers.length;
  }

  offer(task: T): void {
    while (this.pollers.length > 0) {
      const poller = this.pollers.shift() as Poller<T>;
      if (poller.signal.aborted) continue;
      this.matchedCount += 1;
      this.syncMatchedCount += 1;
      poller.resolve(task);
      return;
    }
    // The caller keeps the task (an outbox row) and offers it again later.
    if (this.backlogCount >= this.backlogMax) throw new Error('task queue backlog is full');
    this.backlog.push(task);
  }

  /** Waits for a task until the signal aborts (deadline or client gone); undefined = no task. */
  poll(signal: AbortSignal): Promise<T | undefined> {
    const next = this.takeFromBacklog();
    if (next !== undefined) {
      this.matchedCount += 1;
      return Promise.resolve(next);
    }
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const poller: Poller<T> = {
        signal,
        resolve: (task) => {
          signal.removeEventListener('abort', onAbort);
          resolve(task);
        },
      };
      const onAbort = (): void => {
        const index = this.pollers.indexOf(poller);
        if (index >= 0) this.pollers.splice(index, 1);
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pollers.push(poller);
    });
  }

  /** Completes every waiting poll with no task (shutdown). */
  releasePollers(): void {
    for (const poller of this.pollers.splice(0)) poller.resolve(undefined);
  }

  private takeFromBacklog(): T | undefined {
    if (this.backlogCount === 0) return undefined;
    const task = this.backlog[this.backlogHead] as T;
    this.backlogHead += 1;
    if (this.backlogHead > 1024 && this.backlogHead * 2 > this.backlog.length) {
      this.backlog = this.backlog.slice(this.backlogHead);
      this.backlogHead = 0;
    }
    return task;
  }
}
