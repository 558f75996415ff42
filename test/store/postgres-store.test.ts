// Goal: the PostgreSQL adapter keeps the Store contract and the visibility contract, creates its schema on
// an empty database (and says so), refuses a database of a newer schema or of someone else's tables without
// writing to it, and fails at open with a clear message (no password in it) when the server is unreachable
// or refuses the credentials. Setup: the server CAUSEWAY_TEST_POSTGRES names, a fresh database per store.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresStore, redactedUrl } from '../../src/store/postgres/postgres-store';
import { postgresDialect, numberPlaceholders } from '../../src/store/postgres/postgres-dialect';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres/postgres-schema';
import { storeContract } from './store-contract';
import { INSERT_ROW_SQL, rowValues, visibilityContract } from './visibility-contract';
import { onDatabase, postgresAdminUrl, skipWithoutPostgres } from '../helpers/postgres';
import { freshDatabase } from '../helpers/fresh-database';

describe('PostgreSQL store', { skip: skipWithoutPostgres }, () => {
  storeContract('postgres', async () =>
    PostgresStore.open({ url: (await freshDatabase()).url, allowMigration: false }),
  );

  let visibilityUrl = '';
  visibilityContract('postgres', {
    dialect: postgresDialect,
    async setup(rows) {
      visibilityUrl = (await freshDatabase()).url;
      await (await PostgresStore.open({ url: visibilityUrl, allowMigration: false })).close();
      await onDatabase(visibilityUrl, async (client) => {
        for (const row of rows) await client.query(numberPlaceholders(INSERT_ROW_SQL), rowValues(row));
      });
    },
    query: (sql, params) =>
      onDatabase(visibilityUrl, async (client) => (await client.query(numberPlaceholders(sql), [...params])).rows),
    teardown: () => Promise.resolve(),
    expected: {
      orderByStartTimeDescPriority: `start_time DESC NULLS LAST, (search_attributes->>'Priority')::numeric ASC NULLS FIRST, run_id`,
      customerIdEquals: /\(search_attributes->>'CustomerId'\) COLLATE "C" = \?/,
      tagsContain: /EXISTS \(SELECT 1 FROM json_array_elements_text\(CASE json_typeof\(search_attributes->'Tags'\)/,
    },
  });

  test('an empty database gets the schema, and a second open finds it current', async () => {
    const { url } = await freshDatabase();
    const first = await PostgresStore.open({ url, allowMigration: false });
    assert.deepEqual(first.schema, { version: POSTGRES_SCHEMA_VERSION, created: true });
    await first.close();
    const second = await PostgresStore.open({ url, allowMigration: false });
    assert.deepEqual(second.schema, { version: POSTGRES_SCHEMA_VERSION, created: false });
    await second.close();
  });

  test('processes opening one empty database together create the schema once', async () => {
    const { url } = await freshDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url, allowMigration: false })));
    assert.deepEqual(stores.map((store) => store.schema.created).sort(), [false, false, true]);
    for (const store of stores) await store.close();
  });

  test('a newer schema or tables of another application are refused, and nothing is written', async () => {
    const newer = await freshDatabase();
    await (await PostgresStore.open({ url: newer.url, allowMigration: false })).close();
    await onDatabase(newer.url, (client) => client.query('UPDATE causeway_schema SET version = version + 1'));
    await assert.rejects(PostgresStore.open({ url: newer.url, allowMigration: true }), /newer than this Causeway's/);
    const foreign = await freshDatabase();
    await onDatabase(foreign.url, (client) => client.query('CREATE TABLE invoices (id int)'));
    await assert.rejects(
      PostgresStore.open({ url: foreign.url, allowMigration: true }),
      /holds tables that are not Causeway's \(invoices\)/,
    );
    const tables = await onDatabase(foreign.url, (client) =>
      client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"),
    );
    assert.deepEqual(tables.rows, [{ tablename: 'invoices' }]);
  });

  test('an unreachable server and wrong credentials fail at open with a clear message and no password', async () => {
    const base = new URL(postgresAdminUrl ?? '');
    const unreachable = new URL(base);
    unreachable.port = '1';
    unreachable.password = 'secret-one';
    await assert.rejects(PostgresStore.open({ url: unreachable.toString(), allowMigration: false }), (error: Error) => {
      assert.match(error.message, /^cannot reach PostgreSQL at postgres:\/\/.*:1\//);
      assert.doesNotMatch(error.message, /secret-one/);
      return true;
    });
    const wrong = new URL(base);
    wrong.password = 'not-the-password';
    await assert.rejects(PostgresStore.open({ url: wrong.toString(), allowMigration: false }), (error: Error) => {
      assert.match(error.message, /^PostgreSQL refused .*password authentication failed/);
      assert.doesNotMatch(error.message, /not-the-password/);
      return true;
    });
    assert.equal(redactedUrl('postgres://u:p@h:5/d'), 'postgres://u@h:5/d');
  });
});
