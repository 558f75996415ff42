// The Nexus endpoint registry: validated create/update/delete with optimistic versions, lookups by id
// and name, and the Causeway caller-namespace allowlist stored with each endpoint. Endpoints are
// cluster-wide and usable the moment they are created (the cache is written through).
import { temporal, encodeBase64, decodeBase64, long } from '../common/proto';
import { ServiceError, ErrorCode, invalidArgument, notFound } from '../common/errors';
import { timestampFromMs } from '../common/time';
import type { Clock } from '../common/clock';
import type { Ids } from '../common/ids';
import { SerialQueue } from '../common/serial-queue';
import type { NexusEndpointRecord, Store } from '../store/store';
import { StoreConflictError } from '../store/store';
import type { NamespaceRegistry } from '../engine/namespace-registry';

export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/;
export const ENDPOINT_NAME_LENGTH_MAX = 200;
export const ENDPOINT_DESCRIPTION_SIZE_MAX_BYTES = 20_000;
export const ENDPOINT_URL_LENGTH_MAX = 1000;
export const ENDPOINT_LIST_PAGE_SIZE_MAX = 1000;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type EndpointSpec = temporal.api.nexus.v1.IEndpointSpec;

export interface ResolvedEndpoint {
  readonly id: string;
  readonly name: string;
  readonly spec: EndpointSpec;
  /** null = every caller namespace may use it. */
  readonly allowedCallerNamespaces: readonly string[] | null;
}

/** Registry changes waiting to be written, one at a time (so a name check and its write are atomic). */
const REGISTRY_WRITES_WAITING_MAX = 1000;

export class EndpointRegistry {
  private readonly byId = new Map<string, NexusEndpointRecord>();
  private readonly byName = new Map<string, NexusEndpointRecord>();
  private readonly writes = new SerialQueue(REGISTRY_WRITES_WAITING_MAX);

  constructor(
    private readonly store: Store,
    private readonly namespaces: NamespaceRegistry,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  async load(): Promise<void> {
    for (const record of await this.store.listNexusEndpoints()) this.remember(record);
  }

  /**
   * Reads the endpoints again, so that what other processes on a shared database created, changed or
   * deleted is seen here. It waits its turn with this registry's own writes.
   */
  refresh(): Promise<void> {
    return this.writes.run(async () => {
      const records = await this.store.listNexusEndpoints();
      const listed = new Set(records.map((record) => record.id));
      for (const id of [...this.byId.keys()]) if (!listed.has(id)) this.forget(id);
      for (const record of records) this.remember(record);
    });
  }

  /**
   * Runs after each write, before it is answered (a cluster member tells the others to read the endpoints
   * again, so the next request through any of them sees the change).
   */
  afterWrite: () => Promise<void> = () => Promise.resolve();

  private async written<T>(write: Promise<T>): Promise<T> {
    const result = await write;
    await this.afterWrite();
    return result;
  }

  private remember(record: NexusEndpointRecord): void {
    const previous = this.byId.get(record.id);
    if (previous) this.byName.delete(previous.name);
    this.byId.set(record.id, record);
    this.byName.set(record.name, record);
  }

  private forget(id: string): void {
    const previous = this.byId.get(id);
    if (previous) this.byName.delete(previous.name);
    this.byId.delete(id);
  }

  create(
    spec: EndpointSpec | null | undefined,
    allowedCallerNamespaces: string[] | null,
  ): Promise<temporal.api.nexus.v1.IEndpoint> {
    return this.written(this.writes.run(() => this.createNow(spec, allowedCallerNamespaces)));
  }

  private async createNow(
    spec: EndpointSpec | null | undefined,
    allowedCallerNamespaces: string[] | null,
  ): Promise<temporal.api.nexus.v1.IEndpoint> {
    this.validateSpec(spec);
    const name = spec?.name ?? '';
    if (this.findByName(name))
      throw new ServiceError(ErrorCode.AlreadyExists, `Nexus endpoint with name "${name}" is already registered.`);
    const now = this.clock.nowMs();
    const record: NexusEndpointRecord = {
      id: this.ids.uuid(),
      name,
      version: 1,
      spec: encodeBase64('temporal.api.nexus.v1.EndpointSpec', spec ?? {}),
      allowedCallerNamespaces,
      createdMs: now,
      updatedMs: now,
    };
    await this.store.createNexusEndpoint(record);
    this.remember(record);
    return toEndpoint(record);
  }

  update(
    id: string,
    version: number,
    spec: EndpointSpec | null | undefined,
    allowedCallerNamespaces: string[] | null | undefined,
  ): Promise<temporal.api.nexus.v1.IEndpoint> {
    return this.written(this.writes.run(() => this.updateNow(id, version, spec, allowedCallerNamespaces)));
  }

  private async updateNow(
    id: string,
    version: number,
    spec: EndpointSpec | null | undefined,
    allowedCallerNamespaces: string[] | null | undefined,
  ): Promise<temporal.api.nexus.v1.IEndpoint> {
    validateId(id);
    if (version <= 0) throw invalidArgument('endpoint version is non-positive');
    this.validateSpec(spec);
    const existing = this.get(id);
    if (existing.version !== version) {
      throw new ServiceError(
        ErrorCode.FailedPrecondition,
        `nexus endpoint version mismatch: expected ${existing.version}, got ${version}`,
      );
    }
    const name = spec?.name ?? '';
    const other = this.findByName(name);
    if (other && other.id !== id)
      throw new ServiceError(ErrorCode.AlreadyExists, `Nexus endpoint with name "${name}" is already registered.`);
    const record: NexusEndpointRecord = {
      ...existing,
      name,
      version: existing.version + 1,
      spec: encodeBase64('temporal.api.nexus.v1.EndpointSpec', spec ?? {}),
      allowedCallerNamespaces:
        allowedCallerNamespaces === undefined ? existing.allowedCallerNamespaces : allowedCallerNamespaces,
      updatedMs: this.clock.nowMs(),
    };
    try {
      await this.store.updateNexusEndpoint(record, version);
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new ServiceError(ErrorCode.FailedPrecondition, 'nexus endpoint version mismatch');
      throw error;
    }
    this.remember(record);
    return toEndpoint(record);
  }

  delete(id: string, version: number): Promise<void> {
    return this.written(this.writes.run(() => this.deleteNow(id, version)));
  }

  private async deleteNow(id: string, version: number): Promise<void> {
    validateId(id);
    if (version <= 0) throw invalidArgument('endpoint version is non-positive');
    const existing = this.get(id);
    if (existing.version !== version)
      throw new ServiceError(
        ErrorCode.FailedPrecondition,
        `nexus endpoint version mismatch: expected ${existing.version}, got ${version}`,
      );
    await this.store.deleteNexusEndpoint(id);
    this.forget(id);
  }

  get(id: string): NexusEndpointRecord {
    validateId(id);
    const record = this.byId.get(id);
    if (!record) throw notFound(`Nexus endpoint with ID "${id}" not found.`);
    return record;
  }

  describe(id: string): temporal.api.nexus.v1.IEndpoint {
    return toEndpoint(this.get(id));
  }

  findByName(name: string): NexusEndpointRecord | undefined {
    return this.byName.get(name);
  }

  /** Resolution at invocation time: by id, falling back to the name (the endpoint may be recreated). */
  resolve(id: string, name: string): ResolvedEndpoint | undefined {
    const record = (id ? this.byId.get(id) : undefined) ?? this.findByName(name);
    if (!record) return undefined;
    return {
      id: record.id,
      name: record.name,
      spec: decodeBase64<EndpointSpec>('temporal.api.nexus.v1.EndpointSpec', record.spec),
      allowedCallerNamespaces: record.allowedCallerNamespaces,
    };
  }

  list(
    pageSize: number,
    nextPageToken: Uint8Array | null | undefined,
    name: string | null | undefined,
  ): { endpoints: temporal.api.nexus.v1.IEndpoint[]; nextPageToken: Uint8Array | null } {
    if (pageSize < 0) throw invalidArgument('page_size is negative');
    if (pageSize > ENDPOINT_LIST_PAGE_SIZE_MAX)
      throw invalidArgument(`page_size exceeds limit of ${ENDPOINT_LIST_PAGE_SIZE_MAX}`);
    if (name) {
      const record = this.findByName(name);
      return { endpoints: record ? [toEndpoint(record)] : [], nextPageToken: null };
    }
    const all = [...this.byId.values()].sort((a, b) => a.name.localeCompare(b.name));
    const offset = nextPageToken?.length ? Number(Buffer.from(nextPageToken).toString()) || 0 : 0;
    const size = pageSize || 100;
    const page = all.slice(offset, offset + size);
    const next = offset + page.length;
    return { endpoints: page.map(toEndpoint), nextPageToken: next < all.length ? Buffer.from(String(next)) : null };
  }

  private validateSpec(spec: EndpointSpec | null | undefined): void {
    const issues: string[] = [];
    const name = spec?.name ?? '';
    if (!name) issues.push('endpoint name not set');
    else {
      if (name.length > ENDPOINT_NAME_LENGTH_MAX)
        issues.push(`endpoint name exceeds length limit of ${ENDPOINT_NAME_LENGTH_MAX}`);
      if (!ENDPOINT_NAME_PATTERN.test(name))
        issues.push(`endpoint name must match the regex: "${ENDPOINT_NAME_PATTERN.source}"`);
    }
    const target = spec?.target;
    if (target?.worker) {
      if (!target.worker.namespace) issues.push('target namespace not set');
      else if (!this.namespaces.findByName(target.worker.namespace)) {
        throw new ServiceError(
          ErrorCode.FailedPrecondition,
          `could not verify namespace referenced by target exists: Namespace ${target.worker.namespace} is not found.`,
        );
      }
      if (!target.worker.taskQueue) issues.push('invalid target task queue: "taskQueue is not set"');
    } else if (target?.external) {
      const url = target.external.url ?? '';
      if (!url) issues.push('empty target URL');
      else if (url.length > ENDPOINT_URL_LENGTH_MAX)
        issues.push(`target URL length exceeds limit of ${ENDPOINT_URL_LENGTH_MAX}`);
      else if (!/^https?:\/\//.test(url))
        issues.push(`invalid target URL scheme: "${url.split(':')[0]}", expected http or https`);
    } else {
      issues.push('empty target variant');
    }
    const description = spec?.description ? temporal.api.common.v1.Payload.encode(spec.description).finish().length : 0;
    if (description > ENDPOINT_DESCRIPTION_SIZE_MAX_BYTES)
      issues.push(`description size exceeds limit of ${ENDPOINT_DESCRIPTION_SIZE_MAX_BYTES}`);
    if (issues.length > 0) throw invalidArgument(issues.join(', '));
  }
}

function validateId(id: string): void {
  if (!id) throw invalidArgument('endpoint ID not set');
  if (!UUID_PATTERN.test(id)) throw invalidArgument(`malformed endpoint ID: "invalid UUID format"`);
}

export function toEndpoint(record: NexusEndpointRecord): temporal.api.nexus.v1.IEndpoint {
  return {
    version: long(record.version),
    id: record.id,
    spec: decodeBase64<EndpointSpec>('temporal.api.nexus.v1.EndpointSpec', record.spec),
    createdTime: timestampFromMs(record.createdMs),
    ...(record.version > 1 ? { lastModifiedTime: timestampFromMs(record.updatedMs) } : {}),
    urlPrefix: `/nexus/endpoints/${record.id}/services`,
  };
}
