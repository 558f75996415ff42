// Goal: the visibility contract (test/store/visibility-contract.ts) holds for SQLite's dialect.
// Setup: an in-memory better-sqlite3 database with Causeway's migrations.
import Database from 'better-sqlite3';
import { migrations } from '../../src/store/migrations';
import { sqliteDialect } from '../../src/store/sqlite/sqlite-dialect';
import { INSERT_ROW_SQL, rowValues, visibilityContract } from '../store/visibility-contract';

let database: Database.Database;

visibilityContract('sqlite', {
  dialect: sqliteDialect,
  setup(rows) {
    database = new Database(':memory:');
    for (const migration of migrations) database.exec(migration.sql);
    const insert = database.prepare(INSERT_ROW_SQL);
    for (const row of rows) insert.run(...rowValues(row));
    return Promise.resolve();
  },
  query: (sql, params) => Promise.resolve(database.prepare(sql).all(...params) as Record<string, unknown>[]),
  teardown() {
    database.close();
    return Promise.resolve();
  },
  expected: {
    orderByStartTimeDescPriority: `start_time DESC, json_extract(search_attributes, '$."Priority"') ASC, run_id`,
    customerIdEquals: /json_extract\(search_attributes, '\$\."CustomerId"'\) = \?/,
    tagsContain: /EXISTS \(SELECT 1 FROM json_each\(search_attributes, '\$\."Tags"'\)/,
  },
});
