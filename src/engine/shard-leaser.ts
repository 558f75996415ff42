// Which shards this process owns. Every `renewEveryMs` it extends the leases of the shards it holds
// (a shard whose range id moved on is lost: another process took it, and every write of ours to it is
// fenced), gives up the shards whose place is now another member's, and tries to take every shard whose
// place is here and whose lease has run out or was given up. Where a shard's place is comes from
// `wants` (engine/cluster-link.ts: the live members share the shards out evenly); a process alone on its
// database wants every shard. So when a member dies or stops renewing (SIGKILL, SIGSTOP, a partition),
// the next pass after its leases end moves its shards to the live members, which run their pending tasks
// and wake-ups; when a member joins, the others hand it its share. A process that stops cleanly releases
// its leases at once.
// `steal` takes every shard at start without waiting (one process on its own SQLite file: a restart
// after a crash must not wait out the dead process's lease); such a process makes that one pass only.
import type { Clock } from '../common/clock';
import { repeatEvery, type Repeating } from '../common/repeat';
import type { Logger } from '../common/logger';
import type { ShardLease, Store } from '../store/store';

export interface ShardLeaseSettings {
  /** How long a lease lasts without renewal: the longest a dead owner's shards stay unserved. */
  readonly leaseMs: number;
  /** How often leases are renewed and free shards tried: well inside leaseMs. */
  readonly renewEveryMs: number;
  /** Take shards whatever their leases say (a single process on its own database). */
  readonly steal: boolean;
}

export const defaultShardLeaseSettings: ShardLeaseSettings = { leaseMs: 5000, renewEveryMs: 1000, steal: false };

export interface HeldShard {
  readonly shardId: number;
  readonly rangeId: number;
}

export interface ShardLeaserDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly owner: string;
  readonly shardCount: number;
  /** The shards this process serves now. */
  readonly held: () => readonly HeldShard[];
  /** Whether the shard's place is this process (it gives up a shard it holds that is not). */
  readonly wants: (shardId: number) => boolean;
  /** A shard was taken: serve it. */
  readonly adopt: (lease: ShardLease) => void;
  /** Before the first shard is served after holding none (a takeover): catch up on shared state. */
  readonly beforeServing: () => Promise<void>;
  /** A shard was lost (its range id moved on): stop serving it. */
  readonly lose: (shardId: number) => void;
}

export class ShardLeaser {
  private timer: Repeating | undefined;
  private isStopped = false;
  private passing: Promise<void> | undefined;

  constructor(
    private readonly deps: ShardLeaserDeps,
    private readonly settings: ShardLeaseSettings,
  ) {}

  /** One pass: renew what is held, take what is free. Passes never overlap. */
  pass(): Promise<void> {
    this.passing ??= this.runPass().finally(() => {
      this.passing = undefined;
    });
    return this.passing;
  }

  private async runPass(): Promise<void> {
    const { store, clock, owner } = this.deps;
    const held = this.deps.held();
    if (held.length > 0) {
      const kept = new Set(
        await store.renewShardLeases({ owner, shards: held, untilMs: clock.nowMs() + this.settings.leaseMs }),
      );
      for (const shard of held) {
        if (kept.has(shard.shardId) || this.isStopped) continue;
        this.deps.logger.warn('shard lease lost: another process owns the shard now', { shard: shard.shardId });
        this.deps.lose(shard.shardId);
      }
    }
    // Handed to the member whose place it is now; that member takes it at its next pass.
    for (const shard of this.deps.held()) {
      if (this.deps.wants(shard.shardId) || this.isStopped) continue;
      this.deps.logger.info('shard handed to another member', { shard: shard.shardId });
      this.deps.lose(shard.shardId);
      await store.releaseShard(shard);
    }
    const holding = new Set(this.deps.held().map((shard) => shard.shardId));
    for (let shardId = 0; shardId < this.deps.shardCount && !this.isStopped; shardId += 1) {
      if (holding.has(shardId) || !this.deps.wants(shardId)) continue;
      const lease = await store.acquireShard({
        shardId,
        owner,
        nowMs: clock.nowMs(),
        leaseMs: this.settings.leaseMs,
        steal: this.settings.steal,
      });
      if (!lease || this.isStopped) continue;
      if (holding.size === 0) await this.deps.beforeServing();
      holding.add(shardId);
      this.deps.adopt(lease);
    }
  }

  /** Passes every renewEveryMs until stop(). */
  start(): void {
    if (this.isStopped) return;
    this.timer = repeatEvery(
      this.deps.clock,
      this.settings.renewEveryMs,
      () => this.pass(),
      (error) => this.deps.logger.error('shard lease pass failed; retrying', { error: String(error) }),
    );
  }

  /** Stops passing and ends the leases of `released` at once, so another process need not wait. */
  async stop(released: readonly HeldShard[]): Promise<void> {
    this.isStopped = true;
    this.timer?.cancel();
    await this.passing?.catch(() => undefined);
    for (const shard of released) {
      await this.deps.store.releaseShard(shard).catch((error: unknown) => {
        this.deps.logger.warn('releasing a shard lease failed; it runs out on its own', {
          shard: shard.shardId,
          error: String(error),
        });
      });
    }
  }
}
