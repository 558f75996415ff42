// The PostgreSQL schema, as numbered migrations like SQLite's (its own numbering: PostgreSQL support began
// with the sharded engine, so its first migration is that schema whole). Text that is compared or sorted
// uses COLLATE "C" (byte order, as SQLite); times are double precision milliseconds (a deadline may hold a
// fraction of one); `search_attributes` is `json`, kept as written.
import type { Migration } from '../migrations';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sharded engine schema',
    sql: `
      CREATE TABLE causeway_schema (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      );
      CREATE TABLE namespaces (
        id TEXT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        seq BIGSERIAL,
        record TEXT NOT NULL
      );
      CREATE TABLE executions (
        namespace_id TEXT COLLATE "C" NOT NULL,
        workflow_id TEXT COLLATE "C" NOT NULL,
        run_id TEXT COLLATE "C" NOT NULL,
        workflow_type TEXT COLLATE "C" NOT NULL,
        task_queue TEXT COLLATE "C" NOT NULL,
        status INTEGER NOT NULL,
        start_time DOUBLE PRECISION NOT NULL,
        execution_time DOUBLE PRECISION NOT NULL,
        close_time DOUBLE PRECISION,
        history_length BIGINT NOT NULL,
        next_event_id BIGINT NOT NULL,
        parent_workflow_id TEXT COLLATE "C",
        parent_run_id TEXT COLLATE "C",
        memo BYTEA,
        search_attributes JSON NOT NULL DEFAULT '{}',
        state TEXT NOT NULL,
        shard_id INTEGER NOT NULL,
        db_version BIGINT NOT NULL DEFAULT 1,
        PRIMARY KEY (namespace_id, workflow_id, run_id)
      );
      CREATE INDEX executions_by_start ON executions (namespace_id, start_time DESC);
      CREATE INDEX executions_open ON executions (status) WHERE status = 1;
      CREATE INDEX executions_legacy ON executions (shard_id) WHERE shard_id = -1;
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
        event_id BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (namespace_id, workflow_id, run_id, event_id)
      );
      CREATE TABLE nexus_endpoints (
        id TEXT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        version BIGINT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE TABLE cluster_metadata (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        shard_count INTEGER NOT NULL
      );
      CREATE TABLE shards (
        shard_id INTEGER PRIMARY KEY,
        range_id BIGINT NOT NULL,
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
      );
      CREATE TABLE tasks (
        shard_id INTEGER NOT NULL,
        task_id BIGINT NOT NULL,
        kind TEXT NOT NULL,
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (shard_id, task_id)
      );
      CREATE TABLE wakeups (
        namespace_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        shard_id INTEGER NOT NULL,
        at_ms DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (namespace_id, workflow_id, run_id)
      );
      CREATE INDEX wakeups_due ON wakeups (shard_id, at_ms);
    `,
  },
  {
    version: 2,
    name: 'shard leases',
    sql: `ALTER TABLE shards ADD COLUMN lease_expires_ms DOUBLE PRECISION NOT NULL DEFAULT 0;`,
  },
  {
    version: 3,
    name: 'cluster members',
    sql: `CREATE TABLE cluster_members (
        member_id TEXT PRIMARY KEY,
        rpc_address TEXT NOT NULL,
        http_address TEXT NOT NULL,
        heartbeat_ms DOUBLE PRECISION NOT NULL
      );`,
  },
  {
    version: 4,
    name: 'root execution of each run',
    // As SQLite's migration 5: a run without a parent is its own root; an older child's root stays NULL.
    sql: `
      ALTER TABLE executions ADD COLUMN root_workflow_id TEXT COLLATE "C";
      ALTER TABLE executions ADD COLUMN root_run_id TEXT COLLATE "C";
      UPDATE executions SET root_workflow_id = workflow_id, root_run_id = run_id WHERE parent_workflow_id IS NULL;
    `,
  },
  {
    version: 5,
    name: 'audit log',
    sql: `CREATE TABLE audit_events (
        id BIGSERIAL PRIMARY KEY,
        time_ms DOUBLE PRECISION NOT NULL,
        principal TEXT NOT NULL,
        action TEXT NOT NULL,
        namespace TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL
      );`,
  },
];

export const POSTGRES_SCHEMA_VERSION = postgresMigrations.length;
