// The PostgreSQL adapter of Store, on node-postgres (`pg`; chosen by measurement, see ARCHITECTURE.md).
// Every write is one transaction committed before the call returns. A shard commit first reads its shard
// row FOR SHARE: an acquireShard (which updates that row) waits for commits in flight and every later
// commit of the old owner sees the new range id and fails. Wake-ups are rows read by the shard's owner;
// nothing uses NOTIFY, which would take a cluster-wide lock at every commit.
import pg from 'pg';
import {
  type ClusterMetadata,
  type CountGroup,
  type ExecutionKey,
  type ExecutionWrite,
  type ListExecutionsParams,
  type ListExecutionsResult,
  type NamespaceRecord,
  type NexusEndpointRecord,
  type OutboxTaskRow,
  type AcquireShardParams,
  type ReadHistoryParams,
  type RenewShardLeasesParams,
  type ShardCommit,
  type ShardLease,
  type Store,
  type StoredEvent,
  type StoredExecution,
  type WakeupRow,
  ShardOwnershipLostError,
  type ClusterMember,
  type AuditEvent,
  type AuditEventInput,
  type ShardOwner,
  StoreConflictError,
} from '../store';
import { parseVisibilityQuery } from '../visibility-query';
import { compileVisibilityQuery } from '../visibility-sql';
import { type ExecutionRow, rowToExecution } from '../execution-row';
import { decideSchema, reportOf, type SchemaReport } from '../schema-policy';
import { decodeOffset, encodeOffset } from '../page-token';
import { ServiceError } from '../../common/errors';
import { postgresDialect, numberPlaceholders } from './postgres-dialect';
import { postgresMigrations, POSTGRES_SCHEMA_VERSION } from './postgres-schema';
import { SQL, type NamedStatement } from './postgres-statements';
import { auditEventOfRow, type AuditRow } from '../audit-rows';
import { memberOfRow, shardOwnerOfRow, type MemberRow, type ShardOwnerRow } from '../membership-rows';

export interface PostgresStoreOptions {
  /** postgres://USER[:PASSWORD]@HOST:PORT/DB */
  readonly url: string;
  /** Run the migrations of an older schema (else such a database is refused). */
  readonly allowMigration: boolean;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
}

const INT8_OID = 20;
const JSON_OID = 114;
// int8 (COUNT, bigint columns) as a number: every value Causeway stores fits in 2^53. json stays text, as
// the SQLite adapter reads it, so one row conversion serves both.
const TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID) return (value: string) => Number(value);
    if (oid === JSON_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

// pg_advisory_xact_lock key for schema changes, so that processes starting together create it once.
const SCHEMA_LOCK_KEY = 0x63617573;

/** The URL with its password left out, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable PostgreSQL URL)';
  }
}

type Queryable = pg.Pool | pg.PoolClient;

function run(client: Queryable, statement: NamedStatement, values: unknown[]): Promise<pg.QueryResult> {
  return client.query({ name: statement.name, text: statement.text, values });
}

function runKey(key: ExecutionKey): [string, string, string] {
  return [key.namespaceId, key.workflowId, key.runId];
}

export class PostgresStore implements Store {
  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: SchemaReport,
  ) {}

  /** Connects, checks the schema (creating or migrating it as allowed), and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      types: TYPES,
    });
    // An idle connection that breaks (the server restarted) is dropped from the pool, not a crash.
    pool.on('error', () => undefined);
    try {
      const schema = await prepareSchema(pool, options);
      return new PostgresStore(pool, schema);
    } catch (error) {
      await pool.end();
      throw describeOpenError(error, options.url);
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async initializeCluster(params: { shardCount: number }): Promise<ClusterMetadata> {
    return this.transaction(async (client) => {
      await client.query('INSERT INTO cluster_metadata (id, shard_count) VALUES (1, $1) ON CONFLICT DO NOTHING', [
        params.shardCount,
      ]);
      const row = await client.query<{ shard_count: number }>('SELECT shard_count FROM cluster_metadata WHERE id = 1');
      const shardCount = row.rows[0]?.shard_count ?? params.shardCount;
      await client.query(
        `INSERT INTO shards (shard_id, range_id) SELECT id, 0 FROM generate_series(0, $1::int - 1) AS id
         ON CONFLICT DO NOTHING`,
        [shardCount],
      );
      return { shardCount };
    });
  }

  async acquireShard(params: AcquireShardParams): Promise<ShardLease | undefined> {
    return this.transaction(async (client) => {
      const row = await run(client, SQL.acquireShard, [
        params.owner,
        params.shardId,
        params.nowMs,
        params.leaseMs,
        params.steal ?? false,
      ]);
      const rangeId = (row.rows[0] as { range_id: number } | undefined)?.range_id;
      if (rangeId === undefined) {
        const exists = await run(client, SQL.shardExists, [params.shardId]);
        if (exists.rowCount === 0) throw new ShardOwnershipLostError(`shard ${params.shardId} does not exist`);
        return undefined;
      }
      const max = await run(client, SQL.maxTaskId, [params.shardId]);
      return { shardId: params.shardId, rangeId, maxTaskId: (max.rows[0] as { id: number | null }).id ?? 0 };
    });
  }

  async renewShardLeases(params: RenewShardLeasesParams): Promise<number[]> {
    if (params.shards.length === 0) return [];
    const result = await run(this.pool, SQL.renewLeases, [
      params.owner,
      params.untilMs,
      params.shards.map((shard) => shard.shardId),
      params.shards.map((shard) => shard.rangeId),
    ]);
    return (result.rows as { shard_id: number }[]).map((row) => row.shard_id).sort((a, b) => a - b);
  }

  async releaseShard(params: { shardId: number; rangeId: number }): Promise<void> {
    await run(this.pool, SQL.releaseShard, [params.shardId, params.rangeId]);
  }

  async heartbeatMember(params: { member: ClusterMember; forgetBeforeMs: number }): Promise<void> {
    const { member } = params;
    await this.transaction(async (client) => {
      await run(client, SQL.upsertMember, [member.memberId, member.rpcAddress, member.httpAddress, member.heartbeatMs]);
      await run(client, SQL.forgetMembers, [params.forgetBeforeMs]);
    });
  }

  async removeMember(memberId: string): Promise<void> {
    await run(this.pool, SQL.removeMember, [memberId]);
  }

  async readMembership(): Promise<{ members: ClusterMember[]; shards: ShardOwner[] }> {
    const [members, shards] = await Promise.all([
      run(this.pool, SQL.listMembers, []),
      run(this.pool, SQL.listShardOwners, []),
    ]);
    return {
      members: (members.rows as MemberRow[]).map(memberOfRow),
      shards: (shards.rows as ShardOwnerRow[]).map(shardOwnerOfRow),
    };
  }

  async commitShard(params: ShardCommit): Promise<void> {
    await this.transaction(async (client) => {
      await fence(client, params.shardId, params.rangeId);
      for (const write of params.executions) await writeExecution(client, params.shardId, write);
      if (params.newTasks.length > 0) {
        const tasks = params.newTasks;
        await run(client, SQL.insertTasks, [
          params.shardId,
          tasks.map((task) => task.taskId),
          tasks.map((task) => task.kind),
          tasks.map((task) => task.key.namespaceId),
          tasks.map((task) => task.key.workflowId),
          tasks.map((task) => task.key.runId),
          tasks.map((task) => task.payload),
        ]);
      }
      if (params.completedTaskIds.length > 0) {
        await run(client, SQL.deleteTasks, [params.shardId, params.completedTaskIds]);
      }
      for (const { key, expectedVersion } of params.deletedRuns ?? []) await deleteRun(client, key, expectedVersion);
    });
  }

  async completeTasks(params: { shardId: number; rangeId: number; taskIds: readonly number[] }): Promise<void> {
    await this.transaction(async (client) => {
      await fence(client, params.shardId, params.rangeId);
      await run(client, SQL.deleteTasks, [params.shardId, params.taskIds]);
    });
  }

  async readTasks(params: { shardId: number; afterTaskId: number; limit: number }): Promise<OutboxTaskRow[]> {
    const result = await run(this.pool, SQL.readTasks, [params.shardId, params.afterTaskId, params.limit]);
    return (result.rows as TaskRow[]).map((row) => ({
      taskId: row.task_id,
      kind: row.kind,
      key: { namespaceId: row.namespace_id, workflowId: row.workflow_id, runId: row.run_id },
      payload: row.payload,
    }));
  }

  async readWakeups(params: { shardId: number; untilMs: number; limit: number }): Promise<WakeupRow[]> {
    const result = await run(this.pool, SQL.readWakeups, [params.shardId, params.untilMs, params.limit]);
    return (result.rows as { namespace_id: string; workflow_id: string; run_id: string; at_ms: number }[]).map(
      (row) => ({
        key: { namespaceId: row.namespace_id, workflowId: row.workflow_id, runId: row.run_id },
        atMs: row.at_ms,
      }),
    );
  }

  async createNamespace(record: NamespaceRecord): Promise<void> {
    await run(this.pool, SQL.insertNamespace, [record.id, record.name, JSON.stringify(record)]);
  }

  async updateNamespace(record: NamespaceRecord): Promise<void> {
    await run(this.pool, SQL.updateNamespace, [JSON.stringify(record), record.id]);
  }

  async getNamespaceByName(name: string): Promise<NamespaceRecord | undefined> {
    const result = await run(this.pool, SQL.namespaceByName, [name]);
    const row = result.rows[0] as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as NamespaceRecord) : undefined;
  }

  async listNamespaces(): Promise<NamespaceRecord[]> {
    const result = await run(this.pool, SQL.allNamespaces, []);
    return (result.rows as { record: string }[]).map((row) => JSON.parse(row.record) as NamespaceRecord);
  }

  async getExecution(params: { key: ExecutionKey }): Promise<StoredExecution | undefined> {
    const key = runKey(params.key);
    const [execution, items, wakeup] = await Promise.all([
      run(this.pool, SQL.getExecution, key),
      run(this.pool, SQL.getItems, key),
      run(this.pool, SQL.getWakeup, key),
    ]);
    const row = execution.rows[0] as (ExecutionRow & { db_version: number }) | undefined;
    if (!row) return undefined;
    return {
      record: rowToExecution(row),
      version: row.db_version,
      items: (items.rows as { kind: string; item_id: string; data: string }[]).map((item) => ({
        kind: item.kind,
        id: item.item_id,
        data: item.data,
      })),
      wakeupAtMs: (wakeup.rows[0] as { at_ms: number } | undefined)?.at_ms ?? 0,
    };
  }

  async getCurrentRunId(params: { namespaceId: string; workflowId: string }): Promise<string | undefined> {
    const result = await run(this.pool, SQL.getCurrent, [params.namespaceId, params.workflowId]);
    return (result.rows[0] as { run_id: string } | undefined)?.run_id;
  }

  async readHistory(params: ReadHistoryParams): Promise<StoredEvent[]> {
    const statement = params.reverse ? SQL.readHistoryReverse : SQL.readHistory;
    const result = await run(this.pool, statement, [
      ...runKey(params.key),
      params.fromEventId,
      params.toEventId ?? Number.MAX_SAFE_INTEGER,
      params.limit,
    ]);
    return (result.rows as { event_id: number; data: Buffer }[]).map((row) => ({
      eventId: row.event_id,
      data: new Uint8Array(row.data),
    }));
  }

  async listExecutions(params: ListExecutionsParams): Promise<ListExecutionsResult> {
    const compiled = compileVisibilityQuery(
      parseVisibilityQuery(params.query),
      params.searchAttributeTypes,
      postgresDialect,
      params.scope,
    );
    const offset = params.nextPageToken?.length ? decodeOffset(params.nextPageToken) : 0;
    const sql = `SELECT * FROM executions WHERE namespace_id = ? AND (${compiled.where})
      ORDER BY ${compiled.orderBy} LIMIT ? OFFSET ?`;
    const result = await this.pool.query(numberPlaceholders(sql), [
      params.namespaceId,
      ...compiled.params,
      params.pageSize + 1,
      offset,
    ]);
    const rows = result.rows as ExecutionRow[];
    const hasMore = rows.length > params.pageSize;
    return {
      records: rows.slice(0, params.pageSize).map(rowToExecution),
      nextPageToken: hasMore ? encodeOffset(offset + params.pageSize) : undefined,
    };
  }

  async countExecutions(
    params: Omit<ListExecutionsParams, 'pageSize' | 'nextPageToken'>,
  ): Promise<{ count: number; groups: CountGroup[] }> {
    const parsed = parseVisibilityQuery(params.query);
    const compiled = compileVisibilityQuery(parsed, params.searchAttributeTypes, postgresDialect, params.scope);
    const values = [params.namespaceId, ...compiled.params];
    const where = `namespace_id = ? AND (${compiled.where})`;
    const total = await this.pool.query(
      numberPlaceholders(`SELECT COUNT(*) AS n FROM executions WHERE ${where}`),
      values,
    );
    const groups: CountGroup[] = [];
    if (parsed.groupBy?.length) {
      const sql = `SELECT status, COUNT(*) AS n FROM executions WHERE ${where} GROUP BY status ORDER BY status`;
      const rows = await this.pool.query(numberPlaceholders(sql), values);
      for (const row of rows.rows as { status: number; n: number }[])
        groups.push({ values: [row.status], count: row.n });
    }
    return { count: (total.rows[0] as { n: number }).n, groups };
  }

  async createNexusEndpoint(record: NexusEndpointRecord): Promise<void> {
    await run(this.pool, SQL.insertEndpoint, [record.id, record.name, record.version, JSON.stringify(record)]);
  }

  async updateNexusEndpoint(record: NexusEndpointRecord, expectedVersion: number): Promise<void> {
    const result = await run(this.pool, SQL.updateEndpoint, [
      record.name,
      record.version,
      JSON.stringify(record),
      record.id,
      expectedVersion,
    ]);
    if (result.rowCount !== 1) throw new StoreConflictError(`nexus endpoint ${record.id} changed concurrently`);
  }

  async deleteNexusEndpoint(id: string): Promise<boolean> {
    const result = await run(this.pool, SQL.deleteEndpoint, [id]);
    return result.rowCount === 1;
  }

  async listNexusEndpoints(): Promise<NexusEndpointRecord[]> {
    const result = await run(this.pool, SQL.allEndpoints, []);
    return (result.rows as { record: string }[]).map((row) => JSON.parse(row.record) as NexusEndpointRecord);
  }

  async appendAuditEvent(params: { event: AuditEventInput; keepNewest: number }): Promise<number> {
    const { event } = params;
    const inserted = await run(this.pool, SQL.insertAuditEvent, [
      event.timeMs,
      event.principal,
      event.action,
      event.namespace,
      event.target,
      event.outcome,
      event.detail,
    ]);
    const id = Number((inserted.rows[0] as { id: string }).id);
    // Ids come from one sequence, so the newest rows are the highest ids whichever process wrote them.
    if (id > params.keepNewest) await run(this.pool, SQL.forgetAuditEvents, [id - params.keepNewest]);
    return id;
  }

  async settleAuditEvent(params: { id: number; outcome: string; detail: string }): Promise<void> {
    await run(this.pool, SQL.settleAuditEvent, [params.outcome, params.detail, params.id]);
  }

  async listAuditEvents(params: { beforeId?: number | undefined; limit: number }): Promise<AuditEvent[]> {
    const result = await run(this.pool, SQL.listAuditEvents, [
      params.beforeId ?? Number.MAX_SAFE_INTEGER,
      params.limit,
    ]);
    return (result.rows as AuditRow[]).map(auditEventOfRow);
  }

  async listLegacyExecutions(params: { limit: number }): Promise<ExecutionKey[]> {
    const result = await run(this.pool, SQL.legacyExecutions, [params.limit]);
    return (result.rows as { namespace_id: string; workflow_id: string; run_id: string }[]).map((row) => ({
      namespaceId: row.namespace_id,
      workflowId: row.workflow_id,
      runId: row.run_id,
    }));
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

interface TaskRow {
  task_id: number;
  kind: string;
  namespace_id: string;
  workflow_id: string;
  run_id: string;
  payload: string;
}

async function fence(client: pg.PoolClient, shardId: number, rangeId: number): Promise<void> {
  const result = await run(client, SQL.fenceShard, [shardId]);
  const current = (result.rows[0] as { range_id: number } | undefined)?.range_id;
  if (current !== rangeId) {
    throw new ShardOwnershipLostError(`shard ${shardId} is owned at range ${current ?? 'none'}, not ${rangeId}`);
  }
}

const UNIQUE_VIOLATION = '23505';

/** Deletes a closed run and everything it owns; the current pointer only if it is this run's. */
async function deleteRun(client: pg.PoolClient, key: ExecutionKey, expectedVersion: number): Promise<void> {
  const ids = [key.namespaceId, key.workflowId, key.runId];
  const deleted = await run(client, SQL.deleteExecution, [...ids, expectedVersion]);
  if (deleted.rowCount !== 1)
    throw new StoreConflictError(`execution ${key.workflowId}/${key.runId} changed concurrently`);
  await run(client, SQL.deleteRunItems, ids);
  await run(client, SQL.deleteRunHistory, ids);
  await run(client, SQL.deleteWakeup, ids);
  await run(client, SQL.deleteCurrentOf, ids);
}

async function writeExecution(client: pg.PoolClient, shardId: number, write: ExecutionWrite): Promise<void> {
  const r = write.record;
  const key = runKey(r);
  const columns = [
    ...key,
    r.workflowType,
    r.taskQueue,
    r.status,
    r.startTimeMs,
    r.executionTimeMs,
    r.closeTimeMs,
    r.historyLength,
    r.nextEventId,
    r.parentWorkflowId,
    r.parentRunId,
    r.memo ? Buffer.from(r.memo) : null,
    JSON.stringify(r.searchAttributes),
    r.state,
    shardId,
    r.rootWorkflowId,
    r.rootRunId,
  ];
  if (write.expectedVersion === undefined) {
    try {
      await run(client, SQL.insertExecution, columns);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new StoreConflictError(`execution ${r.workflowId}/${r.runId} already exists`);
      }
      throw error;
    }
  } else {
    const result = await run(client, SQL.updateExecution, [...columns, write.expectedVersion]);
    if (result.rowCount !== 1)
      throw new StoreConflictError(`execution ${r.workflowId}/${r.runId} changed concurrently`);
  }
  if (write.upsertItems.length > 0) {
    // One statement may not upsert a row twice: the last write of an item wins, as row by row.
    const items = [...new Map(write.upsertItems.map((item) => [`${item.kind}\u0000${item.id}`, item])).values()];
    await run(client, SQL.upsertItems, [
      ...key,
      items.map((item) => item.kind),
      items.map((item) => item.id),
      items.map((item) => item.data),
    ]);
  }
  if (write.deleteItems.length > 0) {
    await run(client, SQL.deleteItems, [
      ...key,
      write.deleteItems.map((item) => item.kind),
      write.deleteItems.map((item) => item.id),
    ]);
  }
  if (write.becomeCurrent) await run(client, SQL.upsertCurrent, key);
  if (write.newEvents.length > 0) {
    await run(client, SQL.insertEvents, [
      ...key,
      write.newEvents.map((event) => event.eventId),
      write.newEvents.map((event) => Buffer.from(event.data)),
    ]);
  }
  if (write.wakeupAtMs === 0) await run(client, SQL.deleteWakeup, key);
  else if (write.wakeupAtMs !== undefined) await run(client, SQL.upsertWakeup, [...key, shardId, write.wakeupAtMs]);
}

async function prepareSchema(pool: pg.Pool, options: PostgresStoreOptions): Promise<SchemaReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    const hasSchema = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('causeway_schema') IS NOT NULL AS exists",
    );
    let version = 0;
    let otherTables: string[] = [];
    if (hasSchema.rows[0]?.exists) {
      const row = await client.query<{ version: number }>('SELECT version FROM causeway_schema WHERE id = 1');
      version = row.rows[0]?.version ?? 0;
    } else {
      const tables = await client.query<{ tablename: string }>(
        'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
      );
      otherTables = tables.rows.map((row) => row.tablename);
    }
    const action = decideSchema({ version, otherTables }, POSTGRES_SCHEMA_VERSION, {
      allowMigration: options.allowMigration,
      database: redactedUrl(options.url),
    });
    for (const migration of postgresMigrations) {
      if (migration.version <= version) continue;
      await client.query(migration.sql);
    }
    if (action.kind !== 'current') {
      await client.query(
        `INSERT INTO causeway_schema (id, version) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
        [POSTGRES_SCHEMA_VERSION],
      );
    }
    await client.query('COMMIT');
    return reportOf(action, POSTGRES_SCHEMA_VERSION);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** A start-up failure in words an operator can act on, without the password. */
function describeOpenError(error: unknown, url: string): Error {
  if (error instanceof ServiceError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error instanceof Error && error.message) || (typeof code === 'string' ? code : String(error));
  if (error instanceof pg.DatabaseError) {
    return new Error(`PostgreSQL refused ${redactedUrl(url)}: ${message}`, { cause: error });
  }
  return new Error(`cannot reach PostgreSQL at ${redactedUrl(url)}: ${message}`, { cause: error });
}
