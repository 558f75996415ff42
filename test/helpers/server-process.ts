// A Causeway server in a process of its own, for tests that kill it. As a script
// (`node server-process.js <port> <db file> [namespace...]`) it starts the server and prints `listening <address>`;
// `spawnServer()` runs that script and resolves once the server accepts connections. In a PostgreSQL run
// (test-server.ts) the file name stands for a database of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startServer } from '../../src';
import { persistenceForFile } from './test-server';
import { eventually } from './eventually';

const SERVER_START_TIMEOUT_MS = 15_000;
const TEST_SHARD_LEASE_MS = 2000;

export interface ServerProcess {
  readonly address: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill(): Promise<void>;
}

export async function spawnServer(
  port: number,
  dbFilename: string,
  namespaces: readonly string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [__filename, String(port), dbFilename, ...namespaces], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${SERVER_START_TIMEOUT_MS} ms: ${output}`)),
      SERVER_START_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before listening: ${output}`));
    });
  });
  return {
    address,
    port: Number(address.split(':').at(-1)),
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const [port, dbFilename, ...namespaces] = process.argv.slice(2);
  const store = await persistenceForFile(dbFilename ?? '');
  // On PostgreSQL a restart after a SIGKILL waits out the killed process's leases: short ones here.
  const server = await startServer({
    port: Number(port),
    ...store,
    namespaces,
    logLevel: 'error',
    headless: true, // a restart reuses the port; its UI port (+ 1000) need not be free too
    shardLeaseMs: TEST_SHARD_LEASE_MS,
  });
  await eventually(() => server.shards().owned === server.shards().total, { timeoutMs: 4 * TEST_SHARD_LEASE_MS });
  process.stdout.write(`listening ${server.address}\n`);
  process.once('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
}

if (require.main === module) void main();
