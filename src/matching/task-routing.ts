// The engine's TaskSink: a task goes to the matching of its task queue, which lives with the shard of
// the queue (engine.taskQueueShardIdOf): in this process's MatchingService when it holds that shard, else
// in the member that does (the peer call MATCHING_OFFER). A sticky workflow task whose sticky queue has no
// worker polling goes to its normal queue, decided where the sticky queue lives (as the Temporal
// server's matching answers StickyWorkerUnavailable).
import type { Clock } from '../common/clock';
import { ServiceError, ErrorCode } from '../common/errors';
import type { ClusterLink } from '../engine/cluster-link';
import type { MatchTask, TaskSink } from '../engine/tasks';
import type { MatchingService, TaskQueueKind } from './matching-service';

/** The peer call that offers a task to this member's matching. */
export const MATCHING_OFFER = 'matching.offer';

export interface OfferArgs {
  readonly namespaceId: string;
  readonly taskQueue: string;
  readonly kind: TaskQueueKind;
  readonly task: MatchTask;
  readonly stickyFallback?: string | null;
}

export interface TaskRoutingDeps {
  readonly matching: MatchingService<MatchTask>;
  readonly clock: Clock;
  readonly taskQueueShardIdOf: (namespaceId: string, taskQueue: string) => number;
  readonly ownsShard: (shardId: number) => boolean;
  /** The cluster, when this process is a member of one. */
  readonly cluster: () => ClusterLink | undefined;
}

export class TaskRouting implements TaskSink {
  constructor(private readonly deps: TaskRoutingDeps) {}

  offer(
    namespaceId: string,
    taskQueue: string,
    kind: TaskQueueKind,
    task: MatchTask,
    stickyFallback?: string,
  ): Promise<void> {
    const cluster = this.deps.cluster();
    const shardId = cluster ? this.deps.taskQueueShardIdOf(namespaceId, taskQueue) : -1;
    if (cluster && !this.deps.ownsShard(shardId)) {
      const args: OfferArgs = { namespaceId, taskQueue, kind, task, stickyFallback: stickyFallback ?? null };
      return cluster.peers.callShardOwner(shardId, MATCHING_OFFER, args).then(() => undefined);
    }
    return this.offerHere({ namespaceId, taskQueue, kind, task, stickyFallback: stickyFallback ?? null });
  }

  /** Offers to this process's matching (the peer call MATCHING_OFFER lands here). */
  offerHere(args: OfferArgs): Promise<void> {
    const { namespaceId, taskQueue, kind, task, stickyFallback } = args;
    const { matching, clock } = this.deps;
    if (stickyFallback && !matching.hasRecentPoller(namespaceId, taskQueue, kind, clock.nowMs())) {
      return this.offer(namespaceId, stickyFallback, kind, task);
    }
    if (this.deps.cluster() && !this.deps.ownsShard(this.deps.taskQueueShardIdOf(namespaceId, taskQueue))) {
      // Sent here as the queue's holder, but its shard moved on: the sender tries again where it is now.
      return Promise.reject(
        new ServiceError(ErrorCode.Unavailable, `task queue ${taskQueue} is not served by this Causeway process`),
      );
    }
    matching.offer(namespaceId, taskQueue, kind, task);
    return Promise.resolve();
  }

  backlogCount(namespaceId: string, taskQueue: string, kind: TaskQueueKind): number {
    return this.deps.matching.find(namespaceId, taskQueue, kind)?.backlogCount ?? 0;
  }

  releaseShard(shardId: number): void {
    // Alone on its database a process holds every shard until it stops (and then releases every poll).
    if (!this.deps.cluster()) return;
    this.deps.matching.releaseWhere((namespaceId, name) => this.deps.taskQueueShardIdOf(namespaceId, name) === shardId);
  }
}
