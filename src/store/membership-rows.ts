// Rows of cluster_members and of the shards' leases as both adapters read them.
import type { ClusterMember, ShardOwner } from './store';

export interface MemberRow {
  readonly member_id: string;
  readonly rpc_address: string;
  readonly http_address: string;
  readonly heartbeat_ms: number | string;
}

export interface ShardOwnerRow {
  readonly shard_id: number;
  readonly owner: string;
  readonly lease_expires_ms: number | string;
}

export function memberOfRow(row: MemberRow): ClusterMember {
  return {
    memberId: row.member_id,
    rpcAddress: row.rpc_address,
    httpAddress: row.http_address,
    heartbeatMs: Number(row.heartbeat_ms),
  };
}

export function shardOwnerOfRow(row: ShardOwnerRow): ShardOwner {
  return { shardId: row.shard_id, owner: row.owner, leaseExpiresMs: Number(row.lease_expires_ms) };
}
