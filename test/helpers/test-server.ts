// The server every integration test starts. CAUSEWAY_TEST_PERSISTENCE=postgres runs it on a fresh
// PostgreSQL database of its own (dropped when the server stops) instead of SQLite in memory, so that
// one suite proves both stores (`npm run test:postgres`). CAUSEWAY_TEST_PERSISTENCE=postgres-cluster
// starts two processes' worth of server on that database, waits until they have split the shards, and
// hands the test the second, so the suite's requests, workflows and Nexus calls cross between the two
// (`npm run test:cluster`).
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { startServer, type RunningServer, type ServerOptions } from '../../src';
import type { ServerOverrides } from '../../src/server';
import { createTestDatabase, ensureTestDatabase } from './postgres';
import { eventually } from './eventually';

const persistence = process.env.CAUSEWAY_TEST_PERSISTENCE;
export const isPostgresRun = persistence === 'postgres' || persistence === 'postgres-cluster';
export const isClusterRun = persistence === 'postgres-cluster';

const CALLBACK_TEMPLATE = 'component.nexusoperations.callback.endpoint.template';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A test's server; in a cluster run each member serves its own metrics, and metricsPorts lists them all. */
export type TestServer = RunningServer & { readonly metricsPorts: readonly number[] };

export async function startTestServer(
  options: Partial<ServerOptions> = {},
  overrides: Pick<ServerOverrides, 'env' | 'tracing' | 'logSink'> = {},
): Promise<TestServer> {
  if (!isPostgresRun || options.dbFilename !== undefined || options.persistence !== undefined) {
    const single = await startServer(options, overrides);
    return { ...single, metricsPorts: [single.metricsPort] };
  }
  const database = await createTestDatabase();
  let server: RunningServer;
  let holder: RunningServer | undefined;
  try {
    if (isClusterRun) {
      // The callback URL the holder hands out names the process the test talks to (as a deployment names
      // its load balancer): any member passes Nexus HTTP requests on to the holder.
      const httpPort = options.httpPort || (await freePort());
      const dynamicConfig = {
        [CALLBACK_TEMPLATE]: `http://127.0.0.1:${httpPort}/namespaces/{{.NamespaceName}}/nexus/callback`,
        ...options.dynamicConfig,
      };
      holder = await startServer(
        {
          ...options,
          dynamicConfig,
          port: 0,
          httpPort: 0,
          persistence: database.url,
          internalPort: 0,
        },
        overrides,
      );
      server = await startServer(
        { ...options, dynamicConfig, httpPort, persistence: database.url, internalPort: 0 },
        overrides,
      );
      // The first process holds every shard until the second joins and is handed its share: the suite
      // starts once the shards are split between the two (so every test crosses between processes).
      const [first, second] = [holder, server];
      await eventually(
        () => {
          const a = first.shards();
          const b = second.shards();
          return a.owned > 0 && b.owned > 0 && a.owned + b.owned === a.total;
        },
        { timeoutMs: 30_000 },
      );
    } else {
      server = await startServer({ ...options, persistence: database.url }, overrides);
    }
  } catch (error) {
    await holder?.stop();
    await database.drop();
    throw error;
  }
  return {
    ...server,
    metricsPorts: holder ? [server.metricsPort, holder.metricsPort] : [server.metricsPort],
    stop: async () => {
      await server.stop();
      await holder?.stop();
      await database.drop();
    },
  };
}

/**
 * The store for a test that restarts a server on one SQLite file: that file, or in a PostgreSQL run one
 * database per file name (kept across restarts, so a restart finds what the killed server wrote).
 */
export async function persistenceForFile(dbFilename: string): Promise<Partial<ServerOptions>> {
  if (!isPostgresRun) return { dbFilename };
  const name = `causeway_test_file_${createHash('sha256').update(dbFilename).digest('hex').slice(0, 16)}`;
  return { persistence: await ensureTestDatabase(name) };
}
