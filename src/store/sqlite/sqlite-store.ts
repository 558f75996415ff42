// The SQLite adapter of Store (better-sqlite3, WAL). better-sqlite3 is synchronous: every method does
// its work before it returns (the promise only fits the async interface), and every write is one
// transaction committed before the call returns, so an acknowledged write survives a SIGKILL.
import Database from 'better-sqlite3';
import { migrations, SCHEMA_VERSION } from '../migrations';
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
  type ShardOwner,
  type AuditEvent,
  type AuditEventInput,
  StoreConflictError,
} from '../store';
import { parseVisibilityQuery } from '../visibility-query';
import { compileVisibilityQuery } from '../visibility-sql';
import { sqliteDialect } from './sqlite-dialect';
import { decodeOffset, encodeOffset } from '../page-token';
import { invalidArgument } from '../../common/errors';
import { decideSchema, reportOf, type SchemaAction, type SchemaReport } from '../schema-policy';
import { type ExecutionRow, executionParams, rowToExecution } from '../execution-row';
import { prepareStatements, type Statements } from './sqlite-statements';
import { auditEventOfRow, type AuditRow } from '../audit-rows';
import { memberOfRow, shardOwnerOfRow, type MemberRow, type ShardOwnerRow } from '../membership-rows';

export interface SqliteStoreOptions {
  /** File path; ':memory:' or undefined for an in-memory database. */
  readonly filename?: string | undefined;
  readonly pragmas?: Readonly<Record<string, string>>;
  /** Run the migrations of an older schema (default true; `causeway server start` asks for --migrate). */
  readonly allowMigration?: boolean;
}

const PRAGMA_NAME = /^[a-z_]+$/;

/** Runs synchronous database work as the async interface expects: a throw becomes a rejection. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
const PRAGMA_VALUE = /^[A-Za-z0-9_\-.]+$/;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements: Statements;
  /** What opening did to the schema. */
  readonly schema: SchemaReport;

  constructor(options: SqliteStoreOptions = {}) {
    this.db = new Database(options.filename ?? ':memory:');
    // The schema is checked before anything is written, so a refused database stays as it was.
    const version = this.db.pragma('user_version', { simple: true }) as number;
    const action = this.checkSchema(version, options);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    for (const [name, value] of Object.entries(options.pragmas ?? {})) {
      if (!PRAGMA_NAME.test(name) || !PRAGMA_VALUE.test(value)) {
        throw invalidArgument(`invalid sqlite pragma ${name}=${value}`);
      }
      this.db.pragma(`${name} = ${value}`);
    }
    this.migrateFrom(version);
    this.schema = reportOf(action, SCHEMA_VERSION);
    this.statements = prepareStatements(this.db);
  }

  private checkSchema(version: number, options: SqliteStoreOptions): SchemaAction {
    const tables = () =>
      this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[];
    try {
      return decideSchema(
        { version, otherTables: version === 0 ? tables().map((row) => row.name) : [] },
        SCHEMA_VERSION,
        { allowMigration: options.allowMigration ?? true, database: options.filename ?? ':memory:' },
      );
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  private migrateFrom(version: number): void {
    for (const migration of migrations) {
      if (migration.version <= version) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${migration.version}`);
      })();
    }
  }

  initializeCluster(params: { shardCount: number }): Promise<ClusterMetadata> {
    return settle(() => {
      const metadata = this.db.transaction((): ClusterMetadata => {
        const row = this.statements.clusterMetadata.get() as { shard_count: number } | undefined;
        const shardCount = row?.shard_count ?? params.shardCount;
        if (!row) this.statements.insertClusterMetadata.run(shardCount);
        for (let shardId = 0; shardId < shardCount; shardId += 1) this.statements.insertShard.run(shardId);
        return { shardCount };
      })();
      return metadata;
    });
  }

  acquireShard(params: AcquireShardParams): Promise<ShardLease | undefined> {
    return settle(() => {
      const lease = this.db.transaction((): ShardLease | undefined => {
        const row = this.statements.acquireShard.get({
          owner: params.owner,
          until: params.nowMs + params.leaseMs,
          shardId: params.shardId,
          steal: params.steal ? 1 : 0,
          nowMs: params.nowMs,
        }) as { range_id: number } | undefined;
        if (!row) {
          if (!this.statements.shardExists.get(params.shardId)) {
            throw new ShardOwnershipLostError(`shard ${params.shardId} does not exist`);
          }
          return undefined;
        }
        const max = this.statements.maxTaskId.get(params.shardId) as { id: number | null };
        return { shardId: params.shardId, rangeId: row.range_id, maxTaskId: max.id ?? 0 };
      })();
      return lease;
    });
  }

  renewShardLeases(params: RenewShardLeasesParams): Promise<number[]> {
    return settle(() =>
      this.db.transaction(() =>
        params.shards
          .filter(
            ({ shardId, rangeId }) =>
              this.statements.renewLease.run(params.untilMs, shardId, rangeId, params.owner).changes === 1,
          )
          .map(({ shardId }) => shardId),
      )(),
    );
  }

  releaseShard(params: { shardId: number; rangeId: number }): Promise<void> {
    return settle(() => {
      this.statements.releaseShard.run(params.shardId, params.rangeId);
    });
  }

  heartbeatMember(params: { member: ClusterMember; forgetBeforeMs: number }): Promise<void> {
    return settle(() => {
      const { member } = params;
      this.db.transaction(() => {
        this.statements.upsertMember.run(member.memberId, member.rpcAddress, member.httpAddress, member.heartbeatMs);
        this.statements.forgetMembers.run(params.forgetBeforeMs);
      })();
    });
  }

  removeMember(memberId: string): Promise<void> {
    return settle(() => {
      this.statements.removeMember.run(memberId);
    });
  }

  readMembership(): Promise<{ members: ClusterMember[]; shards: ShardOwner[] }> {
    return settle(() => ({
      members: (this.statements.listMembers.all() as MemberRow[]).map(memberOfRow),
      shards: (this.statements.listShardOwners.all() as ShardOwnerRow[]).map(shardOwnerOfRow),
    }));
  }

  commitShard(params: ShardCommit): Promise<void> {
    return settle(() => {
      this.db.transaction(() => {
        this.fence(params.shardId, params.rangeId);
        for (const write of params.executions) this.writeExecution(params.shardId, write);
        for (const task of params.newTasks) {
          const { key } = task;
          this.statements.insertTask.run(
            params.shardId,
            task.taskId,
            task.kind,
            key.namespaceId,
            key.workflowId,
            key.runId,
            task.payload,
          );
        }
        for (const taskId of params.completedTaskIds) this.statements.deleteTask.run(params.shardId, taskId);
        for (const { key, expectedVersion } of params.deletedRuns ?? []) this.deleteRun(key, expectedVersion);
      })();
    });
  }

  private deleteRun(key: ExecutionKey, expectedVersion: number): void {
    const s = this.statements;
    const { namespaceId, workflowId, runId } = key;
    if (s.deleteExecution.run(namespaceId, workflowId, runId, expectedVersion).changes !== 1)
      throw new StoreConflictError(`execution ${workflowId}/${runId} changed concurrently`);
    s.deleteRunItems.run(namespaceId, workflowId, runId);
    s.deleteRunHistory.run(namespaceId, workflowId, runId);
    s.deleteWakeup.run(namespaceId, workflowId, runId);
    s.deleteCurrentOf.run(namespaceId, workflowId, runId);
  }

  completeTasks(params: { shardId: number; rangeId: number; taskIds: readonly number[] }): Promise<void> {
    return settle(() => {
      this.db.transaction(() => {
        this.fence(params.shardId, params.rangeId);
        for (const taskId of params.taskIds) this.statements.deleteTask.run(params.shardId, taskId);
      })();
    });
  }

  private fence(shardId: number, rangeId: number): void {
    const row = this.statements.fenceShard.get(shardId) as { range_id: number } | undefined;
    if (row?.range_id !== rangeId) {
      throw new ShardOwnershipLostError(
        `shard ${shardId} is owned at range ${row?.range_id ?? 'none'}, not ${rangeId}`,
      );
    }
  }

  private writeExecution(shardId: number, write: ExecutionWrite): void {
    const r = write.record;
    const s = this.statements;
    if (write.expectedVersion === undefined) {
      s.insertExecution.run({ ...executionParams(r), shardId });
    } else {
      const result = s.updateExecution.run({ ...executionParams(r), shardId, expectedVersion: write.expectedVersion });
      if (result.changes !== 1)
        throw new StoreConflictError(`execution ${r.workflowId}/${r.runId} changed concurrently`);
    }
    for (const item of write.upsertItems)
      s.upsertItem.run(r.namespaceId, r.workflowId, r.runId, item.kind, item.id, item.data);
    for (const item of write.deleteItems) s.deleteItem.run(r.namespaceId, r.workflowId, r.runId, item.kind, item.id);
    if (write.becomeCurrent) s.upsertCurrent.run(r.namespaceId, r.workflowId, r.runId);
    for (const event of write.newEvents) {
      s.insertEvent.run(r.namespaceId, r.workflowId, r.runId, event.eventId, Buffer.from(event.data));
    }
    if (write.wakeupAtMs === 0) s.deleteWakeup.run(r.namespaceId, r.workflowId, r.runId);
    else if (write.wakeupAtMs !== undefined)
      s.upsertWakeup.run(r.namespaceId, r.workflowId, r.runId, shardId, write.wakeupAtMs);
  }

  readTasks(params: { shardId: number; afterTaskId: number; limit: number }): Promise<OutboxTaskRow[]> {
    return settle(() => {
      const rows = this.statements.readTasks.all(params.shardId, params.afterTaskId, params.limit) as {
        task_id: number;
        kind: string;
        namespace_id: string;
        workflow_id: string;
        run_id: string;
        payload: string;
      }[];
      return rows.map((row) => ({
        taskId: row.task_id,
        kind: row.kind,
        key: { namespaceId: row.namespace_id, workflowId: row.workflow_id, runId: row.run_id },
        payload: row.payload,
      }));
    });
  }

  readWakeups(params: { shardId: number; untilMs: number; limit: number }): Promise<WakeupRow[]> {
    return settle(() => {
      const rows = this.statements.readWakeups.all(params.shardId, params.untilMs, params.limit) as {
        namespace_id: string;
        workflow_id: string;
        run_id: string;
        at_ms: number;
      }[];
      return rows.map((row) => ({
        key: { namespaceId: row.namespace_id, workflowId: row.workflow_id, runId: row.run_id },
        atMs: row.at_ms,
      }));
    });
  }

  createNamespace(record: NamespaceRecord): Promise<void> {
    return settle(() => {
      this.statements.insertNamespace.run(record.id, record.name, JSON.stringify(record));
    });
  }

  updateNamespace(record: NamespaceRecord): Promise<void> {
    return settle(() => {
      this.statements.updateNamespace.run(JSON.stringify(record), record.id);
    });
  }

  getNamespaceByName(name: string): Promise<NamespaceRecord | undefined> {
    return settle(() => {
      const row = this.statements.namespaceByName.get(name) as { record: string } | undefined;
      return row ? (JSON.parse(row.record) as NamespaceRecord) : undefined;
    });
  }

  listNamespaces(): Promise<NamespaceRecord[]> {
    return settle(() => {
      const rows = this.statements.allNamespaces.all() as { record: string }[];
      return rows.map((row) => JSON.parse(row.record) as NamespaceRecord);
    });
  }

  getExecution(params: { key: ExecutionKey }): Promise<StoredExecution | undefined> {
    return settle(() => {
      const { namespaceId, workflowId, runId } = params.key;
      const row = this.statements.getExecution.get(namespaceId, workflowId, runId) as ExecutionRow | undefined;
      if (!row) return undefined;
      const items = this.statements.getItems.all(namespaceId, workflowId, runId) as {
        kind: string;
        item_id: string;
        data: string;
      }[];
      const wakeup = this.statements.getWakeup.get(namespaceId, workflowId, runId) as { at_ms: number } | undefined;
      return {
        record: rowToExecution(row),
        version: row.db_version,
        items: items.map((item) => ({ kind: item.kind, id: item.item_id, data: item.data })),
        wakeupAtMs: wakeup?.at_ms ?? 0,
      };
    });
  }

  getCurrentRunId(params: { namespaceId: string; workflowId: string }): Promise<string | undefined> {
    return settle(() => {
      const row = this.statements.getCurrent.get(params.namespaceId, params.workflowId) as
        { run_id: string } | undefined;
      return row?.run_id;
    });
  }

  readHistory(params: ReadHistoryParams): Promise<StoredEvent[]> {
    return settle(() => this.readHistorySync(params));
  }

  private readHistorySync(params: ReadHistoryParams): StoredEvent[] {
    const { key } = params;
    const statement = params.reverse ? this.statements.readHistoryReverse : this.statements.readHistory;
    const rows = statement.all(
      key.namespaceId,
      key.workflowId,
      key.runId,
      params.fromEventId,
      params.toEventId ?? Number.MAX_SAFE_INTEGER,
      params.limit,
    ) as { event_id: number; data: Buffer }[];
    return rows.map((row) => ({ eventId: row.event_id, data: new Uint8Array(row.data) }));
  }

  listExecutions(params: ListExecutionsParams): Promise<ListExecutionsResult> {
    return settle(() => {
      const compiled = compileVisibilityQuery(
        parseVisibilityQuery(params.query),
        params.searchAttributeTypes,
        sqliteDialect,
        params.scope,
      );
      const offset = params.nextPageToken?.length ? decodeOffset(params.nextPageToken) : 0;
      const where = compiled.where ? `AND (${compiled.where})` : '';
      const sql = `SELECT * FROM executions WHERE namespace_id = ? ${where} ORDER BY ${compiled.orderBy} LIMIT ? OFFSET ?`;
      const rows = this.db
        .prepare(sql)
        .all(params.namespaceId, ...compiled.params, params.pageSize + 1, offset) as ExecutionRow[];
      const hasMore = rows.length > params.pageSize;
      const page = rows.slice(0, params.pageSize).map(rowToExecution);
      return { records: page, nextPageToken: hasMore ? encodeOffset(offset + params.pageSize) : undefined };
    });
  }

  countExecutions(
    params: Omit<ListExecutionsParams, 'pageSize' | 'nextPageToken'>,
  ): Promise<{ count: number; groups: CountGroup[] }> {
    return settle(() => this.countSync(params));
  }

  private countSync(params: Omit<ListExecutionsParams, 'pageSize' | 'nextPageToken'>): {
    count: number;
    groups: CountGroup[];
  } {
    const parsed = parseVisibilityQuery(params.query);
    const compiled = compileVisibilityQuery(parsed, params.searchAttributeTypes, sqliteDialect, params.scope);
    const where = compiled.where ? `AND (${compiled.where})` : '';
    const total = this.db
      .prepare(`SELECT COUNT(*) AS n FROM executions WHERE namespace_id = ? ${where}`)
      .get(params.namespaceId, ...compiled.params) as { n: number };
    const groups: CountGroup[] = [];
    if (parsed.groupBy?.length) {
      const rows = this.db
        .prepare(
          `SELECT status, COUNT(*) AS n FROM executions WHERE namespace_id = ? ${where} GROUP BY status ORDER BY status`,
        )
        .all(params.namespaceId, ...compiled.params) as { status: number; n: number }[];
      for (const row of rows) groups.push({ values: [row.status], count: row.n });
    }
    return { count: total.n, groups };
  }

  createNexusEndpoint(record: NexusEndpointRecord): Promise<void> {
    return settle(() => {
      this.statements.insertEndpoint.run(record.id, record.name, record.version, JSON.stringify(record));
    });
  }

  updateNexusEndpoint(record: NexusEndpointRecord, expectedVersion: number): Promise<void> {
    return settle(() => {
      const result = this.statements.updateEndpoint.run(
        record.name,
        record.version,
        JSON.stringify(record),
        record.id,
        expectedVersion,
      );
      if (result.changes !== 1) throw new StoreConflictError(`nexus endpoint ${record.id} changed concurrently`);
    });
  }

  deleteNexusEndpoint(id: string): Promise<boolean> {
    return settle(() => {
      return this.statements.deleteEndpoint.run(id).changes === 1;
    });
  }

  listNexusEndpoints(): Promise<NexusEndpointRecord[]> {
    return settle(() => {
      const rows = this.statements.allEndpoints.all() as { record: string }[];
      return rows.map((row) => JSON.parse(row.record) as NexusEndpointRecord);
    });
  }

  appendAuditEvent(params: { event: AuditEventInput; keepNewest: number }): Promise<number> {
    return settle(() =>
      this.db.transaction(() => {
        const id = Number(this.statements.insertAuditEvent.run(params.event).lastInsertRowid);
        if (id > params.keepNewest) this.statements.forgetAuditEvents.run(id - params.keepNewest);
        return id;
      })(),
    );
  }

  settleAuditEvent(params: { id: number; outcome: string; detail: string }): Promise<void> {
    return settle(() => {
      this.statements.settleAuditEvent.run(params.outcome, params.detail, params.id);
    });
  }

  listAuditEvents(params: { beforeId?: number | undefined; limit: number }): Promise<AuditEvent[]> {
    return settle(() =>
      (this.statements.listAuditEvents.all(params.beforeId ?? Number.MAX_SAFE_INTEGER, params.limit) as AuditRow[]).map(
        auditEventOfRow,
      ),
    );
  }

  listLegacyExecutions(params: { limit: number }): Promise<ExecutionKey[]> {
    return settle(() => {
      const rows = this.statements.legacyExecutions.all(params.limit) as {
        namespace_id: string;
        workflow_id: string;
        run_id: string;
      }[];
      return rows.map((row) => ({ namespaceId: row.namespace_id, workflowId: row.workflow_id, runId: row.run_id }));
    });
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.db.open) this.db.close();
    });
  }
}
