// The task processor of one shard: runs the outbox tasks the shard's transactions emit, in id order, and
// deletes each once it is done. Tasks reach it straight from a commit (the fast path) or, after a restart
// or when its memory is full, from the store, read in pages behind a cursor. A task whose executor throws
// is retried with exponential backoff, forever: no task is dropped. Tasks that wait on another service
// (Nexus calls, completion callbacks) run in an outbound lane with its own limit, so they never hold up
// the engine's own tasks.
//
// Modes: reading (the store may hold tasks memory has not seen; commits' tasks are left to the reader)
// -> caught up (commits hand their tasks over directly) -> reading again whenever memory is full.
import type { Clock, TimerHandle } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Store } from '../store/store';
import {
  decodeTask,
  dispatchQueues,
  isOutboundTask,
  type OutboxTask,
  type QueuedTask,
  type TaskExecutors,
  type TaskOutcome,
} from './outbox';

export interface TaskProcessorSettings {
  /** Tasks held in memory (waiting, running or backing off) before the rest wait in the store. */
  readonly tasksInMemoryMax: number;
  readonly readPageSize: number;
  readonly localConcurrencyMax: number;
  readonly outboundConcurrencyMax: number;
  readonly retryInitialIntervalMs: number;
  readonly retryMaximumIntervalMs: number;
  /** Done tasks are deleted in batches, this long after the first of a batch. */
  readonly completionBatchDelayMs: number;
}

export const defaultTaskProcessorSettings: TaskProcessorSettings = {
  tasksInMemoryMax: 10_000,
  readPageSize: 500,
  localConcurrencyMax: 32,
  outboundConcurrencyMax: 1000,
  retryInitialIntervalMs: 100,
  retryMaximumIntervalMs: 60_000,
  completionBatchDelayMs: 20,
};

export interface TaskProcessorHost {
  readonly shardId: number;
  readonly rangeId: number;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly executors: TaskExecutors;
  /** Runs store reads on the shard's queue, so no commit falls between a read and the cursor update. */
  serialize<R>(fn: () => Promise<R>): Promise<R>;
}

interface Lane {
  readonly waiting: QueuedTask[];
  running: number;
  readonly max: number;
}

export class TaskProcessor {
  private readonly local: Lane;
  private readonly outbound: Lane;
  private inMemory = 0;
  private cursor = 0;
  private isCaughtUp = false;
  private isReading = false;
  private isStopped = false;
  private readonly attempts = new Map<number, number>();
  private readonly timers = new Set<TimerHandle>();
  /** Re-offers waiting out a backoff (stop() wakes them, and they end). */
  private readonly sleepers = new Set<() => void>();
  private completions: number[] = [];
  private completionTimer: TimerHandle | undefined;

  constructor(
    private readonly host: TaskProcessorHost,
    private readonly settings: TaskProcessorSettings,
  ) {
    this.local = { waiting: [], running: 0, max: settings.localConcurrencyMax };
    this.outbound = { waiting: [], running: 0, max: settings.outboundConcurrencyMax };
  }

  /** Tasks in memory: waiting, running or backing off. */
  get size(): number {
    return this.inMemory;
  }

  start(): void {
    this.read();
  }

  stop(): void {
    this.isStopped = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    for (const wake of [...this.sleepers]) wake();
    this.completionTimer?.cancel();
  }

  /** A commit's new tasks (in id order). */
  onCommitted(tasks: readonly QueuedTask[]): void {
    if (this.isStopped || tasks.length === 0) return;
    for (const task of tasks) {
      if (!this.isCaughtUp) return;
      if (this.inMemory >= this.settings.tasksInMemoryMax) {
        // The reader picks this one (and everything after it) up from the store later.
        this.isCaughtUp = false;
        return;
      }
      this.cursor = task.taskId;
      this.accept(task);
    }
  }

  private read(): void {
    if (this.isStopped || this.isReading || this.isCaughtUp) return;
    this.isReading = true;
    void this.host
      .serialize(async () => {
        const rows = await this.host.store.readTasks({
          shardId: this.host.shardId,
          afterTaskId: this.cursor,
          limit: Math.min(this.settings.readPageSize, this.settings.tasksInMemoryMax - this.inMemory),
        });
        for (const row of rows) {
          this.cursor = row.taskId;
          this.accept({ taskId: row.taskId, key: row.key, task: decodeTask(row.payload) });
        }
        if (rows.length < this.settings.readPageSize && this.inMemory < this.settings.tasksInMemoryMax)
          this.isCaughtUp = true;
      })
      .catch((error: unknown) => {
        // A stopped shard refuses reads: that is the end, not a failure.
        if (!this.isStopped)
          this.host.logger.error('reading outbox tasks failed', { shard: this.host.shardId, error: String(error) });
      })
      .finally(() => {
        this.isReading = false;
        this.readIfRoom();
      });
  }

  /**
   * Offers again the dispatch tasks `select` picks (their task queue moved to a member whose matching has
   * never seen them): read from the store a page at a time, each offered until the offer goes through
   * (with the retry backoff) or the shard stops. Outside the in-memory count: a page is the most it holds.
   */
  async reoffer(select: (namespaceId: string, task: OutboxTask) => boolean): Promise<void> {
    let afterTaskId = 0;
    while (!this.isStopped) {
      const rows = await this.host.serialize(() =>
        this.host.store.readTasks({ shardId: this.host.shardId, afterTaskId, limit: this.settings.readPageSize }),
      );
      for (const row of rows) {
        afterTaskId = row.taskId;
        const task = decodeTask(row.payload);
        if (dispatchQueues(task).length === 0 || !select(row.key.namespaceId, task)) continue;
        await this.offerUntilDone({ taskId: row.taskId, key: row.key, task });
      }
      if (rows.length < this.settings.readPageSize) return;
    }
  }

  private async offerUntilDone(task: QueuedTask): Promise<void> {
    const executor = this.host.executors[task.task.kind];
    for (let attempt = 1; executor && !this.isStopped; attempt += 1) {
      try {
        await executor(task);
        return;
      } catch (error) {
        const delayMs = Math.min(
          this.settings.retryInitialIntervalMs * 2 ** Math.min(attempt - 1, 30),
          this.settings.retryMaximumIntervalMs,
        );
        this.host.logger.warn('offering a dispatch task again failed; retrying', {
          shard: this.host.shardId,
          taskId: task.taskId,
          retryInMs: delayMs,
          error: String(error),
        });
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            this.sleepers.delete(wake);
            this.timers.delete(timer);
            resolve();
          };
          const timer = this.host.clock.setTimer(wake, delayMs);
          this.timers.add(timer);
          this.sleepers.add(wake);
        });
      }
    }
  }

  private readIfRoom(): void {
    if (!this.isCaughtUp && this.inMemory <= this.settings.tasksInMemoryMax / 2) {
      if (this.isReading) return;
      const timer = this.host.clock.setTimer(() => {
        this.timers.delete(timer);
        this.read();
      }, 0);
      this.timers.add(timer);
    }
  }

  private accept(task: QueuedTask): void {
    this.inMemory += 1;
    this.enqueue(task);
  }

  private enqueue(task: QueuedTask): void {
    const lane = isOutboundTask(task.task.kind) ? this.outbound : this.local;
    lane.waiting.push(task);
    this.pump(lane);
  }

  private pump(lane: Lane): void {
    while (!this.isStopped && lane.running < lane.max && lane.waiting.length > 0) {
      const task = lane.waiting.shift() as QueuedTask;
      lane.running += 1;
      void this.execute(task).finally(() => {
        lane.running -= 1;
        this.pump(lane);
      });
    }
  }

  private async execute(task: QueuedTask): Promise<void> {
    let outcome: TaskOutcome;
    try {
      const executor = this.host.executors[task.task.kind];
      if (!executor) throw new Error(`no executor for ${task.task.kind} tasks`);
      outcome = await executor(task);
    } catch (error) {
      if (this.isStopped) return;
      this.retry(task, error);
      return;
    }
    switch (outcome.kind) {
      case 'done':
        this.complete(task.taskId);
        return this.forget(task);
      case 'released':
        return this.forget(task);
      case 'defer':
        return this.later(task, Math.max(0, outcome.atMs - this.host.clock.nowMs()));
    }
  }

  private retry(task: QueuedTask, error: unknown): void {
    const attempt = (this.attempts.get(task.taskId) ?? 0) + 1;
    this.attempts.set(task.taskId, attempt);
    const delayMs = Math.min(
      this.settings.retryInitialIntervalMs * 2 ** Math.min(attempt - 1, 30),
      this.settings.retryMaximumIntervalMs,
    );
    this.host.logger.warn('outbox task failed; it will be retried', {
      shard: this.host.shardId,
      task: task.task.kind,
      taskId: task.taskId,
      workflowId: task.key.workflowId,
      attempt,
      retryInMs: delayMs,
      error: String(error),
    });
    this.later(task, delayMs);
  }

  private later(task: QueuedTask, delayMs: number): void {
    if (this.isStopped) return;
    const timer = this.host.clock.setTimer(() => {
      this.timers.delete(timer);
      this.enqueue(task);
    }, delayMs);
    this.timers.add(timer);
  }

  private forget(task: QueuedTask): void {
    this.attempts.delete(task.taskId);
    this.inMemory -= 1;
    this.readIfRoom();
  }

  private complete(taskId: number): void {
    this.completions.push(taskId);
    if (this.completionTimer) return;
    this.completionTimer = this.host.clock.setTimer(() => {
      this.completionTimer = undefined;
      const taskIds = this.completions;
      this.completions = [];
      this.host.store
        .completeTasks({ shardId: this.host.shardId, rangeId: this.host.rangeId, taskIds })
        .catch((error: unknown) =>
          // The tasks stay in the store and run once more after a restart; they are idempotent.
          this.host.logger.warn('deleting done tasks failed', { shard: this.host.shardId, error: String(error) }),
        );
    }, this.settings.completionBatchDelayMs);
  }
}
