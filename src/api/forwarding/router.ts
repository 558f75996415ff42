// Decides, for a request that arrived on the public port, whether this process serves it or which
// member it goes to: the owner of the shard its route key names (engine.shardIdOf for a workflow id,
// engine.taskQueueShardIdOf for a task queue), as the cluster view says. A shard this process owns, or
// one whose owner is unknown or dead, is served here (a shard nobody serves answers UNAVAILABLE, which the
// SDK retries). It also catches the namespace cache up with namespaces other processes registered.
import type { HistoryEngine } from '../../engine/history-engine';
import type { NamespaceRegistry } from '../../engine/namespace-registry';
import type { ClusterMembership, MemberAddress } from '../../engine/cluster-membership';
import { REGISTRY_SHARD } from '../../engine/cluster-link';
import { routeOf, type RouteKey } from './route-of';

export class Router {
  constructor(
    private readonly deps: {
      readonly engine: HistoryEngine;
      readonly namespaces: NamespaceRegistry;
      readonly membership: ClusterMembership;
    },
  ) {}

  get selfId(): string {
    return this.deps.membership.self.memberId;
  }

  /** The member that must serve this request, or undefined for this process. */
  async targetOf(method: string, request: { namespace?: unknown }): Promise<MemberAddress | undefined> {
    if (typeof request.namespace === 'string') await this.deps.namespaces.catchUp(request.namespace);
    const key = routeOf(method, request);
    if (!key) return undefined;
    const target = this.memberFor(key);
    return target && target.memberId !== this.selfId ? target : undefined;
  }

  /** Reads the cluster again: a forward met a member that is gone or no longer owns the shard. */
  refresh(): Promise<void> {
    return this.deps.membership.refresh();
  }

  private memberFor(key: RouteKey): MemberAddress | undefined {
    switch (key.kind) {
      case 'member':
        return this.deps.membership.member(key.memberId);
      case 'registry':
        return this.ownerOf(REGISTRY_SHARD);
      case 'run': {
        const namespaceId = key.isNamespaceId ? key.namespace : this.deps.namespaces.findByName(key.namespace)?.id;
        return namespaceId === undefined
          ? undefined
          : this.ownerOf(this.deps.engine.shardIdOf(namespaceId, key.workflowId));
      }
      case 'task-queue': {
        const namespaceId = this.deps.namespaces.findByName(key.namespace)?.id;
        return namespaceId === undefined
          ? undefined
          : this.ownerOf(this.deps.engine.taskQueueShardIdOf(namespaceId, key.taskQueue));
      }
    }
  }

  private ownerOf(shardId: number): MemberAddress | undefined {
    if (this.deps.engine.ownsShard(shardId)) return undefined;
    return this.deps.membership.ownerOf(shardId);
  }
}
