// The server every integration test starts. CAUSEWAY_TEST_PERSISTENCE=postgres runs it on a fresh
// PostgreSQL database of its own (dropped when the server stops) instead of SQLite in memory, so that
// one suite proves both stores (`npm run test:postgres`).
import { createHash } from 'node:crypto';
import { startServer, type RunningServer, type ServerOptions } from '../../src';
import { createTestDatabase, ensureTestDatabase } from './postgres';

export const isPostgresRun = process.env.CAUSEWAY_TEST_PERSISTENCE === 'postgres';

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  if (!isPostgresRun || options.dbFilename !== undefined || options.persistence !== undefined) {
    return startServer(options);
  }
  const database = await createTestDatabase();
  let server: RunningServer;
  try {
    server = await startServer({ ...options, persistence: database.url });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    ...server,
    stop: async () => {
      await server.stop();
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
