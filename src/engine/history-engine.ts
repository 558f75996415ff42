// The history engine: the shards of this process, each with its writer (Shard), its outbox task
// processor and its wake-ups. It routes every change to the shard of the workflow id, hands out what a
// commit implies (tasks to the processor, the next wake-up, history waiters), and serves history reads.
//
// Modes: created -> started (`start()`: the cluster's shard count is read or stored, every shard is
// acquired, the processors and wake-ups start reading what the store holds; no run is loaded) ->
// stopped (`stop()`: no new transactions, timers and waiters released).
import { setMaxListeners } from 'node:events';
import { fnv1a32 } from '../common/hash';
import type { Logger } from '../common/logger';
import { ServiceError, ErrorCode } from '../common/errors';
import type { ShardLease, Store, StoredEvent } from '../store/store';
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import { Shard } from './shard';
import { TaskProcessor, defaultTaskProcessorSettings, type TaskProcessorSettings } from './task-processor';
import { WakeupQueue, defaultWakeupQueueSettings, type WakeupQueueSettings } from './wakeup-queue';
import { ShardLeaser, defaultShardLeaseSettings, type ShardLeaseSettings } from './shard-leaser';
import type { QueuedTask, TaskExecutors } from './outbox';
import type { Workflow } from './workflow';
import type { TaskSink, RunKey, MatchTask } from './tasks';
import { runKeyString } from './tasks';
import { nextDeadline, processDeadlines } from './deadlines';
import { enforceHistoryLimits } from './history-limits';
import type { PendingQuery } from './query-registry';
import { registerEngineExecutors } from './engine-executors';
import { upgradeLegacyRuns } from './legacy-upgrade';
import type { ClusterLink, PeerOp } from './cluster-link';
import { registerOwnerCalls } from './owner-calls';
import { dispatchQueues } from './outbox';

export interface HistoryEngineOptions {
  /** Shards of a new database (an existing one keeps its own count). */
  readonly shardCount: number;
  /** Names this process as the shards' owner. */
  readonly owner: string;
  readonly taskProcessor?: Partial<TaskProcessorSettings>;
  readonly wakeups?: Partial<WakeupQueueSettings>;
  readonly leases?: Partial<ShardLeaseSettings>;
  /** Runs before this process starts serving shards after holding none (see ShardLeaserDeps). */
  readonly beforeServing?: () => Promise<void>;
}

/** How long a failed pass of reofferDispatch waits before it is tried again. */
const REOFFER_RETRY_MS = 1000;

/** Waiters of one run's history (long polls), bounded by the RPCs in flight. */
type Waiters = Set<() => void>;

export class HistoryEngine {
  private shards: Shard[] = [];
  // Indexed by shard id; a hole is a shard another process owns.
  private readonly processors: (TaskProcessor | undefined)[] = [];
  private readonly wakeupQueues: (WakeupQueue | undefined)[] = [];
  private clusterShardCount = 0;
  private leaser: ShardLeaser | undefined;
  private readonly historyWaiters = new Map<string, Waiters>();
  private isStopped = false;
  /** Executors of outbox tasks by kind; the engine registers its own, server.ts the rest. */
  readonly executors: TaskExecutors = {};
  /** Queries in flight, by id, across all runs. */
  readonly pendingQueries = new Map<string, PendingQuery>();
  /** Aborted by stop(): long polls end with it. */
  private readonly stopping = new AbortController();
  /** The other members, when this process is one of a cluster (joinCluster). */
  private link: ClusterLink | undefined;
  /** Calls that run where a shard is held, by name: this process's own, and those other members send. */
  readonly ops: Record<string, PeerOp> = {};
  /** Task-queue shards whose dispatch tasks wait to be offered again (see reofferDispatch). */
  private readonly reofferShards = new Set<number>();
  private reoffering: Promise<void> | undefined;

  constructor(
    readonly ctx: EngineContext,
    readonly store: Store,
    private readonly sink: TaskSink,
    readonly logger: Logger,
    private readonly options: HistoryEngineOptions,
  ) {
    registerEngineExecutors(this);
    registerOwnerCalls(this);
    // Every long poll in flight listens for the stop (removed when it ends): as many as the RPCs in flight.
    setMaxListeners(0, this.stopping.signal);
  }

  get shardCount(): number {
    return this.clusterShardCount;
  }

  /** Shards this process owns now. */
  get ownedShardCount(): number {
    return this.shards.reduce((count, shard) => count + (shard.isOwned ? 1 : 0), 0);
  }

  /** Aborts when the engine stops. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Runs in the caches of all shards. */
  get cachedRuns(): number {
    return this.shards.reduce((sum, shard) => sum + shard.cachedRuns, 0);
  }

  /** Makes this engine one member of a cluster: it holds its share of the shards and calls the others. */
  joinCluster(link: ClusterLink): void {
    this.link = link;
  }

  get clusterLink(): ClusterLink | undefined {
    return this.link;
  }

  async start(): Promise<void> {
    const { shardCount } = await this.store.initializeCluster({ shardCount: this.options.shardCount });
    this.clusterShardCount = shardCount;
    const leases = { ...defaultShardLeaseSettings, ...this.options.leases };
    this.leaser = new ShardLeaser(
      {
        store: this.store,
        clock: this.ctx.clock,
        logger: this.logger,
        owner: this.options.owner,
        shardCount,
        held: () => this.heldShards(),
        wants: (shardId) => this.link?.wantsShard(shardId) ?? true,
        adopt: (lease) => this.adopt(lease),
        beforeServing: this.options.beforeServing ?? (() => Promise.resolve()),
        lose: (shardId) => this.drop(shardId),
      },
      leases,
    );
    await this.leaser.pass();
    await upgradeLegacyRuns(this);
    // A process that steals (alone on its own database) has nothing to renew or wait for: no idle writes.
    if (!leases.steal) this.leaser.start();
  }

  private heldShards(): { shardId: number; rangeId: number }[] {
    return this.shards
      .filter((shard) => shard.isOwned)
      .map((shard) => ({ shardId: shard.shardId, rangeId: shard.range }));
  }

  /** Serves a shard this process has just taken: its transactions, outbox tasks and wake-ups. */
  private adopt(lease: ShardLease): void {
    if (this.isStopped) return;
    const { shardId } = lease;
    this.drop(shardId);
    const cacheCapacity = Math.max(16, Math.ceil(this.ctx.config.runCacheMax / this.clusterShardCount));
    const shard = new Shard(lease, {
      store: this.store,
      logger: this.logger,
      nowMs: () => this.ctx.clock.nowMs(),
      shardIdOf: (namespaceId, workflowId) => this.shardIdOf(namespaceId, workflowId),
      cacheCapacity,
      verifyItemTracking: this.ctx.config.verifyItemTracking,
      wakeupOf: (workflow) => nextDeadline(this.ctx, workflow),
      beforeCommit: (tx) => enforceHistoryLimits(this.ctx, tx, this.logger),
      onCommitted: (_shard, committed) => this.onCommitted(shardId, committed),
      // Only this shard object: a later adoption of the same shard id has a new one.
      onOwnershipLost: (lost) => {
        if (this.shards[shardId] === lost) this.drop(shardId);
      },
    });
    this.shards[shardId] = shard;
    const serialize = <R>(fn: () => Promise<R>): Promise<R> => shard.run(() => fn());
    const processor = new TaskProcessor(
      {
        shardId,
        rangeId: shard.range,
        store: this.store,
        clock: this.ctx.clock,
        logger: this.logger,
        executors: this.executors,
        serialize,
      },
      { ...defaultTaskProcessorSettings, ...this.options.taskProcessor },
    );
    const wakeups = new WakeupQueue(
      {
        shardId,
        store: this.store,
        clock: this.ctx.clock,
        logger: this.logger,
        serialize,
        wake: (key) => this.wake(key),
      },
      { ...defaultWakeupQueueSettings, ...this.options.wakeups },
    );
    this.processors[shardId] = processor;
    this.wakeupQueues[shardId] = wakeups;
    processor.start();
    wakeups.start();
  }

  /** Stops serving a shard (lost to another process, or the engine stops). */
  private drop(shardId: number): void {
    // Also when the shard was lost to a fenced write (no longer owned by now): its polls must end here.
    if (this.shards[shardId]) this.sink.releaseShard(shardId);
    this.processors[shardId]?.stop();
    this.wakeupQueues[shardId]?.stop();
    this.shards[shardId]?.stop();
    this.processors[shardId] = undefined;
    this.wakeupQueues[shardId] = undefined;
  }

  /** Stops every shard; ends this process's leases so that another process takes them at once. */
  async stop(): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    this.stopping.abort();
    const held = this.heldShards();
    for (let shardId = 0; shardId < this.shards.length; shardId += 1) this.drop(shardId);
    for (const waiters of this.historyWaiters.values()) for (const wake of [...waiters]) wake();
    this.historyWaiters.clear();
    await this.leaser?.stop(held);
  }

  shardIdOf(namespaceId: string, workflowId: string): number {
    return fnv1a32(`${namespaceId}\u0000${workflowId}`) % Math.max(1, this.clusterShardCount);
  }

  /** The shard whose owner serves a task queue's matching. */
  taskQueueShardIdOf(namespaceId: string, taskQueue: string): number {
    return fnv1a32(`${namespaceId}\u0000${taskQueue}\u0000queue`) % Math.max(1, this.clusterShardCount);
  }

  /** Whether this process serves the shard now. */
  ownsShard(shardId: number): boolean {
    return this.shards[shardId]?.isOwned === true;
  }

  shardOf(namespaceId: string, workflowId: string): Shard {
    if (this.isStopped) throw new ServiceError(ErrorCode.Unavailable, 'the history engine is not running');
    const shardId = this.shardIdOf(namespaceId, workflowId);
    const shard = this.shards[shardId];
    if (!shard?.isOwned) {
      // Temporal's ShardOwnershipLost: the SDK retries UNAVAILABLE; a load balancer that checks
      // grpc.health.v1 sends it to the process that owns the shards.
      throw new ServiceError(
        ErrorCode.Unavailable,
        `history shard ${shardId} is not owned by this Causeway process (another process on the database holds its lease)`,
      );
    }
    return shard;
  }

  /**
   * Runs the named call (engine/owner-calls.ts) where the shard is held: here, or in the member that holds
   * it. Without a cluster it runs here (and a shard this process does not hold answers UNAVAILABLE).
   */
  atShardOwner<R>(shardId: number, op: string, args: unknown): Promise<R> {
    const local = this.ops[op];
    if (!local) return Promise.reject(new Error(`no call ${op}`));
    if (!this.link || this.ownsShard(shardId)) return local(args) as Promise<R>;
    return this.link.peers.callShardOwner(shardId, op, args) as Promise<R>;
  }

  /** atShardOwner for the shard of a workflow id. */
  atRunOwner<R>(
    target: { readonly namespaceId: string; readonly workflowId: string },
    op: string,
    args: unknown,
  ): Promise<R> {
    return this.atShardOwner(this.shardIdOf(target.namespaceId, target.workflowId), op, args);
  }

  /**
   * The task queues of these shards moved to another member (whose matching holds none of their tasks):
   * every shard held here offers its dispatch tasks for them again. Runs one pass at a time.
   */
  reofferDispatch(taskQueueShards: Iterable<number>): void {
    for (const shardId of taskQueueShards) this.reofferShards.add(shardId);
    if (this.reofferShards.size === 0 || this.isStopped) return;
    this.reoffering ??= this.runReoffers().finally(() => {
      this.reoffering = undefined;
    });
  }

  private async runReoffers(): Promise<void> {
    while (this.reofferShards.size > 0 && !this.isStopped) {
      const moved = new Set(this.reofferShards);
      this.reofferShards.clear();
      const select = (namespaceId: string, task: Parameters<typeof dispatchQueues>[0]): boolean =>
        dispatchQueues(task).some((queue) => moved.has(this.taskQueueShardIdOf(namespaceId, queue)));
      const passes = this.processors.flatMap((processor) => (processor ? [processor.reoffer(select)] : []));
      const failed = (await Promise.allSettled(passes)).find((pass) => pass.status === 'rejected');
      if (failed && !this.isStopped) {
        this.logger.warn('offering dispatch tasks again failed; trying again in a second', {
          error: String(failed.reason),
        });
        this.ctx.clock.setTimer(() => this.reofferDispatch(moved), REOFFER_RETRY_MS);
      }
    }
  }

  /** Runs `fn` as one transaction on the shard of the workflow id. */
  run<R>(
    target: { readonly namespaceId: string; readonly workflowId: string },
    fn: (tx: Transaction) => Promise<R> | R,
  ): Promise<R> {
    try {
      return this.shardOf(target.namespaceId, target.workflowId).run(fn);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private wake(key: RunKey): Promise<void> {
    return this.run(key, async (tx) => {
      const workflow = await tx.get(key);
      if (workflow) processDeadlines(this.ctx, tx, workflow);
    });
  }

  private onCommitted(
    shardId: number,
    committed: {
      readonly tasks: readonly QueuedTask[];
      readonly runs: readonly Workflow[];
      readonly changed: readonly Workflow[];
    },
  ): void {
    this.processors[shardId]?.onCommitted(committed.tasks);
    const wakeups = this.wakeupQueues[shardId];
    for (const workflow of committed.runs) wakeups?.arm(workflow.key, workflow.persisted.wakeupAtMs);
    // Only a written run has news for its waiters: waking them on reads would have long polls wake each other.
    for (const workflow of committed.changed) {
      const waiters = this.historyWaiters.get(runKeyString(workflow.key));
      if (waiters) for (const wake of [...waiters]) wake();
    }
  }

  /** Transactions committed on every shard (also those that wrote nothing). */
  get transactionCount(): number {
    return this.shards.reduce((sum, shard) => sum + shard.transactions, 0);
  }

  /** Waits until the run commits again (or the signal aborts, or the engine stops). */
  waitForHistory(key: RunKey, signal: AbortSignal): Promise<void> {
    const id = runKeyString(key);
    return new Promise((resolve) => {
      if (signal.aborted || this.isStopped) return resolve();
      let waiters = this.historyWaiters.get(id);
      if (!waiters) {
        waiters = new Set();
        this.historyWaiters.set(id, waiters);
      }
      const set = waiters;
      const wake = (): void => {
        set.delete(wake);
        if (set.size === 0) this.historyWaiters.delete(id);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      set.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  readHistory(params: {
    key: RunKey;
    fromEventId: number;
    toEventId?: number;
    limit: number;
    reverse?: boolean;
  }): Promise<StoredEvent[]> {
    return this.store.readHistory(params);
  }

  /** Hands a task to the matching of its task queue (here or in the member that holds the queue's shard). */
  offerTask(
    namespaceId: string,
    taskQueue: string,
    kind: 'workflow' | 'activity' | 'nexus',
    task: MatchTask,
    stickyFallback?: string,
  ): Promise<void> {
    return this.sink.offer(namespaceId, taskQueue, kind, task, stickyFallback);
  }

  backlogCount(namespaceId: string, taskQueue: string, kind: 'workflow' | 'activity' | 'nexus'): number {
    return this.sink.backlogCount(namespaceId, taskQueue, kind);
  }
}
