// Goal: `causeway server start` as a process: it creates the schema on an empty database and says so,
// finds it current on a restart (what the SDK wrote is still there), refuses a newer schema, refuses an
// older one without --migrate (leaving it as it was) and migrates it with --migrate, takes its flags from
// --config FILE (the command line wins), and fails with a clear message and a non-zero exit on a missing
// or unsupported --persistence, an unreachable PostgreSQL or wrong credentials.
// Setup: bin/causeway.js spawned on free ports; SQLite files in a temporary directory; PostgreSQL databases
// on the server CAUSEWAY_TEST_POSTGRES names (those cases are skipped without it).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Client, Connection } from '@temporalio/client';
import { migrations, SCHEMA_VERSION } from '../../src/store/migrations';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres/postgres-schema';
import { eventually } from '../helpers/eventually';
import { onDatabase, postgresAdminUrl, skipWithoutPostgres } from '../helpers/postgres';
import { freshDatabase } from '../helpers/fresh-database';
import { freePortBlock } from '../helpers/free-ports';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-server-start-'));
const children: ChildProcess[] = [];
after(async () => {
  // A test that failed half way may leave a server running: it must not keep this file from ending.
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  fs.rmSync(directory, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** A free public port whose internal port (+ 1) is free too. */
const freePort = (): Promise<number> => freePortBlock([0, 1]);

function spawnStart(args: readonly string[]): Started {
  const child = spawn(process.execPath, [BIN, 'server', 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Starts a server and waits for its banner. */
async function start(args: readonly string[]): Promise<Started> {
  const started = spawnStart(args);
  await eventually(() => started.output().includes('Schema:') || started.child.exitCode !== null, {
    timeoutMs: 20_000,
  });
  assert.equal(started.child.exitCode, null, `server start exited: ${started.output()}`);
  return started;
}

/** Runs a start that must fail; returns its exit code and output. */
async function failedStart(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const started = spawnStart(args);
  const [code] = (await once(started.child, 'exit')) as [number | null];
  return { code, output: started.output() };
}

async function stop(started: Started): Promise<void> {
  const exited = once(started.child, 'exit');
  started.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0);
}

/** Starts a workflow through the SDK on the server at `port`, or checks that it is there. */
async function withClient<T>(port: number, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  try {
    return await fn(new Client({ connection, namespace: 'default' }));
  } finally {
    await connection.close();
  }
}

async function createsThenFindsCurrent(persistence: string, schemaVersion: number): Promise<void> {
  const port = await freePort();
  const first = await start(['--persistence', persistence, '--port', String(port)]);
  assert.match(first.output(), new RegExp(`Schema: +created \\(version ${schemaVersion}\\)`));
  assert.doesNotMatch(first.output(), /causeway:causeway@/, 'the banner shows no password');
  await withClient(port, (client) =>
    client.workflow.start('Anything', { taskQueue: 'nobody', workflowId: 'kept-across-restarts' }),
  );
  await stop(first);
  const second = await start(['--persistence', persistence, '--port', String(port)]);
  assert.match(second.output(), new RegExp(`Schema: +version ${schemaVersion}\\n`));
  const description = await withClient(port, (client) => client.workflow.getHandle('kept-across-restarts').describe());
  assert.equal(description.status.name, 'RUNNING');
  await stop(second);
}

test('on an empty SQLite file it creates the schema, and a restart finds it current with its workflows', async () => {
  await createsThenFindsCurrent(`sqlite://${path.join(directory, 'fresh.db')}`, SCHEMA_VERSION);
});

test('a newer SQLite schema is refused; an older one only with --migrate, and untouched without it', async () => {
  const newer = path.join(directory, 'newer.db');
  const db = new Database(newer);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  const refused = await failedStart(['--persistence', `sqlite://${newer}`, '--port', String(await freePort())]);
  assert.equal(refused.code, 1);
  assert.match(refused.output, /newer than this Causeway's/);

  const older = path.join(directory, 'older.db');
  const v1 = new Database(older);
  v1.exec(migrations[0]?.sql ?? '');
  v1.pragma('user_version = 1');
  v1.close();
  const before = fs.readFileSync(older);
  const withoutMigrate = await failedStart(['--persistence', `sqlite://${older}`, '--port', String(await freePort())]);
  assert.equal(withoutMigrate.code, 1);
  assert.match(
    withoutMigrate.output,
    /schema version 1 and this Causeway uses \d+: back it up, then start once with --migrate/,
  );
  assert.deepEqual(fs.readFileSync(older), before, 'a refused database is left as it was');
  const migrated = await start(['--persistence', `sqlite://${older}`, '--port', String(await freePort()), '--migrate']);
  assert.match(migrated.output(), new RegExp(`Schema: +migrated from 1 to ${SCHEMA_VERSION}`));
  await stop(migrated);
});

test('flags come from --config FILE, and the command line wins over it', async () => {
  const filePort = await freePortBlock([0, 1, 2]); // the file's port, the flag's (+ 1) and its internal one (+ 2)
  const flagPort = filePort + 1;
  const config = path.join(directory, 'causeway.yaml');
  fs.writeFileSync(
    config,
    [
      `persistence: sqlite://${path.join(directory, 'configured.db')}`,
      `port: ${filePort}`,
      'namespace: [orders, billing]',
      'internal-port: 7234',
      'search-attribute: { CustomerId: Keyword }',
      '',
    ].join('\n'),
  );
  const started = await start(['--config', config, '--port', String(flagPort)]);
  assert.match(started.output(), new RegExp(`Server: +127\\.0\\.0\\.1:${flagPort}`));
  assert.match(started.output(), /Namespaces: +default, orders, billing/);
  await withClient(flagPort, async (client) => {
    const handle = await client.workflow.start('Anything', {
      taskQueue: 'nobody',
      workflowId: 'configured',
      searchAttributes: { CustomerId: ['c-1'] },
    });
    assert.equal((await handle.describe()).status.name, 'RUNNING');
  });
  await stop(started);
  fs.writeFileSync(config, 'persistense: sqlite:///tmp/x.db\n');
  const unknown = await failedStart(['--config', config]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.output, /unknown key "persistense" in --config/);
});

test('a missing or unsupported --persistence is a usage error', async () => {
  const missing = await failedStart(['--port', String(await freePort())]);
  assert.equal(missing.code, 1);
  assert.match(missing.output, /--persistence is required/);
  const unsupported = await failedStart(['--persistence', 'mysql://db/causeway']);
  assert.equal(unsupported.code, 1);
  assert.match(unsupported.output, /unsupported --persistence "mysql:\/\/db\/causeway"/);
});

test(
  'on an empty PostgreSQL database it creates the schema; a restart finds it current',
  { skip: skipWithoutPostgres },
  async () => {
    const database = await freshDatabase();
    await createsThenFindsCurrent(database.url, POSTGRES_SCHEMA_VERSION);
  },
);

test(
  'unreachable PostgreSQL, wrong credentials, or a newer schema: a clear error, exit 1, nothing written',
  { skip: skipWithoutPostgres },
  async () => {
    const base = new URL(postgresAdminUrl ?? '');
    const unreachable = new URL(base);
    unreachable.port = '1';
    const down = await failedStart(['--persistence', unreachable.toString()]);
    assert.equal(down.code, 1);
    assert.match(
      down.output,
      /failed starting the server: cannot reach PostgreSQL at postgres:\/\/causeway@127\.0\.0\.1:1\//,
    );
    const database = await freshDatabase();
    const wrong = new URL(database.url);
    wrong.password = 'wrong-password';
    const refused = await failedStart(['--persistence', wrong.toString()]);
    assert.equal(refused.code, 1);
    assert.match(refused.output, /PostgreSQL refused .*password authentication failed/);
    assert.doesNotMatch(refused.output, /wrong-password/);
    const tables = await onDatabase(database.url, (client) =>
      client.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'"),
    );
    assert.deepEqual(tables.rows, [{ n: 0 }], 'nothing was written');
    const created = await start(['--persistence', database.url, '--port', String(await freePort())]);
    await stop(created);
    await onDatabase(database.url, (client) => client.query('UPDATE causeway_schema SET version = version + 1'));
    const newer = await failedStart(['--persistence', database.url, '--port', String(await freePort())]);
    assert.equal(newer.code, 1);
    assert.match(
      newer.output,
      new RegExp(
        `has schema version ${POSTGRES_SCHEMA_VERSION + 1}, newer than this Causeway's ${POSTGRES_SCHEMA_VERSION}: upgrade Causeway`,
      ),
    );
  },
);
