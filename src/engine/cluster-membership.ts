// The processes that share one database, and which of them holds each shard: what a process needs to
// forward a request to the owner of its shard. Each member writes a heartbeat row every `everyMs`
// (with its internal gRPC address and its HTTP address) and reads every member and shard lease back. A
// member whose heartbeat is older than `deadAfterMs` is dead: its shards are not routed to, and its
// leases end on their own. A clean stop deletes the member's row.
//
// Modes: created -> started (`start()`: first heartbeat and read, then one pass per `everyMs`) ->
// stopped (`stop()`: no more passes, the row is deleted).
import type { Clock } from '../common/clock';
import { repeatEvery, type Repeating } from '../common/repeat';
import type { Logger } from '../common/logger';
import type { ClusterMember, ShardOwner, Store } from '../store/store';

export interface MemberAddress {
  readonly memberId: string;
  readonly rpcAddress: string;
  readonly httpAddress: string;
}

export interface MembershipSettings {
  /** How often the heartbeat is written and the view read. */
  readonly everyMs: number;
  /** A member silent this long is dead (the shard lease: its shards move after that anyway). */
  readonly deadAfterMs: number;
  /** Rows of members silent this long are deleted (each process start is a new member). */
  readonly forgetAfterMs: number;
}

export const defaultMembershipSettings: MembershipSettings = {
  everyMs: 1000,
  deadAfterMs: 5000,
  forgetAfterMs: 60 * 60 * 1000,
};

export class ClusterMembership {
  private members: readonly ClusterMember[] = [];
  private shards: readonly ShardOwner[] = [];
  /** Who held each shard at the last read (undefined before the first). */
  private lastOwners: Map<number, string | undefined> | undefined;
  private timer: Repeating | undefined;
  private isStopped = false;
  private passing: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly self: MemberAddress;
      /** Shards that have a new holder since the last read of the view. */
      readonly onOwnersChanged?: (shardIds: number[]) => void;
    },
    private readonly settings: MembershipSettings,
  ) {}

  get self(): MemberAddress {
    return this.deps.self;
  }

  async start(): Promise<void> {
    await this.pass();
    if (this.isStopped) return;
    this.timer = repeatEvery(
      this.deps.clock,
      this.settings.everyMs,
      () => this.pass(),
      (error) => this.deps.logger.warn('cluster heartbeat failed; retrying', { error: String(error) }),
    );
  }

  /** Writes this member's heartbeat and reads the cluster again. Passes never overlap. */
  pass(): Promise<void> {
    this.passing ??= this.runPass().finally(() => {
      this.passing = undefined;
    });
    return this.passing;
  }

  /** Reads the cluster again without a heartbeat (a request met a stale route). */
  async refresh(): Promise<void> {
    const view = await this.deps.store.readMembership();
    this.members = view.members;
    this.shards = view.shards;
    const owners = new Map(view.shards.map((shard) => [shard.shardId, this.ownerOf(shard.shardId)?.memberId]));
    const before = this.lastOwners;
    this.lastOwners = owners;
    if (!before || !this.deps.onOwnersChanged) return;
    const changed = [...owners]
      .filter(([shardId, owner]) => owner !== undefined && before.get(shardId) !== owner)
      .map(([id]) => id);
    if (changed.length > 0) this.deps.onOwnersChanged(changed);
  }

  private async runPass(): Promise<void> {
    const nowMs = this.deps.clock.nowMs();
    await this.deps.store.heartbeatMember({
      member: { ...this.deps.self, heartbeatMs: nowMs },
      forgetBeforeMs: nowMs - this.settings.forgetAfterMs,
    });
    await this.refresh();
  }

  /** Members whose heartbeat is recent, this one included. */
  liveMembers(): MemberAddress[] {
    const since = this.deps.clock.nowMs() - this.settings.deadAfterMs;
    return this.members.filter((member) => member.heartbeatMs >= since || member.memberId === this.deps.self.memberId);
  }

  /** The live member whose live lease holds the shard, if any. */
  ownerOf(shardId: number): MemberAddress | undefined {
    const nowMs = this.deps.clock.nowMs();
    const shard = this.shards[shardId];
    if (!shard || shard.shardId !== shardId || shard.leaseExpiresMs <= nowMs) return undefined;
    return this.liveMembers().find((member) => member.memberId === shard.owner);
  }

  /** The live members' ids, this one's included. */
  liveMemberIds(): string[] {
    return this.liveMembers().map((member) => member.memberId);
  }

  /** The live member of this id, if any. */
  member(memberId: string): MemberAddress | undefined {
    return this.liveMembers().find((member) => member.memberId === memberId);
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    this.timer?.cancel();
    await this.passing?.catch(() => undefined);
    await this.deps.store.removeMember(this.deps.self.memberId).catch((error: unknown) => {
      this.deps.logger.warn('leaving the cluster failed; the row is forgotten later', { error: String(error) });
    });
  }
}
