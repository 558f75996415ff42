// The persistence boundary. Every adapter (SQLite today) implements this interface and passes the one
// contract suite in test/store/; nothing above store/ sees SQL. Methods are domain verbs on one readonly
// parameter object. Everything a history shard changes in one transaction is one `commitShard` call,
// fenced by the shard's range id (its ownership token) and by each run's version.
import type { VisibilityScope } from './visibility-sql';

export interface NamespaceRecord {
  readonly id: string;
  readonly name: string;
  /** temporal.api.enums.v1.NamespaceState */
  state: number;
  description: string;
  ownerEmail: string;
  retentionMs: number;
  data: Record<string, string>;
  /** Custom search attributes registered in this namespace: name -> IndexedValueType name. */
  searchAttributes: Record<string, string>;
  createdMs: number;
}

export interface ExecutionKey {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
}

/** The row that describes one run: visibility columns plus the serialized core of its mutable state. */
export interface ExecutionRecord {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
  workflowType: string;
  taskQueue: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus */
  status: number;
  startTimeMs: number;
  executionTimeMs: number;
  closeTimeMs: number | null;
  historyLength: number;
  nextEventId: number;
  parentWorkflowId: string | null;
  parentRunId: string | null;
  /** The run at the top of this run's chain of parents (itself without a parent); null in rows of older children. */
  rootWorkflowId: string | null;
  rootRunId: string | null;
  /** Encoded temporal.api.common.v1.Memo, or null. */
  memo: Uint8Array | null;
  /** Custom search attributes as JSON-friendly values (Datetime as epoch ms). */
  searchAttributes: Record<string, unknown>;
  /** The core of the mutable state (everything but its items), serialized by the engine. */
  state: string;
}

/** One entry of a run's mutable state kept in a row of its own (an activity, a timer, a callback...). */
export interface ExecutionItem {
  readonly kind: string;
  readonly id: string;
  /** Serialized by the engine. */
  readonly data: string;
}

export interface ExecutionItemKey {
  readonly kind: string;
  readonly id: string;
}

export interface StoredExecution {
  readonly record: ExecutionRecord;
  /** Incremented by every write of the run; a write names the version it read. */
  readonly version: number;
  readonly items: readonly ExecutionItem[];
  /** The run's persisted wake-up time, 0 = none. */
  readonly wakeupAtMs: number;
}

export interface StoredEvent {
  readonly eventId: number;
  readonly data: Uint8Array;
}

export interface ExecutionWrite {
  readonly record: ExecutionRecord;
  /** The version the writer loaded; absent for a new run. A mismatch is a StoreConflictError. */
  readonly expectedVersion?: number;
  readonly upsertItems: readonly ExecutionItem[];
  readonly deleteItems: readonly ExecutionItemKey[];
  readonly newEvents: readonly StoredEvent[];
  /** Make this run the current run of its workflow id. */
  readonly becomeCurrent?: boolean;
  /** The run's next wake-up: a time, 0 to remove it, absent to leave it as it is. */
  readonly wakeupAtMs?: number;
}

/** A follow-up task, written in the transaction that causes it and deleted once it has been done. */
export interface OutboxTaskRow {
  readonly taskId: number;
  readonly kind: string;
  readonly key: ExecutionKey;
  /** Serialized by the engine. */
  readonly payload: string;
}

export interface ShardCommit {
  readonly shardId: number;
  /** The owner's fencing token: the commit fails with ShardOwnershipLostError if the shard moved on. */
  readonly rangeId: number;
  readonly executions: readonly ExecutionWrite[];
  readonly newTasks: readonly OutboxTaskRow[];
  readonly completedTaskIds: readonly number[];
  /**
   * Closed runs to delete with everything they own (items, history, visibility, wake-up, and the current
   * pointer if it is theirs); each at the version its deleter read, else a StoreConflictError.
   */
  readonly deletedRuns?: readonly { readonly key: ExecutionKey; readonly expectedVersion: number }[];
}

export interface ShardLease {
  readonly shardId: number;
  readonly rangeId: number;
  /** The highest task id the shard has used, so new ids keep increasing. */
  readonly maxTaskId: number;
}

export interface WakeupRow {
  readonly key: ExecutionKey;
  readonly atMs: number;
}

export interface ListExecutionsParams {
  readonly namespaceId: string;
  readonly query: string;
  readonly pageSize: number;
  readonly nextPageToken?: Uint8Array | undefined;
  readonly searchAttributeTypes: Readonly<Record<string, string>>;
  /** The division and field names of what is listed (standalone Nexus operations); default: workflows. */
  readonly scope?: VisibilityScope;
}

export interface ListExecutionsResult {
  readonly records: ExecutionRecord[];
  readonly nextPageToken: Uint8Array | undefined;
}

export interface CountGroup {
  readonly values: unknown[];
  readonly count: number;
}

export interface NexusEndpointRecord {
  readonly id: string;
  readonly name: string;
  version: number;
  /** Encoded temporal.api.nexus.v1.EndpointSpec as base64, plus Causeway extensions. */
  spec: string;
  allowedCallerNamespaces: string[] | null;
  createdMs: number;
  updatedMs: number;
}

/** A process of the cluster: where others reach it, and when it last said it is alive. */
export interface ClusterMember {
  readonly memberId: string;
  /** host:port of its internal gRPC server (requests forwarded to the shards it owns). */
  readonly rpcAddress: string;
  /** Base URL of its Nexus HTTP server. */
  readonly httpAddress: string;
  readonly heartbeatMs: number;
}

/** Who holds a shard's lease, and until when. */
export interface ShardOwner {
  readonly shardId: number;
  readonly owner: string;
  readonly leaseExpiresMs: number;
}

/** One entry of the audit log: who did what to what, when, and how it ended. */
export interface AuditEvent {
  /** Increasing with each append (the page token of a listing). */
  readonly id: number;
  readonly timeMs: number;
  readonly principal: string;
  /** The RPC, e.g. TerminateWorkflowExecution. */
  readonly action: string;
  readonly namespace: string;
  /** What it was aimed at: a workflow id, an endpoint name, a namespace. */
  readonly target: string;
  /** ok, unauthenticated, permission-denied, or the gRPC code name of a failure. */
  readonly outcome: string;
  readonly detail: string;
}

export type AuditEventInput = Omit<AuditEvent, 'id'>;

export interface ClusterMetadata {
  /** Fixed when the database is created. */
  readonly shardCount: number;
}

export type AcquireShardParams = {
  readonly shardId: number;
  readonly owner: string;
  readonly nowMs: number;
  readonly leaseMs: number;
  readonly steal?: boolean;
};

export type RenewShardLeasesParams = {
  readonly owner: string;
  readonly shards: readonly { readonly shardId: number; readonly rangeId: number }[];
  readonly untilMs: number;
};

/** Events with fromEventId <= id < toEventId, at most `limit`, in order (or reversed). */
export type ReadHistoryParams = {
  readonly key: ExecutionKey;
  readonly fromEventId: number;
  readonly toEventId?: number;
  readonly limit: number;
  readonly reverse?: boolean;
};

export interface Store {
  /** Stores the shard count in a new database; an existing database keeps the count it has. */
  initializeCluster(params: { readonly shardCount: number }): Promise<ClusterMetadata>;
  /**
   * Takes a shard for `owner`: a new range id, which fences every earlier owner's writes, and a lease until
   * nowMs + leaseMs. Only when no other owner's lease is live at nowMs (undefined otherwise), unless
   * `steal` (a single process on its own database takes over at once after a crash).
   */
  acquireShard(params: AcquireShardParams): Promise<ShardLease | undefined>;
  /** Extends the leases `owner` still holds at these range ids to `untilMs`; returns their shard ids. */
  renewShardLeases(params: RenewShardLeasesParams): Promise<number[]>;
  /** Ends the lease at once if the range id is still this one, so the next owner need not wait. */
  releaseShard(params: { readonly shardId: number; readonly rangeId: number }): Promise<void>;
  /** Records that a member is alive; deletes members silent since `forgetBeforeMs` (bounds the table). */
  heartbeatMember(params: { readonly member: ClusterMember; readonly forgetBeforeMs: number }): Promise<void>;
  /** A member leaving cleanly. */
  removeMember(memberId: string): Promise<void>;
  /** Every member row and every shard's lease holder: what routing needs. */
  readMembership(): Promise<{ members: ClusterMember[]; shards: ShardOwner[] }>;
  /** Writes everything one shard transaction changed, atomically. */
  commitShard(params: ShardCommit): Promise<void>;
  /** Deletes done tasks (fenced like a commit). */
  completeTasks(params: {
    readonly shardId: number;
    readonly rangeId: number;
    readonly taskIds: readonly number[];
  }): Promise<void>;
  /** Tasks of a shard with ids above `afterTaskId`, in id order, at most `limit`. */
  readTasks(params: {
    readonly shardId: number;
    readonly afterTaskId: number;
    readonly limit: number;
  }): Promise<OutboxTaskRow[]>;
  /** Wake-ups of a shard due at or before `untilMs`, earliest first, at most `limit`. */
  readWakeups(params: {
    readonly shardId: number;
    readonly untilMs: number;
    readonly limit: number;
  }): Promise<WakeupRow[]>;

  createNamespace(record: NamespaceRecord): Promise<void>;
  updateNamespace(record: NamespaceRecord): Promise<void>;
  getNamespaceByName(name: string): Promise<NamespaceRecord | undefined>;
  listNamespaces(): Promise<NamespaceRecord[]>;

  /** A run with its items, or undefined. */
  getExecution(params: { readonly key: ExecutionKey }): Promise<StoredExecution | undefined>;
  getCurrentRunId(params: { readonly namespaceId: string; readonly workflowId: string }): Promise<string | undefined>;
  /** Events with fromEventId <= id < toEventId, at most `limit`, in order (or reversed). */
  readHistory(params: ReadHistoryParams): Promise<StoredEvent[]>;
  listExecutions(params: ListExecutionsParams): Promise<ListExecutionsResult>;
  countExecutions(
    params: Omit<ListExecutionsParams, 'pageSize' | 'nextPageToken'>,
  ): Promise<{ count: number; groups: CountGroup[] }>;

  createNexusEndpoint(record: NexusEndpointRecord): Promise<void>;
  /** Replaces the endpoint if its stored version is `expectedVersion`; else throws a conflict. */
  updateNexusEndpoint(record: NexusEndpointRecord, expectedVersion: number): Promise<void>;
  deleteNexusEndpoint(id: string): Promise<boolean>;
  listNexusEndpoints(): Promise<NexusEndpointRecord[]>;

  /**
   * Appends to the audit log and forgets all but its newest `keepNewest` events (bounds the table);
   * resolves to the new event's id.
   */
  appendAuditEvent(params: { readonly event: AuditEventInput; readonly keepNewest: number }): Promise<number>;
  /** Sets how an event written ahead of its request ended (no change if it has been forgotten). */
  settleAuditEvent(params: { readonly id: number; readonly outcome: string; readonly detail: string }): Promise<void>;
  /** The audit log newest first: events with id below `beforeId` (all when undefined), at most `limit`. */
  listAuditEvents(params: { readonly beforeId?: number | undefined; readonly limit: number }): Promise<AuditEvent[]>;

  /** Runs written by schema version 1 that the engine has not upgraded yet (see engine/legacy-upgrade.ts). */
  listLegacyExecutions(params: { readonly limit: number }): Promise<ExecutionKey[]>;

  close(): Promise<void>;
}

/** A write named a run version (or endpoint version) that is no longer the stored one. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}

/** The shard's range id moved on: another owner acquired it, and this writer must stop. */
export class ShardOwnershipLostError extends Error {
  override name = 'ShardOwnershipLostError';
}
