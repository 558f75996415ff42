// The persistence boundary. Every adapter (SQLite today) implements this interface; nothing above
// store/ sees SQL. Writes that must be atomic together go through one `writeExecutions` call.

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

/** The row that describes one run: visibility columns plus the serialized mutable state. */
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
  /** Encoded temporal.api.common.v1.Memo, or null. */
  memo: Uint8Array | null;
  /** Custom search attributes as JSON-friendly values (Datetime as epoch ms). */
  searchAttributes: Record<string, unknown>;
  /** The mutable state, serialized by the engine. */
  state: string;
}

export interface ExecutionKey {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
}

export interface StoredEvent {
  readonly eventId: number;
  readonly data: Uint8Array;
}

export interface ExecutionWrite {
  readonly record: ExecutionRecord;
  readonly newEvents: readonly StoredEvent[];
  /** For an update: the next event id the caller loaded; a mismatch is a conflict. Absent = create. */
  readonly expectedNextEventId?: number;
  /** Make this run the current run of its workflow id. */
  readonly becomeCurrent?: boolean;
}

export interface ListExecutionsParams {
  readonly namespaceId: string;
  readonly query: string;
  readonly pageSize: number;
  readonly nextPageToken?: Uint8Array | undefined;
  readonly searchAttributeTypes: Readonly<Record<string, string>>;
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

export interface Store {
  createNamespace(record: NamespaceRecord): void;
  updateNamespace(record: NamespaceRecord): void;
  getNamespaceByName(name: string): NamespaceRecord | undefined;
  getNamespaceById(id: string): NamespaceRecord | undefined;
  listNamespaces(): NamespaceRecord[];

  /** Creates or updates runs atomically, appending their new history events. */
  writeExecutions(writes: readonly ExecutionWrite[]): void;
  getExecution(key: ExecutionKey): ExecutionRecord | undefined;
  getCurrentRunId(params: { readonly namespaceId: string; readonly workflowId: string }): string | undefined;
  /** Events with fromEventId <= id < toEventId, at most `limit`, in order. */
  readHistory(params: {
    readonly key: ExecutionKey;
    readonly fromEventId: number;
    readonly toEventId?: number;
    readonly limit: number;
    readonly reverse?: boolean;
  }): StoredEvent[];
  /** Every run whose status is Running, for recovery at start. */
  listOpenExecutions(): ExecutionRecord[];
  listExecutions(params: ListExecutionsParams): ListExecutionsResult;
  countExecutions(params: Omit<ListExecutionsParams, 'pageSize' | 'nextPageToken'>): {
    count: number;
    groups: CountGroup[];
  };

  createNexusEndpoint(record: NexusEndpointRecord): void;
  /** Replaces the endpoint if its stored version is `expectedVersion`; else throws a conflict. */
  updateNexusEndpoint(record: NexusEndpointRecord, expectedVersion: number): void;
  deleteNexusEndpoint(id: string): boolean;
  getNexusEndpoint(id: string): NexusEndpointRecord | undefined;
  getNexusEndpointByName(name: string): NexusEndpointRecord | undefined;
  listNexusEndpoints(): NexusEndpointRecord[];

  close(): void;
}

export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}
