// The SQLite adapter of Store (better-sqlite3, WAL). Every write is one transaction that is committed
// before the call returns, so an acknowledged write survives a SIGKILL of the process.
import Database from 'better-sqlite3';
import { migrations } from '../migrations';
import {
  type CountGroup,
  type ExecutionKey,
  type ExecutionRecord,
  type ExecutionWrite,
  type ListExecutionsParams,
  type ListExecutionsResult,
  type NamespaceRecord,
  type NexusEndpointRecord,
  type Store,
  type StoredEvent,
  StoreConflictError,
} from '../store';
import { parseVisibilityQuery } from '../visibility-query';
import { compileVisibilityQuery } from './visibility-sql';
import { invalidArgument } from '../../common/errors';

export interface SqliteStoreOptions {
  /** File path; ':memory:' or undefined for an in-memory database. */
  readonly filename?: string | undefined;
  readonly pragmas?: Readonly<Record<string, string>>;
}

interface ExecutionRow {
  namespace_id: string;
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  task_queue: string;
  status: number;
  start_time: number;
  execution_time: number;
  close_time: number | null;
  history_length: number;
  next_event_id: number;
  parent_workflow_id: string | null;
  parent_run_id: string | null;
  memo: Buffer | null;
  search_attributes: string;
  state: string;
}

const PRAGMA_NAME = /^[a-z_]+$/;
const PRAGMA_VALUE = /^[A-Za-z0-9_\-.]+$/;

function rowToExecution(row: ExecutionRow): ExecutionRecord {
  return {
    namespaceId: row.namespace_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    workflowType: row.workflow_type,
    taskQueue: row.task_queue,
    status: row.status,
    startTimeMs: row.start_time,
    executionTimeMs: row.execution_time,
    closeTimeMs: row.close_time,
    historyLength: row.history_length,
    nextEventId: row.next_event_id,
    parentWorkflowId: row.parent_workflow_id,
    parentRunId: row.parent_run_id,
    memo: row.memo ? new Uint8Array(row.memo) : null,
    searchAttributes: JSON.parse(row.search_attributes) as Record<string, unknown>,
    state: row.state,
  };
}

function executionParams(r: ExecutionRecord): Record<string, unknown> {
  return {
    namespaceId: r.namespaceId,
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    taskQueue: r.taskQueue,
    status: r.status,
    startTime: r.startTimeMs,
    executionTime: r.executionTimeMs,
    closeTime: r.closeTimeMs,
    historyLength: r.historyLength,
    nextEventId: r.nextEventId,
    parentWorkflowId: r.parentWorkflowId,
    parentRunId: r.parentRunId,
    memo: r.memo ? Buffer.from(r.memo) : null,
    searchAttributes: JSON.stringify(r.searchAttributes),
    state: r.state,
  };
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(options: SqliteStoreOptions = {}) {
    this.db = new Database(options.filename ?? ':memory:');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    for (const [name, value] of Object.entries(options.pragmas ?? {})) {
      if (!PRAGMA_NAME.test(name) || !PRAGMA_VALUE.test(value)) {
        throw invalidArgument(`invalid sqlite pragma ${name}=${value}`);
      }
      this.db.pragma(`${name} = ${value}`);
    }
    this.migrate();
    this.statements = this.prepare();
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${migration.version}`);
      })();
    }
  }

  private prepare() {
    const db = this.db;
    return {
      insertNamespace: db.prepare('INSERT INTO namespaces (id, name, record) VALUES (?, ?, ?)'),
      updateNamespace: db.prepare('UPDATE namespaces SET record = ? WHERE id = ?'),
      namespaceByName: db.prepare('SELECT record FROM namespaces WHERE name = ?'),
      namespaceById: db.prepare('SELECT record FROM namespaces WHERE id = ?'),
      allNamespaces: db.prepare('SELECT record FROM namespaces ORDER BY rowid'),
      insertExecution: db.prepare(
        `INSERT INTO executions (namespace_id, workflow_id, run_id, workflow_type, task_queue, status,
           start_time, execution_time, close_time, history_length, next_event_id, parent_workflow_id,
           parent_run_id, memo, search_attributes, state)
         VALUES (@namespaceId, @workflowId, @runId, @workflowType, @taskQueue, @status, @startTime, @executionTime,
           @closeTime, @historyLength, @nextEventId, @parentWorkflowId, @parentRunId, @memo, @searchAttributes, @state)`,
      ),
      updateExecution: db.prepare(
        `UPDATE executions SET workflow_type = @workflowType, task_queue = @taskQueue, status = @status,
           start_time = @startTime, execution_time = @executionTime, close_time = @closeTime,
           history_length = @historyLength, next_event_id = @nextEventId, parent_workflow_id = @parentWorkflowId,
           parent_run_id = @parentRunId, memo = @memo, search_attributes = @searchAttributes, state = @state
         WHERE namespace_id = @namespaceId AND workflow_id = @workflowId AND run_id = @runId
           AND next_event_id = @expectedNextEventId`,
      ),
      getExecution: db.prepare('SELECT * FROM executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
      upsertCurrent: db.prepare(
        `INSERT INTO current_executions (namespace_id, workflow_id, run_id) VALUES (?, ?, ?)
         ON CONFLICT (namespace_id, workflow_id) DO UPDATE SET run_id = excluded.run_id`,
      ),
      getCurrent: db.prepare('SELECT run_id FROM current_executions WHERE namespace_id = ? AND workflow_id = ?'),
      insertEvent: db.prepare(
        'INSERT INTO history_events (namespace_id, workflow_id, run_id, event_id, data) VALUES (?, ?, ?, ?, ?)',
      ),
      readHistory: db.prepare(
        `SELECT event_id, data FROM history_events
         WHERE namespace_id = ? AND workflow_id = ? AND run_id = ? AND event_id >= ? AND event_id < ?
         ORDER BY event_id LIMIT ?`,
      ),
      readHistoryReverse: db.prepare(
        `SELECT event_id, data FROM history_events
         WHERE namespace_id = ? AND workflow_id = ? AND run_id = ? AND event_id >= ? AND event_id < ?
         ORDER BY event_id DESC LIMIT ?`,
      ),
      openExecutions: db.prepare('SELECT * FROM executions WHERE status = 1'),
      insertEndpoint: db.prepare('INSERT INTO nexus_endpoints (id, name, version, record) VALUES (?, ?, ?, ?)'),
      updateEndpoint: db.prepare(
        'UPDATE nexus_endpoints SET name = ?, version = ?, record = ? WHERE id = ? AND version = ?',
      ),
      deleteEndpoint: db.prepare('DELETE FROM nexus_endpoints WHERE id = ?'),
      endpointById: db.prepare('SELECT record FROM nexus_endpoints WHERE id = ?'),
      endpointByName: db.prepare('SELECT record FROM nexus_endpoints WHERE name = ?'),
      allEndpoints: db.prepare('SELECT record FROM nexus_endpoints ORDER BY name'),
    };
  }

  createNamespace(record: NamespaceRecord): void {
    this.statements.insertNamespace.run(record.id, record.name, JSON.stringify(record));
  }

  updateNamespace(record: NamespaceRecord): void {
    this.statements.updateNamespace.run(JSON.stringify(record), record.id);
  }

  getNamespaceByName(name: string): NamespaceRecord | undefined {
    const row = this.statements.namespaceByName.get(name) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as NamespaceRecord) : undefined;
  }

  getNamespaceById(id: string): NamespaceRecord | undefined {
    const row = this.statements.namespaceById.get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as NamespaceRecord) : undefined;
  }

  listNamespaces(): NamespaceRecord[] {
    const rows = this.statements.allNamespaces.all() as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as NamespaceRecord);
  }

  writeExecutions(writes: readonly ExecutionWrite[]): void {
    this.db.transaction(() => {
      for (const write of writes) this.writeExecution(write);
    })();
  }

  private writeExecution(write: ExecutionWrite): void {
    const r = write.record;
    if (write.expectedNextEventId === undefined) {
      this.statements.insertExecution.run(executionParams(r));
    } else {
      const result = this.statements.updateExecution.run({
        ...executionParams(r),
        expectedNextEventId: write.expectedNextEventId,
      });
      if (result.changes !== 1) {
        throw new StoreConflictError(`execution ${r.workflowId}/${r.runId} changed concurrently`);
      }
    }
    if (write.becomeCurrent) this.statements.upsertCurrent.run(r.namespaceId, r.workflowId, r.runId);
    for (const event of write.newEvents) {
      this.statements.insertEvent.run(r.namespaceId, r.workflowId, r.runId, event.eventId, Buffer.from(event.data));
    }
  }

  getExecution(key: ExecutionKey): ExecutionRecord | undefined {
    const row = this.statements.getExecution.get(key.namespaceId, key.workflowId, key.runId) as
      ExecutionRow | undefined;
    return row ? rowToExecution(row) : undefined;
  }

  getCurrentRunId(params: { namespaceId: string; workflowId: string }): string | undefined {
    const row = this.statements.getCurrent.get(params.namespaceId, params.workflowId) as { run_id: string } | undefined;
    return row?.run_id;
  }

  readHistory(params: {
    key: ExecutionKey;
    fromEventId: number;
    toEventId?: number;
    limit: number;
    reverse?: boolean;
  }): StoredEvent[] {
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

  listOpenExecutions(): ExecutionRecord[] {
    return (this.statements.openExecutions.all() as ExecutionRow[]).map(rowToExecution);
  }

  listExecutions(params: ListExecutionsParams): ListExecutionsResult {
    const compiled = compileVisibilityQuery(parseVisibilityQuery(params.query), params.searchAttributeTypes);
    const offset = params.nextPageToken?.length ? decodeOffset(params.nextPageToken) : 0;
    const where = compiled.where ? `AND (${compiled.where})` : '';
    const sql = `SELECT * FROM executions WHERE namespace_id = ? ${where} ORDER BY ${compiled.orderBy} LIMIT ? OFFSET ?`;
    const rows = this.db
      .prepare(sql)
      .all(params.namespaceId, ...compiled.params, params.pageSize + 1, offset) as ExecutionRow[];
    const hasMore = rows.length > params.pageSize;
    const page = rows.slice(0, params.pageSize).map(rowToExecution);
    return { records: page, nextPageToken: hasMore ? encodeOffset(offset + params.pageSize) : undefined };
  }

  countExecutions(params: Omit<ListExecutionsParams, 'pageSize' | 'nextPageToken'>): {
    count: number;
    groups: CountGroup[];
  } {
    const parsed = parseVisibilityQuery(params.query);
    const compiled = compileVisibilityQuery(parsed, params.searchAttributeTypes);
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

  createNexusEndpoint(record: NexusEndpointRecord): void {
    this.statements.insertEndpoint.run(record.id, record.name, record.version, JSON.stringify(record));
  }

  updateNexusEndpoint(record: NexusEndpointRecord, expectedVersion: number): void {
    const result = this.statements.updateEndpoint.run(
      record.name,
      record.version,
      JSON.stringify(record),
      record.id,
      expectedVersion,
    );
    if (result.changes !== 1) throw new StoreConflictError(`nexus endpoint ${record.id} changed concurrently`);
  }

  deleteNexusEndpoint(id: string): boolean {
    return this.statements.deleteEndpoint.run(id).changes === 1;
  }

  getNexusEndpoint(id: string): NexusEndpointRecord | undefined {
    const row = this.statements.endpointById.get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as NexusEndpointRecord) : undefined;
  }

  getNexusEndpointByName(name: string): NexusEndpointRecord | undefined {
    const row = this.statements.endpointByName.get(name) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as NexusEndpointRecord) : undefined;
  }

  listNexusEndpoints(): NexusEndpointRecord[] {
    return (this.statements.allEndpoints.all() as { record: string }[]).map(
      (row) => JSON.parse(row.record) as NexusEndpointRecord,
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function encodeOffset(offset: number): Uint8Array {
  return Buffer.from(JSON.stringify({ offset }));
}

function decodeOffset(token: Uint8Array): number {
  try {
    const parsed = JSON.parse(Buffer.from(token).toString()) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through
  }
  throw invalidArgument('invalid next_page_token');
}
