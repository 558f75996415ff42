// What makes a process on a shared database a cluster member: the internal gRPC server other members
// forward to, the heartbeat and view of the cluster (engine/cluster-membership.ts), and the router and
// forwarder the public port uses. Built by server.ts after the public servers are bound.
import * as os from 'node:os';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { Store } from './store/store';
import type { ApiDeps } from './api/api-deps';
import { shutdownGrpc, startGrpcServer } from './api/grpc-server';
import type { Forwarding } from './api/grpc-service';
import { Router } from './api/forwarding/router';
import { Forwarder } from './api/forwarding/forwarder';
import { ClusterMembership, defaultMembershipSettings } from './engine/cluster-membership';
import { LEADER_SHARD } from './engine/shard-leaser';

export interface ClusterNode {
  readonly membership: ClusterMembership;
  readonly forwarding: Forwarding;
  readonly internalPort: number;
  /** The HTTP base URL of the member holding the shards, when that is another process. */
  leaderHttpAddress(): string | undefined;
  /** Whether some member (this one or another) serves the shards. */
  hasLeader(): boolean;
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
}): Promise<ClusterNode & { start(): Promise<void> }> {
  const { deps, logger, memberId } = params;
  const internal = await startGrpcServer(deps, hostPort(params.bindIp, params.internalPort), logger, {
    isServing: () => deps.engine.ownedShardCount > 0,
  });
  const membership = new ClusterMembership(
    {
      store: params.store,
      clock: params.clock,
      logger,
      self: {
        memberId,
        rpcAddress: hostPort(params.advertiseHost, internal.port),
        httpAddress: `http://${hostPort(params.advertiseHost, params.httpPort)}`,
      },
    },
    {
      ...defaultMembershipSettings,
      everyMs: Math.max(50, params.shardLeaseMs / 5),
      deadAfterMs: params.shardLeaseMs,
    },
  );
  const router = new Router({ engine: deps.engine, namespaces: deps.namespaces, membership });
  const forwarder = new Forwarder(memberId);
  const leader = () => (deps.engine.ownsShard(LEADER_SHARD) ? undefined : membership.ownerOf(LEADER_SHARD));
  return {
    membership,
    forwarding: { router, forwarder },
    internalPort: internal.port,
    leaderHttpAddress: () => leader()?.httpAddress,
    hasLeader: () => deps.engine.ownsShard(LEADER_SHARD) || leader() !== undefined,
    start: () => membership.start(),
    stop: async () => {
      await membership.stop();
      forwarder.close();
      await shutdownGrpc(internal.server, params.clock);
    },
  };
}
