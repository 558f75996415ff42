// Task queues of every namespace, by name and kind. Tasks live in memory: each is a pointer to an outbox
// row, which the engine offers again after a restart, so the backlog needs no persistence of its own.
// The number of queues is bounded: past the bound, queues with no backlog and no poller are forgotten.
import { TaskQueue } from './task-queue';

export const TaskQueueKind = { Workflow: 'workflow', Activity: 'activity', Nexus: 'nexus' } as const;
export type TaskQueueKind = (typeof TaskQueueKind)[keyof typeof TaskQueueKind];

/** How long after its last poll a sticky queue still counts as served (the server's stickyPollerUnavailableWindow). */
export const STICKY_POLLER_UNAVAILABLE_WINDOW_MS = 10_000;

export const TASK_QUEUES_MAX = 100_000;

export class MatchingService<T> {
  private readonly queues = new Map<string, TaskQueue<T>>();

  constructor(
    private readonly queuesMax = TASK_QUEUES_MAX,
    private readonly backlogMax?: number,
  ) {}

  get queueCount(): number {
    return this.queues.size;
  }

  queue(namespaceId: string, name: string, kind: TaskQueueKind): TaskQueue<T> {
    const key = `${namespaceId}\u0000${kind}\u0000${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      if (this.queues.size >= this.queuesMax) this.forgetIdleQueues();
      queue = new TaskQueue<T>(this.backlogMax);
      this.queues.set(key, queue);
    }
    return queue;
  }

  private forgetIdleQueues(): void {
    for (const [key, queue] of this.queues)
      if (queue.backlogCount === 0 && queue.waitingPollers === 0) this.queues.delete(key);
  }

  find(namespaceId: string, name: string, kind: TaskQueueKind): TaskQueue<T> | undefined {
    return this.queues.get(`${namespaceId}\u0000${kind}\u0000${name}`);
  }

  offer(namespaceId: string, name: string, kind: TaskQueueKind, task: T): void {
    this.queue(namespaceId, name, kind).offer(task);
  }

  poll(namespaceId: string, name: string, kind: TaskQueueKind, signal: AbortSignal): Promise<T | undefined> {
    return this.queue(namespaceId, name, kind).poll(signal);
  }

  /** Whether a poll waits on the queue now or took a task less than STICKY_POLLER_UNAVAILABLE_WINDOW_MS ago. */
  hasRecentPoller(namespaceId: string, name: string, kind: TaskQueueKind, nowMs: number): boolean {
    const queue = this.find(namespaceId, name, kind);
    return (
      queue !== undefined &&
      (queue.waitingPollers > 0 || nowMs - queue.lastPollTimeMs < STICKY_POLLER_UNAVAILABLE_WINDOW_MS)
    );
  }

  /**
   * Forgets the queues `select` names (their shard moved to another member): their waiting polls end
   * empty, so workers poll again where the queues are now, and their backlog goes (its tasks are offered
   * again there from their dispatch rows).
   */
  releaseWhere(select: (namespaceId: string, name: string) => boolean): void {
    for (const [key, queue] of this.queues) {
      const [namespaceId = '', , name = ''] = key.split('\u0000');
      if (!select(namespaceId, name)) continue;
      this.queues.delete(key);
      queue.releasePollers();
    }
  }

  /** Every queue with its backlog and match counts (what the task queue metrics show). */
  *stats(): Generator<{
    readonly namespaceId: string;
    readonly name: string;
    readonly kind: string;
    readonly queue: TaskQueue<T>;
  }> {
    for (const [key, queue] of this.queues) {
      const [namespaceId = '', kind = '', name = ''] = key.split('\u0000');
      yield { namespaceId, name, kind, queue };
    }
  }

  releaseAllPollers(): void {
    for (const queue of this.queues.values()) queue.releasePollers();
  }
}
