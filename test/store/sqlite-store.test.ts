// Goal: the SQLite adapter keeps the Store contract, refuses a database of a newer schema, and migrates
// an older one. Setup: in-memory databases (and one file in a temporary directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { migrations, SCHEMA_VERSION } from '../../src/store/migrations';
import { storeContract } from './store-contract';

storeContract('sqlite', () => Promise.resolve(new SqliteStore()));

test('a database with a newer schema is refused; an older one is migrated', async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'causeway-store-'));
  try {
    const newer = path.join(directory, 'newer.db');
    const db = new Database(newer);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => new SqliteStore({ filename: newer }), /newer than this Causeway/);
    const older = path.join(directory, 'older.db');
    const v1 = new Database(older);
    v1.exec(migrations[0]?.sql ?? '');
    v1.pragma('user_version = 1');
    v1.close();
    const store = new SqliteStore({ filename: older });
    assert.deepEqual(await store.initializeCluster({ shardCount: 2 }), { shardCount: 2 });
    await store.close();
    const check = new Database(older);
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    check.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
