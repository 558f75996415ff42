// The PostgreSQL target of `npm run bench`: BENCH_POSTGRES names a server and a role that may create
// databases (postgres://USER:PASSWORD@HOST:PORT/postgres); the bench runs `causeway server start` on a
// database `causeway_bench` that it drops and creates first.
import pg from 'pg';

export const BENCH_DATABASE = 'causeway_bench';

export function benchDatabaseUrl(adminUrl: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

export async function recreateBenchDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Whether the shards of the bench database are held, split between `members` processes. */
export async function isSpreadOver(adminUrl: string, members: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl(adminUrl) });
  await client.connect();
  try {
    const { rows } = await client.query<{ holders: string; free: string }>(
      `SELECT count(DISTINCT owner) FILTER (WHERE lease_expires_ms > $1) AS holders,
              count(*) FILTER (WHERE lease_expires_ms <= $1) AS free FROM shards`,
      [Date.now()],
    );
    return Number(rows[0]?.holders) === members && Number(rows[0]?.free) === 0;
  } finally {
    await client.end();
  }
}
