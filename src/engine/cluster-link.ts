// What the engine (and matching, and the Nexus dispatcher) know of the other members of a cluster: a way to
// run a named call in the member that holds a shard, or in a named member, and which shards this member
// should hold. The API layer implements it over the internal gRPC port (api/forwarding/peer-client.ts);
// cluster-node.ts attaches it before the engine starts. A process alone on its database has none, and
// holds every shard.

/** A call another member runs, by name (see the op tables: engine/owner-calls.ts and cluster-node.ts). */
export interface Peers {
  readonly selfId: string;
  /** Runs `op` in the live member holding the shard; rejects UNAVAILABLE when none does. */
  callShardOwner(shardId: number, op: string, args: unknown): Promise<unknown>;
  /** Runs `op` in the member of this id; rejects UNAVAILABLE when it is gone. */
  callMember(memberId: string, op: string, args: unknown): Promise<unknown>;
}

export interface ClusterLink {
  readonly peers: Peers;
  /** Whether the shard's place is this member, as the live members share the shards out. */
  wantsShard(shardId: number): boolean;
}

/** An op run for another member: its arguments arrive as wire JSON (common/wire-json.ts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PeerOp = (args: any) => Promise<unknown>;

/**
 * The shards of `shardCount` that a member should hold: the live members sorted by id take the shards in
 * turn (shard i goes to member i mod n), so every member computes the same split from the same view, and
 * the split is as even as it can be.
 */
export function shardsOfMember(memberId: string, liveMemberIds: readonly string[], shardCount: number): Set<number> {
  const members = [...new Set(liveMemberIds)].sort();
  const index = members.indexOf(memberId);
  const shards = new Set<number>();
  if (index < 0) return shards;
  for (let shardId = index; shardId < shardCount; shardId += members.length) shards.add(shardId);
  return shards;
}

/**
 * The shard whose holder serves what belongs to no shard (namespaces, visibility, search attributes,
 * Nexus endpoints and the Nexus HTTP API): a write and the reads after it meet one cache.
 */
export const REGISTRY_SHARD = 0;

/** The calls that run where a run's shard is held (registered by engine/owner-calls.ts). */
export const OwnerOp = {
  StartChild: 'history.startChild',
  RecordChildClose: 'history.recordChildClose',
  CloseChild: 'history.closeChild',
  DeliverExternal: 'history.deliverExternal',
  ApplyCompletion: 'history.applyCompletion',
  StartWorkflowTask: 'history.startWorkflowTask',
  StartActivityTask: 'history.startActivityTask',
  StartQueryTask: 'history.startQueryTask',
  SystemSignalWithStart: 'history.systemSignalWithStart',
  ScheduleWorkflowCall: 'history.scheduleWorkflowCall',
} as const;
