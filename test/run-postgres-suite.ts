// `npm run test:postgres`: the integration suite and the goldens again, each server on a PostgreSQL
// database of its own (test/helpers/test-server.ts). Needs CAUSEWAY_TEST_POSTGRES; without it this says
// so and passes, unless CAUSEWAY_REQUIRE_POSTGRES is set (as in CI). Tests of SQLite itself (start-dev's
// --db-filename, the schema-1 upgrade, the SDK's createLocal and the fuzzer, which run start-dev) stay
// with the SQLite run, and tests that choose their own database (server start, failover, cluster) run
// once, there.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { dropTestDatabases, postgresAdminUrl } from './helpers/postgres';

const SQLITE_ONLY = new Set(['start-dev.test.js', 'legacy-upgrade.test.js', 'create-local.test.js', 'fuzz.test.js']);
// Tests that pick their own database, PostgreSQL included, and so ran already.
const OWN_DATABASE = new Set(['server-start.test.js', 'failover.test.js', 'cluster.test.js']);

// --cluster (`npm run test:cluster`): each server is two on one database, and the tests talk to the one
// that forwards everything to the other.
const isCluster = process.argv.includes('--cluster');

async function main(): Promise<number> {
  if (postgresAdminUrl === undefined) {
    process.stdout.write('test:postgres skipped: CAUSEWAY_TEST_POSTGRES is not set (.ci/run sets it)\n');
    return 0;
  }
  const dropped = await dropTestDatabases();
  if (dropped > 0) process.stdout.write(`dropped ${dropped} test databases left by an earlier run\n`);
  const files = ['integration', 'conformance'].flatMap((folder) => {
    const directory = path.join(__dirname, folder);
    return readdirSync(directory)
      .filter((file) => file.endsWith('.test.js') && !SQLITE_ONLY.has(file) && !OWN_DATABASE.has(file))
      .sort()
      .map((file) => path.join(directory, file));
  });
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-concurrency=1',
      '--test-timeout=120000',
      ...process.argv.slice(2).filter((arg) => arg !== '--cluster'),
      ...files,
    ],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        CAUSEWAY_TEST_PERSISTENCE: isCluster ? 'postgres-cluster' : 'postgres',
        CAUSEWAY_VERIFY_ITEM_TRACKING: '1',
      },
    },
  );
  await dropTestDatabases();
  return result.status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:postgres failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
