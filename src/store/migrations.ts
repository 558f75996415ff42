// Numbered schema migrations, applied in order inside one transaction each. Never edit a released one.
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
];
