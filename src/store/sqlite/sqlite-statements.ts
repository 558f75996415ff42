// The prepared statements of the SQLite adapter, in one place.
import type Database from 'better-sqlite3';
import { AUDIT_COLUMNS } from '../audit-rows';

const STATEMENTS = {
  insertNamespace: sql('INSERT INTO namespaces (id, name, record) VALUES (?, ?, ?)'),
  updateNamespace: sql('UPDATE namespaces SET record = ? WHERE id = ?'),
  namespaceByName: sql('SELECT record FROM namespaces WHERE name = ?'),
  allNamespaces: sql('SELECT record FROM namespaces ORDER BY rowid'),
  clusterMetadata: sql('SELECT shard_count FROM cluster_metadata WHERE id = 1'),
  insertClusterMetadata: sql('INSERT INTO cluster_metadata (id, shard_count) VALUES (1, ?)'),
  insertShard: sql('INSERT OR IGNORE INTO shards (shard_id, range_id) VALUES (?, 0)'),
  acquireShard: sql(
    `UPDATE shards SET range_id = range_id + 1, owner = @owner, lease_expires_ms = @until
     WHERE shard_id = @shardId AND (@steal OR lease_expires_ms <= @nowMs OR owner = @owner) RETURNING range_id`,
  ),
  shardExists: sql('SELECT 1 FROM shards WHERE shard_id = ?'),
  renewLease: sql('UPDATE shards SET lease_expires_ms = ? WHERE shard_id = ? AND range_id = ? AND owner = ?'),
  releaseShard: sql('UPDATE shards SET lease_expires_ms = 0 WHERE shard_id = ? AND range_id = ?'),
  upsertMember: sql(
    `INSERT INTO cluster_members (member_id, rpc_address, http_address, heartbeat_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (member_id) DO UPDATE SET rpc_address = excluded.rpc_address,
       http_address = excluded.http_address, heartbeat_ms = excluded.heartbeat_ms`,
  ),
  forgetMembers: sql('DELETE FROM cluster_members WHERE heartbeat_ms < ?'),
  removeMember: sql('DELETE FROM cluster_members WHERE member_id = ?'),
  listMembers: sql('SELECT member_id, rpc_address, http_address, heartbeat_ms FROM cluster_members ORDER BY member_id'),
  listShardOwners: sql('SELECT shard_id, owner, lease_expires_ms FROM shards ORDER BY shard_id'),
  fenceShard: sql('SELECT range_id FROM shards WHERE shard_id = ?'),
  maxTaskId: sql('SELECT MAX(task_id) AS id FROM tasks WHERE shard_id = ?'),
  insertExecution: sql(
    `INSERT INTO executions (namespace_id, workflow_id, run_id, workflow_type, task_queue, status,
       start_time, execution_time, close_time, history_length, next_event_id, parent_workflow_id,
       parent_run_id, memo, search_attributes, state, shard_id, db_version, root_workflow_id, root_run_id)
     VALUES (@namespaceId, @workflowId, @runId, @workflowType, @taskQueue, @status, @startTime, @executionTime,
       @closeTime, @historyLength, @nextEventId, @parentWorkflowId, @parentRunId, @memo, @searchAttributes, @state,
       @shardId, 1, @rootWorkflowId, @rootRunId)`,
  ),
  updateExecution: sql(
    `UPDATE executions SET workflow_type = @workflowType, task_queue = @taskQueue, status = @status,
       start_time = @startTime, execution_time = @executionTime, close_time = @closeTime,
       history_length = @historyLength, next_event_id = @nextEventId, parent_workflow_id = @parentWorkflowId,
       parent_run_id = @parentRunId, root_workflow_id = @rootWorkflowId, root_run_id = @rootRunId, memo = @memo,
       search_attributes = @searchAttributes, state = @state,
       shard_id = @shardId, db_version = db_version + 1
     WHERE namespace_id = @namespaceId AND workflow_id = @workflowId AND run_id = @runId
       AND db_version = @expectedVersion`,
  ),
  getExecution: sql('SELECT * FROM executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
  getItems: sql(
    'SELECT kind, item_id, data FROM execution_items WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?',
  ),
  upsertItem: sql(
    `INSERT INTO execution_items (namespace_id, workflow_id, run_id, kind, item_id, data) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (namespace_id, workflow_id, run_id, kind, item_id) DO UPDATE SET data = excluded.data`,
  ),
  deleteItem: sql(
    'DELETE FROM execution_items WHERE namespace_id = ? AND workflow_id = ? AND run_id = ? AND kind = ? AND item_id = ?',
  ),
  upsertCurrent: sql(
    `INSERT INTO current_executions (namespace_id, workflow_id, run_id) VALUES (?, ?, ?)
     ON CONFLICT (namespace_id, workflow_id) DO UPDATE SET run_id = excluded.run_id`,
  ),
  getCurrent: sql('SELECT run_id FROM current_executions WHERE namespace_id = ? AND workflow_id = ?'),
  insertEvent: sql(
    'INSERT INTO history_events (namespace_id, workflow_id, run_id, event_id, data) VALUES (?, ?, ?, ?, ?)',
  ),
  readHistory: sql(
    `SELECT event_id, data FROM history_events
     WHERE namespace_id = ? AND workflow_id = ? AND run_id = ? AND event_id >= ? AND event_id < ?
     ORDER BY event_id LIMIT ?`,
  ),
  readHistoryReverse: sql(
    `SELECT event_id, data FROM history_events
     WHERE namespace_id = ? AND workflow_id = ? AND run_id = ? AND event_id >= ? AND event_id < ?
     ORDER BY event_id DESC LIMIT ?`,
  ),
  getWakeup: sql('SELECT at_ms FROM wakeups WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
  upsertWakeup: sql(
    `INSERT INTO wakeups (namespace_id, workflow_id, run_id, shard_id, at_ms) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (namespace_id, workflow_id, run_id) DO UPDATE SET at_ms = excluded.at_ms, shard_id = excluded.shard_id`,
  ),
  deleteWakeup: sql('DELETE FROM wakeups WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
  deleteExecution: sql(
    'DELETE FROM executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ? AND db_version = ?',
  ),
  deleteRunItems: sql('DELETE FROM execution_items WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
  deleteRunHistory: sql('DELETE FROM history_events WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
  deleteCurrentOf: sql('DELETE FROM current_executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
  readWakeups: sql(
    `SELECT namespace_id, workflow_id, run_id, at_ms FROM wakeups WHERE shard_id = ? AND at_ms <= ?
     ORDER BY at_ms LIMIT ?`,
  ),
  insertTask: sql(
    `INSERT INTO tasks (shard_id, task_id, kind, namespace_id, workflow_id, run_id, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ),
  deleteTask: sql('DELETE FROM tasks WHERE shard_id = ? AND task_id = ?'),
  readTasks: sql(
    `SELECT task_id, kind, namespace_id, workflow_id, run_id, payload FROM tasks
     WHERE shard_id = ? AND task_id > ? ORDER BY task_id LIMIT ?`,
  ),
  legacyExecutions: sql('SELECT namespace_id, workflow_id, run_id FROM executions WHERE shard_id = -1 LIMIT ?'),
  insertEndpoint: sql('INSERT INTO nexus_endpoints (id, name, version, record) VALUES (?, ?, ?, ?)'),
  updateEndpoint: sql('UPDATE nexus_endpoints SET name = ?, version = ?, record = ? WHERE id = ? AND version = ?'),
  deleteEndpoint: sql('DELETE FROM nexus_endpoints WHERE id = ?'),
  allEndpoints: sql('SELECT record FROM nexus_endpoints ORDER BY name'),
  insertAuditEvent: sql(
    `INSERT INTO audit_events (time_ms, principal, action, namespace, target, outcome, detail)
     VALUES (@timeMs, @principal, @action, @namespace, @target, @outcome, @detail)`,
  ),
  settleAuditEvent: sql('UPDATE audit_events SET outcome = ?, detail = ? WHERE id = ?'),
  forgetAuditEvents: sql('DELETE FROM audit_events WHERE id <= ?'),
  listAuditEvents: sql(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT ?`),
} as const;

function sql(text: string): string {
  return text;
}

export type Statements = { readonly [K in keyof typeof STATEMENTS]: Database.Statement };

export function prepareStatements(db: Database.Database): Statements {
  const prepared: Record<string, Database.Statement> = {};
  for (const [name, text] of Object.entries(STATEMENTS)) prepared[name] = db.prepare(text);
  return prepared as Statements;
}
