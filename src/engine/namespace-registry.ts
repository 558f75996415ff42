// Namespaces: registration, lookup by name or id, and the defaults every namespace gets. Records are
// cached in memory (they change rarely and are few) and written through to the store; `load()` reads
// them all at start, and `load()` again picks up what other processes on a shared database wrote.
import type { Clock } from '../common/clock';
import type { Ids } from '../common/ids';
import { ServiceError, ErrorCode, invalidArgument, namespaceNotFound } from '../common/errors';
import type { NamespaceRecord, Store } from '../store/store';

export const NAMESPACE_NAME_MAX_LENGTH = 255;
const NAMESPACE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** temporal.api.enums.v1.NamespaceState */
export const NamespaceState = { Registered: 1, Deprecated: 2, Deleted: 3 } as const;

export interface RegisterNamespaceParams {
  readonly name: string;
  readonly description?: string;
  readonly ownerEmail?: string;
  readonly retentionMs?: number;
  readonly data?: Record<string, string>;
  readonly searchAttributes?: Record<string, string>;
}

export class NamespaceRegistry {
  private readonly byName = new Map<string, NamespaceRecord>();
  private readonly byId = new Map<string, NamespaceRecord>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  /**
   * Runs after each write this registry makes, before the write is answered (a cluster member tells the
   * others to read the namespaces again, so the next request through any of them sees the change).
   */
  afterWrite: () => Promise<void> = () => Promise.resolve();

  /** Reads every namespace from the store (at start, and to see other processes' changes). */
  async load(): Promise<void> {
    for (const record of await this.store.listNamespaces()) this.remember(record);
  }

  async register(params: RegisterNamespaceParams): Promise<NamespaceRecord> {
    validateNamespaceName(params.name);
    if (this.byName.has(params.name) || (await this.store.getNamespaceByName(params.name))) {
      throw new ServiceError(ErrorCode.NamespaceAlreadyExists, 'Namespace already exists.', {
        typeName: 'temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure',
        value: {},
      });
    }
    const record: NamespaceRecord = {
      id: this.ids.uuid(),
      name: params.name,
      state: NamespaceState.Registered,
      description: params.description ?? '',
      ownerEmail: params.ownerEmail ?? '',
      retentionMs: params.retentionMs && params.retentionMs > 0 ? params.retentionMs : DEFAULT_RETENTION_MS,
      data: { ...params.data },
      searchAttributes: { ...params.searchAttributes },
      createdMs: this.clock.nowMs(),
    };
    await this.store.createNamespace(record);
    this.remember(record);
    await this.afterWrite();
    return record;
  }

  /** Registers the namespace unless it exists (start-dev's --namespace). */
  async ensure(name: string, searchAttributes: Record<string, string> = {}): Promise<NamespaceRecord> {
    const existing = this.byName.get(name);
    if (!existing) return this.register({ name, searchAttributes });
    const missing = Object.entries(searchAttributes).filter(([key]) => !(key in existing.searchAttributes));
    if (missing.length > 0) {
      await this.update({
        ...existing,
        searchAttributes: { ...existing.searchAttributes, ...Object.fromEntries(missing) },
      });
    }
    return this.getByName(name);
  }

  async update(record: NamespaceRecord): Promise<NamespaceRecord> {
    await this.store.updateNamespace(record);
    this.remember(record);
    await this.afterWrite();
    return record;
  }

  getByName(name: string): NamespaceRecord {
    if (!name) throw invalidArgument('Namespace is not set on request.');
    const record = this.byName.get(name);
    if (!record || record.state === NamespaceState.Deleted) throw namespaceNotFound(name);
    return record;
  }

  /** The namespace with this id, or undefined (e.g. one deleted out from under its runs). */
  findById(id: string): NamespaceRecord | undefined {
    return this.byId.get(id);
  }

  getById(id: string): NamespaceRecord {
    const record = this.byId.get(id);
    if (!record) throw namespaceNotFound(id);
    return record;
  }

  /**
   * Reads a namespace another process registered, if this one has not seen it yet (a request names it
   * before the next `load()`).
   */
  async catchUp(name: string): Promise<void> {
    if (!name || this.byName.has(name)) return;
    const record = await this.store.getNamespaceByName(name);
    if (record) this.remember(record);
  }

  findByName(name: string): NamespaceRecord | undefined {
    return this.byName.get(name);
  }

  list(): NamespaceRecord[] {
    return [...this.byName.values()];
  }

  private remember(record: NamespaceRecord): void {
    this.byName.set(record.name, record);
    this.byId.set(record.id, record);
  }
}

/** The Temporal server's minimum retention of a local namespace (namespace.MinRetentionLocal). */
export const MIN_RETENTION_MS = 60 * 60 * 1000;

/** A retention a request sets: at least an hour, as the Temporal frontend requires; else INVALID_ARGUMENT. */
export function validRetentionMs(retentionMs: number): number {
  if (!(retentionMs >= MIN_RETENTION_MS)) throw invalidArgument('A valid retention period is not set on request.');
  return retentionMs;
}

export function validateNamespaceName(name: string): void {
  if (!name) throw invalidArgument('Namespace is not set on request.');
  if (name.length > NAMESPACE_NAME_MAX_LENGTH) {
    throw invalidArgument(`Namespace length exceeds limit of ${NAMESPACE_NAME_MAX_LENGTH}.`);
  }
  if (!NAMESPACE_NAME_PATTERN.test(name)) throw invalidArgument(`Namespace name ${name} is not valid.`);
}
