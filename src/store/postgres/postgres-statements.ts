// The SQL of the PostgreSQL adapter, in one place. Each is a named prepared statement (parsed once per
// connection). Batches travel as arrays and unnest() in one round trip.
import { AUDIT_COLUMNS } from '../audit-rows';

export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

function named(name: string, text: string): NamedStatement {
  return { name: `causeway_${name}`, text };
}

const RUN = 'namespace_id = $1 AND workflow_id = $2 AND run_id = $3';

export const SQL = {
  fenceShard: named('fence_shard', 'SELECT range_id FROM shards WHERE shard_id = $1 FOR SHARE'),
  acquireShard: named(
    'acquire_shard',
    `UPDATE shards SET range_id = range_id + 1, owner = $1, lease_expires_ms = $3::float8 + $4::float8
     WHERE shard_id = $2 AND ($5::boolean OR lease_expires_ms <= $3 OR owner = $1) RETURNING range_id`,
  ),
  shardExists: named('shard_exists', 'SELECT 1 FROM shards WHERE shard_id = $1'),
  renewLeases: named(
    'renew_leases',
    `UPDATE shards SET lease_expires_ms = $2 FROM unnest($3::int[], $4::bigint[]) AS held(shard_id, range_id)
     WHERE shards.shard_id = held.shard_id AND shards.range_id = held.range_id AND shards.owner = $1
     RETURNING shards.shard_id`,
  ),
  releaseShard: named('release_shard', 'UPDATE shards SET lease_expires_ms = 0 WHERE shard_id = $1 AND range_id = $2'),
  upsertMember: named(
    'upsert_member',
    `INSERT INTO cluster_members (member_id, rpc_address, http_address, heartbeat_ms) VALUES ($1, $2, $3, $4)
     ON CONFLICT (member_id) DO UPDATE SET rpc_address = excluded.rpc_address,
       http_address = excluded.http_address, heartbeat_ms = excluded.heartbeat_ms`,
  ),
  forgetMembers: named('forget_members', 'DELETE FROM cluster_members WHERE heartbeat_ms < $1'),
  removeMember: named('remove_member', 'DELETE FROM cluster_members WHERE member_id = $1'),
  listMembers: named(
    'list_members',
    'SELECT member_id, rpc_address, http_address, heartbeat_ms FROM cluster_members ORDER BY member_id',
  ),
  listShardOwners: named('list_shard_owners', 'SELECT shard_id, owner, lease_expires_ms FROM shards ORDER BY shard_id'),
  maxTaskId: named('max_task_id', 'SELECT MAX(task_id) AS id FROM tasks WHERE shard_id = $1'),
  insertExecution: named(
    'insert_execution',
    `INSERT INTO executions (namespace_id, workflow_id, run_id, workflow_type, task_queue, status, start_time,
       execution_time, close_time, history_length, next_event_id, parent_workflow_id, parent_run_id, memo,
       search_attributes, state, shard_id, root_workflow_id, root_run_id, db_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1)`,
  ),
  updateExecution: named(
    'update_execution',
    `UPDATE executions SET workflow_type = $4, task_queue = $5, status = $6, start_time = $7, execution_time = $8,
       close_time = $9, history_length = $10, next_event_id = $11, parent_workflow_id = $12, parent_run_id = $13,
       memo = $14, search_attributes = $15, state = $16, shard_id = $17, root_workflow_id = $18, root_run_id = $19,
       db_version = db_version + 1
     WHERE ${RUN} AND db_version = $20`,
  ),
  upsertItems: named(
    'upsert_items',
    `INSERT INTO execution_items (namespace_id, workflow_id, run_id, kind, item_id, data)
     SELECT $1, $2, $3, kind, item_id, data FROM unnest($4::text[], $5::text[], $6::text[]) AS t(kind, item_id, data)
     ON CONFLICT (namespace_id, workflow_id, run_id, kind, item_id) DO UPDATE SET data = excluded.data`,
  ),
  deleteItems: named(
    'delete_items',
    `DELETE FROM execution_items WHERE ${RUN}
       AND (kind, item_id) IN (SELECT * FROM unnest($4::text[], $5::text[]))`,
  ),
  upsertCurrent: named(
    'upsert_current',
    `INSERT INTO current_executions (namespace_id, workflow_id, run_id) VALUES ($1, $2, $3)
     ON CONFLICT (namespace_id, workflow_id) DO UPDATE SET run_id = excluded.run_id`,
  ),
  insertEvents: named(
    'insert_events',
    `INSERT INTO history_events (namespace_id, workflow_id, run_id, event_id, data)
     SELECT $1, $2, $3, event_id, data FROM unnest($4::bigint[], $5::bytea[]) AS t(event_id, data)`,
  ),
  upsertWakeup: named(
    'upsert_wakeup',
    `INSERT INTO wakeups (namespace_id, workflow_id, run_id, shard_id, at_ms) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (namespace_id, workflow_id, run_id) DO UPDATE SET at_ms = excluded.at_ms, shard_id = excluded.shard_id`,
  ),
  deleteWakeup: named('delete_wakeup', `DELETE FROM wakeups WHERE ${RUN}`),
  deleteExecution: named('delete_execution', `DELETE FROM executions WHERE ${RUN} AND db_version = $4`),
  deleteRunItems: named('delete_run_items', `DELETE FROM execution_items WHERE ${RUN}`),
  deleteRunHistory: named('delete_run_history', `DELETE FROM history_events WHERE ${RUN}`),
  deleteCurrentOf: named('delete_current_of', `DELETE FROM current_executions WHERE ${RUN}`),
  insertTasks: named(
    'insert_tasks',
    `INSERT INTO tasks (shard_id, task_id, kind, namespace_id, workflow_id, run_id, payload)
     SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
  ),
  deleteTasks: named('delete_tasks', 'DELETE FROM tasks WHERE shard_id = $1 AND task_id = ANY($2::bigint[])'),
  readTasks: named(
    'read_tasks',
    `SELECT task_id, kind, namespace_id, workflow_id, run_id, payload FROM tasks
     WHERE shard_id = $1 AND task_id > $2 ORDER BY task_id LIMIT $3`,
  ),
  readWakeups: named(
    'read_wakeups',
    `SELECT namespace_id, workflow_id, run_id, at_ms FROM wakeups WHERE shard_id = $1 AND at_ms <= $2
     ORDER BY at_ms LIMIT $3`,
  ),
  getExecution: named('get_execution', `SELECT * FROM executions WHERE ${RUN}`),
  getItems: named('get_items', `SELECT kind, item_id, data FROM execution_items WHERE ${RUN}`),
  getWakeup: named('get_wakeup', `SELECT at_ms FROM wakeups WHERE ${RUN}`),
  getCurrent: named(
    'get_current',
    'SELECT run_id FROM current_executions WHERE namespace_id = $1 AND workflow_id = $2',
  ),
  readHistory: named(
    'read_history',
    `SELECT event_id, data FROM history_events WHERE ${RUN} AND event_id >= $4 AND event_id < $5
     ORDER BY event_id LIMIT $6`,
  ),
  readHistoryReverse: named(
    'read_history_reverse',
    `SELECT event_id, data FROM history_events WHERE ${RUN} AND event_id >= $4 AND event_id < $5
     ORDER BY event_id DESC LIMIT $6`,
  ),
  insertNamespace: named('insert_namespace', 'INSERT INTO namespaces (id, name, record) VALUES ($1, $2, $3)'),
  updateNamespace: named('update_namespace', 'UPDATE namespaces SET record = $1 WHERE id = $2'),
  namespaceByName: named('namespace_by_name', 'SELECT record FROM namespaces WHERE name = $1'),
  allNamespaces: named('all_namespaces', 'SELECT record FROM namespaces ORDER BY seq'),
  insertEndpoint: named(
    'insert_endpoint',
    'INSERT INTO nexus_endpoints (id, name, version, record) VALUES ($1, $2, $3, $4)',
  ),
  updateEndpoint: named(
    'update_endpoint',
    'UPDATE nexus_endpoints SET name = $1, version = $2, record = $3 WHERE id = $4 AND version = $5',
  ),
  deleteEndpoint: named('delete_endpoint', 'DELETE FROM nexus_endpoints WHERE id = $1'),
  allEndpoints: named('all_endpoints', 'SELECT record FROM nexus_endpoints ORDER BY name'),
  insertAuditEvent: named(
    'insert_audit_event',
    `INSERT INTO audit_events (time_ms, principal, action, namespace, target, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
  ),
  settleAuditEvent: named('settle_audit_event', 'UPDATE audit_events SET outcome = $1, detail = $2 WHERE id = $3'),
  forgetAuditEvents: named('forget_audit_events', 'DELETE FROM audit_events WHERE id <= $1'),
  listAuditEvents: named(
    'list_audit_events',
    `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE id < $1 ORDER BY id DESC LIMIT $2`,
  ),
  legacyExecutions: named(
    'legacy_executions',
    'SELECT namespace_id, workflow_id, run_id FROM executions WHERE shard_id = -1 LIMIT $1',
  ),
} as const;
