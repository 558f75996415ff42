// `causeway server start` processes on one PostgreSQL database, for the failover and cluster tests:
// spawned from bin/causeway.js with a short shard lease, killed (SIGCONT first, for paused ones) after
// the file's tests. Import only from test files: it registers the `after` hook when loaded.
import { after } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { eventually } from './eventually';
import { onDatabase } from './postgres';
import { freePortBlock } from './free-ports';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');

export interface ClusterNode {
  readonly child: ChildProcess;
  readonly port: number;
  readonly httpPort: number;
  readonly address: string;
  readonly output: () => string;
}

const nodes: ClusterNode[] = [];
after(async () => {
  for (const node of nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) {
      node.child.kill('SIGCONT');
      node.child.kill('SIGKILL');
      await once(node.child, 'exit');
    }
  }
});

/** Starts a process on the database and waits for its banner. */
export async function startClusterNode(
  url: string,
  leaseMs: number,
  extraArgs: readonly string[] = [],
): Promise<ClusterNode> {
  const port = await freePortBlock([0, 1, 10]); // public, internal (port + 1), HTTP
  const httpPort = port + 10;
  const child = spawn(
    process.execPath,
    [
      BIN,
      'server',
      'start',
      '--persistence',
      url,
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--shard-lease',
      `${leaseMs}ms`,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const node = { child, port, httpPort, address: `127.0.0.1:${port}`, output: () => output };
  nodes.push(node);
  await eventually(() => output.includes('Shards:'), { timeoutMs: 20_000 }).catch((error: unknown) => {
    throw new Error(`${String(error)}; the process wrote:\n${output}`);
  });
  return node;
}

export async function killNode(node: ClusterNode): Promise<void> {
  node.child.kill('SIGKILL');
  if (node.child.exitCode === null && node.child.signalCode === null) await once(node.child, 'exit');
}

/** grpc.health.v1 status: 1 SERVING, 2 NOT_SERVING. */
export async function health(node: ClusterNode): Promise<number> {
  const client = new grpc.Client(node.address, grpc.credentials.createInsecure());
  try {
    return await new Promise<number>((resolve, reject) => {
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        () => Buffer.alloc(0),
        (bytes: Buffer) => bytes,
        {},
        (error, response) => {
          if (error) return reject(error);
          // HealthCheckResponse { status = 1 (varint) }: bytes 0x08, status.
          resolve(response?.[1] ?? 0);
        },
      );
    });
  } finally {
    client.close();
  }
}

/** The one owner of every shard of the database, or undefined while they have several. */
export async function soleOwner(url: string): Promise<string | undefined> {
  const rows = await onDatabase(url, (client) => client.query<{ owner: string }>('SELECT DISTINCT owner FROM shards'));
  return rows.rows.length === 1 ? rows.rows[0]?.owner : undefined;
}

/** Each shard's holder (member id), for the shards whose lease runs now. */
export async function shardHolders(url: string): Promise<Map<number, string>> {
  const rows = await onDatabase(url, (client) =>
    client.query<{ shard_id: number; owner: string }>(
      `SELECT shard_id, owner FROM shards WHERE owner <> '' AND lease_expires_ms > $1 ORDER BY shard_id`,
      [Date.now()],
    ),
  );
  return new Map(rows.rows.map((row) => [Number(row.shard_id), row.owner]));
}

/** The member id of the node (its row names its internal port, the public port + 1). */
export async function memberIdOf(url: string, node: ClusterNode): Promise<string> {
  const rows = await onDatabase(url, (client) =>
    client.query<{ member_id: string }>(`SELECT member_id FROM cluster_members WHERE rpc_address LIKE $1`, [
      `%:${node.port + 1}`,
    ]),
  );
  const id = rows.rows[0]?.member_id;
  if (!id) throw new Error(`${node.address} has no member row`);
  return id;
}

export async function historyOf(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

export function countEvents(
  events: temporal.api.history.v1.IHistoryEvent[],
  type: temporal.api.enums.v1.EventType,
): number {
  return events.filter((event) => event.eventType === type).length;
}
