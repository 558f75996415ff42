// Goal: a database written by Causeway before the outbox (schema version 1: runs with their items inline
// and no tasks) is migrated and its open runs go on: a pending timer fires, a waiting workflow takes new
// signals and completes, and a closed run still describes. Setup: test/fixtures/legacy-v1.json holds the
// rows of such a database, recorded from Causeway at commit 71f37bf (a `sleeper` waiting on a 2 s timer,
// a `counter` that got one signal, a finished `greeting`, all on task queue legacy-tq); the test writes
// them into a schema-1 SQLite file and starts the current server on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../../src/store/migrations';
import { startTestEnv } from '../helpers/test-env';

type Row = Record<string, string | number | null | { base64: string }>;

// The fixture's namespace keeps closed runs for a day after they were recorded; the upgrade, not the
// retention, is what this test checks, so the namespace is written with a retention of ten years and the
// closed run is still there whenever the test runs.
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function withLongRetention(row: Row): Row {
  const record = JSON.parse(String(row['record'])) as Record<string, unknown>;
  return { ...row, record: JSON.stringify({ ...record, retentionMs: TEN_YEARS_MS }) };
}

function writeLegacyDatabase(filename: string): void {
  const rows = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'legacy-v1.json'), 'utf8'),
  ) as Record<string, Row[]>;
  const db = new Database(filename);
  db.exec(migrations[0]?.sql ?? '');
  db.pragma('user_version = 1');
  for (const [table, tableRows] of Object.entries(rows)) {
    for (const recorded of tableRows) {
      const row = table === 'namespaces' ? withLongRetention(recorded) : recorded;
      const columns = Object.keys(row);
      const values = Object.values(row).map((v) =>
        v !== null && typeof v === 'object' ? Buffer.from(v.base64, 'base64') : v,
      );
      db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
        ...values,
      );
    }
  }
  db.close();
}

test('a schema-1 database is upgraded and its open workflows go on', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-legacy-'));
  const dbFilename = path.join(directory, 'legacy.db');
  writeLegacyDatabase(dbFilename);
  const env = await startTestEnv({ dbFilename });
  try {
    const { client } = env;
    const done = await client.workflow.getHandle('legacy-done').describe();
    assert.equal(done.status.name, 'COMPLETED');
    await env.withWorker(
      async () => {
        assert.equal(await client.workflow.getHandle('legacy-timer').result(), 'woke', 'the overdue timer fired');
        const counter = client.workflow.getHandle('legacy-counter');
        await counter.signal('add', 3);
        await counter.signal('done');
        assert.equal(await counter.result(), 8, 'the signal before the upgrade and the ones after');
      },
      { taskQueue: 'legacy-tq' },
    );
  } finally {
    await env.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
