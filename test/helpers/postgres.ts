// PostgreSQL for tests: CAUSEWAY_TEST_POSTGRES names a server and a role that may create databases
// (.ci/run starts one and sets it). Each store or server under test gets a database of its own, dropped at
// the end. Without the variable the PostgreSQL tests are skipped, unless CAUSEWAY_REQUIRE_POSTGRES is set
// (CI sets it, so a missing server fails there instead of passing silently).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const postgresAdminUrl: string | undefined = process.env.CAUSEWAY_TEST_POSTGRES || undefined;

if (postgresAdminUrl === undefined && process.env.CAUSEWAY_REQUIRE_POSTGRES) {
  throw new Error('CAUSEWAY_REQUIRE_POSTGRES is set but CAUSEWAY_TEST_POSTGRES is not');
}

/** Why PostgreSQL tests are skipped here, or false when they run. */
export const skipWithoutPostgres: string | false =
  postgresAdminUrl === undefined ? 'CAUSEWAY_TEST_POSTGRES is not set (.ci/run sets it)' : false;

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  if (postgresAdminUrl === undefined) throw new Error('CAUSEWAY_TEST_POSTGRES is not set');
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `causeway_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresAdminUrl ?? '');
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropDatabase(name),
  };
}

const INSUFFICIENT_PRIVILEGE = '42501';
const OBJECT_IN_USE = '55006';

/**
 * Drops a test database, ending its sessions. A role that may not end a session it does not own (an
 * autovacuum worker's, say) waits for it instead: the drop is retried without FORCE for a few seconds.
 */
async function dropDatabase(name: string): Promise<void> {
  await admin(async (client) => {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
    }
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = current_user',
      [name],
    );
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
}

const INT8_OID = 20;
const numbers = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** The URL of a database of the test server by name, created if it does not exist yet. */
export async function ensureTestDatabase(name: string): Promise<string> {
  await admin(async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(postgresAdminUrl ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database the tests made (a run left some behind if it was killed). */
export async function dropTestDatabases(): Promise<number> {
  const rows = await admin((client) =>
    client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'causeway\\_test\\_%'"),
  );
  for (const row of rows.rows) await dropDatabase(row.datname);
  return rows.rows.length;
}

/** Runs SQL on a database of the test server (bigints read as numbers). */
export async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, types: numbers });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
