// Numbered schema migrations, applied in order inside one transaction each. Never edit a released one.
// The schema version of a database is the number of its last migration (SQLite's user_version).
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE namespaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        record TEXT NOT NULL
      );
      CREATE TABLE executions (
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        workflow_type TEXT NOT NULL,
        task_queue TEXT NOT NULL,
        status INTEGER NOT NULL,
        start_time INTEGER NOT NULL,
        execution_time INTEGER NOT NULL,
        close_time INTEGER,
        history_length INTEGER NOT NULL,
        next_event_id INTEGER NOT NULL,
        parent_workflow_id TEXT,
        parent_run_id TEXT,
        memo BLOB,
        search_attributes TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL,
        PRIMARY KEY (namespace_id, workflow_id, run_id)
      );
      CREATE INDEX executions_by_start ON executions (namespace_id, start_time DESC);
      CREATE INDEX executions_open ON executions (status) WHERE status = 1;
      CREATE TABLE current_executions (
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (namespace_id, workflow_id)
      );
      CREATE TABLE history_events (
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (namespace_id, workflow_id, run_id, event_id)
      ) WITHOUT ROWID;
      CREATE TABLE nexus_endpoints (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        record TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'shards, task outbox, wake-ups, mutable state items',
    // Runs written before this migration keep shard_id -1 until the engine upgrades them (see
    // engine/legacy-upgrade.ts): their state holds its items inline and they have no tasks yet.
    sql: `
      ALTER TABLE executions ADD COLUMN shard_id INTEGER NOT NULL DEFAULT -1;
      ALTER TABLE executions ADD COLUMN db_version INTEGER NOT NULL DEFAULT 1;
      CREATE INDEX executions_legacy ON executions (shard_id) WHERE shard_id = -1;
      CREATE TABLE cluster_metadata (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        shard_count INTEGER NOT NULL
      );
      CREATE TABLE shards (
        shard_id INTEGER PRIMARY KEY,
        range_id INTEGER NOT NULL,
        owner TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE execution_items (
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (namespace_id, workflow_id, run_id, kind, item_id)
      ) WITHOUT ROWID;
      CREATE TABLE tasks (
        shard_id INTEGER NOT NULL,
        task_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (shard_id, task_id)
      ) WITHOUT ROWID;
      CREATE TABLE wakeups (
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        shard_id INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        PRIMARY KEY (namespace_id, workflow_id, run_id)
      ) WITHOUT ROWID;
      CREATE INDEX wakeups_due ON wakeups (shard_id, at_ms);
    `,
  },
  {
    version: 3,
    name: 'shard leases',
    sql: `ALTER TABLE shards ADD COLUMN lease_expires_ms INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 4,
    name: 'cluster members',
    sql: `CREATE TABLE cluster_members (
        member_id TEXT PRIMARY KEY,
        rpc_address TEXT NOT NULL,
        http_address TEXT NOT NULL,
        heartbeat_ms INTEGER NOT NULL
      ) WITHOUT ROWID;`,
  },
  {
    version: 5,
    name: 'root execution of each run',
    // The RootWorkflowId and RootRunId search attributes. A run written before has no parent recorded as
    // such only if it has none: it is its own root; an older child's root is unknown and stays NULL.
    sql: `
      ALTER TABLE executions ADD COLUMN root_workflow_id TEXT;
      ALTER TABLE executions ADD COLUMN root_run_id TEXT;
      UPDATE executions SET root_workflow_id = workflow_id, root_run_id = run_id WHERE parent_workflow_id IS NULL;
    `,
  },
  {
    version: 6,
    name: 'audit log',
    sql: `CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time_ms INTEGER NOT NULL,
        principal TEXT NOT NULL,
        action TEXT NOT NULL,
        namespace TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL
      );`,
  },
];

/** The schema version this build writes; a database with a newer one is refused. */
export const SCHEMA_VERSION = migrations.length;
