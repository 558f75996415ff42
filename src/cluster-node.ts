// What makes a process on a shared database a cluster member: the internal gRPC server other members
// forward requests and send peer calls to, the heartbeat and view of the cluster
// (engine/cluster-membership.ts), the engine's link to the others (its share of the shards, peer calls),
// and the router and forwarder the public port uses. Built by server.ts after the public servers are
// bound; start() joins before the engine takes shards.
import * as os from 'node:os';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { Store } from './store/store';
import type { ApiDeps } from './api/api-deps';
import { shutdownGrpc, startGrpcServer } from './api/grpc-server';
import type { Forwarding } from './api/grpc-service';
import { Router } from './api/forwarding/router';
import type { RpcTracer } from './api/rpc-tracing';
import { Forwarder } from './api/forwarding/forwarder';
import { ClusterMembership, defaultMembershipSettings } from './engine/cluster-membership';
import { REGISTRY_SHARD, shardsOfMember, type PeerOp } from './engine/cluster-link';
import { PeerClient, peerService } from './api/forwarding/peer-calls';
import { MATCHING_OFFER, type OfferArgs, type TaskRouting } from './matching/task-routing';
import { NEXUS_TAKE_TASK } from './nexus/nexus-task-dispatcher';
import type { CircuitBreakers } from './nexus/circuit-breaker';

/** The peer call that makes a member read namespaces and Nexus endpoints again. */
const REGISTRY_REFRESH = 'registry.refresh';
/** The peer call that holds a member's circuit breaker open, as another member's opened. */
const BREAKER_OPENED = 'nexus.breakerOpened';

export interface ClusterNode {
  readonly membership: ClusterMembership;
  readonly forwarding: Forwarding;
  readonly internalPort: number;
  /** The HTTP base URL of the member holding the shards, when that is another process. */
  registryHttpAddress(): string | undefined;
  /** Whether some member (this one or another) serves the shards. */
  hasRegistryHolder(): boolean;
  stop(): Promise<void>;
}

/** host for an address other processes dial: the bind address, or this machine's if it binds every one. */
export function advertisedHost(ip: string, advertiseIp: string | undefined): string {
  if (advertiseIp) return advertiseIp;
  if (ip !== '0.0.0.0' && ip !== '::') return ip;
  for (const addresses of Object.values(os.networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Binds the internal port; membership starts with start(). */
export async function createClusterNode(params: {
  readonly deps: ApiDeps;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly memberId: string;
  readonly bindIp: string;
  readonly advertiseHost: string;
  readonly internalPort: number;
  /** The bound port of this process's Nexus HTTP server. */
  readonly httpPort: number;
  readonly shardLeaseMs: number;
  readonly routing: TaskRouting;
  readonly breakers: CircuitBreakers;
  /** Spans of the requests forwarded here (tracing on only). */
  readonly rpcTracer?: RpcTracer | undefined;
}): Promise<ClusterNode & { start(): Promise<void> }> {
  const { deps, logger, memberId } = params;
  const { engine, namespaces } = deps;
  const ops: Record<string, PeerOp> = {
    ...engine.ops,
    [MATCHING_OFFER]: (args: OfferArgs) => params.routing.offerHere(args),
    [NEXUS_TAKE_TASK]: (args: { taskId: string }) => Promise.resolve(deps.nexus.dispatcher.take(args.taskId) ?? null),
    [REGISTRY_REFRESH]: () => namespaces.load().then(() => deps.nexus.endpoints.refresh()),
    [BREAKER_OPENED]: (args: { key: string; openMs: number }) => {
      params.breakers.holdOpen(args.key, args.openMs);
      return Promise.resolve(null);
    },
  };
  const internal = await startGrpcServer(deps, hostPort(params.bindIp, params.internalPort), logger, {
    isServing: () => engine.ownedShardCount > 0,
    // A request forwarded here may name a namespace registered through another member a moment ago.
    prepare: async (request) => {
      if (typeof request.namespace === 'string') await namespaces.catchUp(request.namespace);
    },
    services: [peerService(ops, logger, () => namespaces.load())],
    observer: params.rpcTracer ? { nowMs: () => params.clock.nowMs(), tracer: params.rpcTracer } : undefined,
  });
  const membership: ClusterMembership = new ClusterMembership(
    {
      store: params.store,
      clock: params.clock,
      logger,
      self: {
        memberId,
        rpcAddress: hostPort(params.advertiseHost, internal.port),
        httpAddress: `http://${hostPort(params.advertiseHost, params.httpPort)}`,
      },
      // The old holder's matching had the tasks of these queues in memory: offer them again to the new one.
      onOwnersChanged: (shardIds) => engine.reofferDispatch(shardIds),
    },
    {
      ...defaultMembershipSettings,
      everyMs: Math.max(50, params.shardLeaseMs / 5),
      deadAfterMs: params.shardLeaseMs,
    },
  );
  const router = new Router({ engine, namespaces, membership });
  const forwarder = new Forwarder(memberId);
  const stopping = new AbortController();
  const peers = new PeerClient({ membership, forwarder, clock: params.clock, signal: stopping.signal });
  // A namespace or endpoint written here is read again by every member before the write is answered.
  namespaces.afterWrite = () => peers.broadcast(REGISTRY_REFRESH, null);
  deps.nexus.endpoints.afterWrite = () => peers.broadcast(REGISTRY_REFRESH, null);
  // A circuit breaker that opens here opens on every member (the breaker of a run's member decides its calls).
  params.breakers.onOpen = (key, openMs) => void peers.broadcast(BREAKER_OPENED, { key, openMs });
  engine.joinCluster({
    peers,
    wantsShard: (shardId) =>
      shardsOfMember(memberId, [...membership.liveMemberIds(), memberId], engine.shardCount).has(shardId),
  });
  const registryHolder = () => (engine.ownsShard(REGISTRY_SHARD) ? undefined : membership.ownerOf(REGISTRY_SHARD));
  return {
    membership,
    forwarding: { router, forwarder },
    internalPort: internal.port,
    registryHttpAddress: () => registryHolder()?.httpAddress,
    hasRegistryHolder: () => engine.ownsShard(REGISTRY_SHARD) || registryHolder() !== undefined,
    start: () => membership.start(),
    stop: async () => {
      stopping.abort();
      await membership.stop();
      forwarder.close();
      await shutdownGrpc(internal.server, params.clock);
    },
  };
}
