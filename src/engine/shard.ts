// A history shard: the runs whose workflow id hashes to it, with one writer. Every change runs as a
// transaction on the shard's serial queue (one at a time, in arrival order); the runs it touched, the
// tasks it emitted and the tasks it finished are committed in one store write fenced by the shard's
// range id. Open runs stay in a bounded LRU cache; anything else is read from the store on demand.
//
// Modes: owned (from acquire, between start() and stop()) -> stopped (stop(), or the store reports that
// another owner took the shard: ShardOwnershipLostError). A stopped shard refuses new transactions.
import { LruCache } from '../common/lru-cache';
import { QueueFullError, SerialQueue } from '../common/serial-queue';
import { ServiceError, ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import { decodeEvent } from '../common/proto';
import {
  type ShardLease,
  type Store,
  type ExecutionWrite,
  type OutboxTaskRow,
  ShardOwnershipLostError,
} from '../store/store';
import { Transaction, type TransactionHost } from './transaction';
import type { Workflow } from './workflow';
import { workflowFromStored, workflowWrite, takeItemSnapshot } from './workflow-record';
import { type RunKey, runKeyString } from './tasks';
import { encodeTask, type QueuedTask } from './outbox';

/** Transactions that may wait for a shard's writer before new ones are refused (RESOURCE_EXHAUSTED). */
export const SHARD_QUEUE_MAX = 10_000;
/** Events read from the store in one go. */
const HISTORY_READ_PAGE = 1000;

export interface ShardDeps {
  readonly store: Store;
  /** Runs after a transaction's work and before its commit (the history limits). */
  readonly beforeCommit?: (tx: Transaction) => void;
  readonly logger: Logger;
  readonly nowMs: () => number;
  readonly shardIdOf: (namespaceId: string, workflowId: string) => number;
  readonly cacheCapacity: number;
  readonly verifyItemTracking: boolean;
  /** The run's earliest deadline (0 = none), persisted as its wake-up. */
  readonly wakeupOf: (workflow: Workflow) => number;
  /** The store refused a write because another owner took the shard: stop everything that serves it. */
  readonly onOwnershipLost: (shard: Shard) => void;
  /** After every commit (also of a transaction that wrote nothing): what the shard must act on next. */
  readonly onCommitted: (
    shard: Shard,
    committed: {
      readonly tasks: readonly QueuedTask[];
      readonly runs: readonly Workflow[];
      readonly changed: readonly Workflow[];
    },
  ) => void;
}

/**
 * Task ids a lease may issue before the next lease's first id (2^32). Outbox tasks and history events
 * share this id space, as in the Temporal server; range ids stay below 2^21, so ids stay exact numbers.
 */
const TASK_IDS_PER_LEASE = 2 ** 32;

export class Shard implements TransactionHost {
  readonly shardId: number;
  private readonly rangeId: number;
  private lastTaskId: number;
  private readonly queue = new SerialQueue(SHARD_QUEUE_MAX);
  private readonly cache: LruCache<string, Workflow>;
  private isStopped = false;

  constructor(
    lease: ShardLease,
    private readonly deps: ShardDeps,
  ) {
    this.shardId = lease.shardId;
    this.rangeId = lease.rangeId;
    // Ids only grow across leases: each lease starts past every id an earlier lease could have issued.
    this.lastTaskId = Math.max(lease.maxTaskId, lease.rangeId * TASK_IDS_PER_LEASE);
    this.cache = new LruCache(deps.cacheCapacity, (workflow) => workflow.isPinned);
  }

  get range(): number {
    return this.rangeId;
  }

  /** Transactions committed (also those that wrote nothing). */
  transactions = 0;

  get cachedRuns(): number {
    return this.cache.size;
  }

  get isOwned(): boolean {
    return !this.isStopped;
  }

  stop(): void {
    this.isStopped = true;
    this.cache.clear();
  }

  shardIdOf(namespaceId: string, workflowId: string): number {
    return this.deps.shardIdOf(namespaceId, workflowId);
  }

  /** Runs `fn` as one transaction of this shard and commits what it changed. */
  run<R>(fn: (tx: Transaction) => Promise<R> | R): Promise<R> {
    if (this.isStopped) return Promise.reject(shardUnavailable(this.shardId));
    return this.queue
      .run(() => this.transact(fn))
      .catch((error: unknown) => {
        if (error instanceof QueueFullError) {
          throw new ServiceError(
            ErrorCode.ResourceExhausted,
            `history shard ${this.shardId} is busy: ${error.message}`,
          );
        }
        throw error;
      });
  }

  private async transact<R>(fn: (tx: Transaction) => Promise<R> | R): Promise<R> {
    if (this.isStopped) throw shardUnavailable(this.shardId);
    const tx = new Transaction(this, this.deps.nowMs());
    try {
      const result = await fn(tx);
      this.deps.beforeCommit?.(tx);
      await this.commit(tx);
      return result;
    } catch (error) {
      // The cached runs may hold uncommitted changes: the next access reloads what was committed.
      for (const id of tx.touched.keys()) this.cache.delete(id);
      if (error instanceof ShardOwnershipLostError) this.lose(error);
      throw error;
    }
  }

  private lose(error: ShardOwnershipLostError): void {
    this.deps.logger.error('shard ownership lost: it stops taking writes', {
      shard: this.shardId,
      error: error.message,
    });
    this.stop();
    this.deps.onOwnershipLost(this);
  }

  async load(key: RunKey): Promise<Workflow | undefined> {
    const id = runKeyString(key);
    const cached = this.cache.get(id);
    if (cached) return cached;
    const stored = await this.deps.store.getExecution({ key });
    if (!stored) return undefined;
    const [first] = await this.deps.store.readHistory({ key, fromEventId: 1, limit: 1 });
    const workflow = workflowFromStored(stored, first ? decodeEvent(first.data) : undefined, () => this.nextTaskId());
    if (this.deps.verifyItemTracking) takeItemSnapshot(workflow);
    else workflow.persisted.coreJson = '';
    this.cache.set(id, workflow);
    return workflow;
  }

  currentRunId(namespaceId: string, workflowId: string): Promise<string | undefined> {
    return this.deps.store.getCurrentRunId({ namespaceId, workflowId });
  }

  async readEvent(key: RunKey, eventId: number): Promise<Uint8Array | undefined> {
    const [stored] = await this.deps.store.readHistory({ key, fromEventId: eventId, toEventId: eventId + 1, limit: 1 });
    return stored?.data;
  }

  async readEvents(key: RunKey, fromEventId: number, toEventId: number): Promise<Uint8Array[]> {
    const stored = await this.deps.store.readHistory({ key, fromEventId, toEventId, limit: HISTORY_READ_PAGE });
    return stored.map((event) => event.data);
  }

  /** Allocator handed to new runs of this shard. */
  nextTaskId(): number {
    this.lastTaskId += 1;
    return this.lastTaskId;
  }

  private async commit(tx: Transaction): Promise<void> {
    const runs = [...tx.touched.values()];
    const executions: ExecutionWrite[] = [];
    const written = new Map<Workflow, { write: ExecutionWrite; wakeupAtMs: number }>();
    const newTasks: OutboxTaskRow[] = [];
    const queued: QueuedTask[] = [];
    const completedTaskIds: number[] = [];
    const deletedRuns: { key: RunKey; expectedVersion: number }[] = [];
    for (const workflow of runs) {
      const persisted = workflow.persisted;
      if (workflow.isDeleted) {
        if (persisted.version > 0) deletedRuns.push({ key: workflow.key, expectedVersion: persisted.version });
        completedTaskIds.push(...workflow.completedTaskIds);
        continue;
      }
      // A run that was only read, and whose wake-up has not come, needs no deadline computed.
      const isUntouched =
        !workflow.isModified &&
        persisted.version > 0 &&
        !(persisted.wakeupAtMs > 0 && persisted.wakeupAtMs <= tx.nowMs);
      const wakeupAtMs = isUntouched ? persisted.wakeupAtMs : this.deps.wakeupOf(workflow);
      const write = workflowWrite(workflow, wakeupAtMs, this.deps.verifyItemTracking);
      if (write) {
        executions.push(write);
        written.set(workflow, { write, wakeupAtMs });
      }
      for (const { taskId, task } of workflow.emittedTasks) {
        newTasks.push({ taskId, kind: task.kind, key: workflow.key, payload: encodeTask(task) });
        queued.push({ taskId, key: workflow.key, task });
      }
      completedTaskIds.push(...workflow.completedTaskIds);
    }
    if (executions.length > 0 || newTasks.length > 0 || completedTaskIds.length > 0 || deletedRuns.length > 0) {
      await this.deps.store.commitShard({
        shardId: this.shardId,
        rangeId: this.rangeId,
        executions,
        newTasks,
        completedTaskIds,
        deletedRuns,
      });
    }
    const changed = [...written.keys()];
    for (const workflow of runs) {
      if (workflow.isDeleted) {
        // Gone from the store: its waiters wake (and find it gone), its wake-up is disarmed.
        this.cache.delete(runKeyString(workflow.key));
        workflow.committed({ ...workflow.persisted, wakeupAtMs: 0 });
        changed.push(workflow);
        continue;
      }
      const entry = written.get(workflow);
      if (entry) {
        workflow.committed({
          version: workflow.persisted.version + 1,
          nextEventId: workflow.state.nextEventId,
          wakeupAtMs: entry.wakeupAtMs,
          // Kept only to verify that untracked changes never happen (tests): memory is for runs.
          coreJson: this.deps.verifyItemTracking ? entry.write.record.state : '',
        });
      } else {
        workflow.committed({ ...workflow.persisted });
      }
      if (this.deps.verifyItemTracking) takeItemSnapshot(workflow);
      this.cache.set(runKeyString(workflow.key), workflow);
    }
    this.transactions += 1;
    this.deps.onCommitted(this, { tasks: queued, runs, changed });
  }
}

function shardUnavailable(shardId: number): ServiceError {
  return new ServiceError(ErrorCode.Unavailable, `shard ${shardId} is not owned by this process`);
}
