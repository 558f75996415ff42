// A server under measurement, in a process of its own: `causeway server start-dev` or, side by side,
// `temporal server start-dev`; or a cluster of `causeway server start` processes on one PostgreSQL
// database (`processes` > 1), where clients use the second process and workers the third, and the three
// share the shards (so requests, task starts and Nexus calls cross between them). Ready means every
// process answers GetSystemInfo and a cluster's shards are split between its processes.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import * as activities from './activities';
import { benchDatabaseUrl, isSpreadOver } from './postgres';
import { randomUUID } from 'node:crypto';
import { makeCertificates } from '../test/helpers/tls-certs';

export const ROOT = path.join(__dirname, '..', '..');
const START_DEV_FLAGS = [
  'server',
  'start-dev',
  '--headless',
  '--log-level',
  'error',
  '-n',
  'caller-ns',
  '-n',
  'handler-ns',
];

const CLUSTER_SETTLE_MAX_MS = 30_000;

/** How clients reach a target: TLS (mutual) and an API key, or plaintext. */
export interface ClientCredentials {
  readonly tls?: {
    readonly serverRootCACertificate: Buffer;
    readonly clientCertPair: { readonly crt: Buffer; readonly key: Buffer };
  };
  readonly apiKey?: string;
}

export interface Target {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly credentials?: ClientCredentials;
  /** Processes of a cluster on one database (default 1). */
  readonly processes?: number;
  /** Whether a cluster has settled (its processes hold their shares of the shards). */
  readonly isSettled?: () => Promise<boolean>;
}

export interface ServerProcess {
  /** The first process (the one that holds the shards, in a cluster). */
  readonly child: ChildProcess;
  readonly children: readonly ChildProcess[];
  /** Where clients connect (in a cluster, a process that forwards). */
  readonly address: string;
  /** Where workers connect (in a cluster, another process that forwards). */
  readonly workerAddress: string;
  readonly readyMs: number;
  readonly credentials: ClientCredentials;
}

/** Ports of the i-th process of a target: gRPC, then its internal port. */
const CLUSTER_PORT_STRIDE = 100;

export function targets(): Target[] {
  const list: Target[] = [
    { name: 'causeway', command: process.execPath, args: [path.join(ROOT, 'bin', 'causeway.js'), ...START_DEV_FLAGS] },
  ];
  // An earlier Causeway checkout (built), to compare a change with what it replaces.
  const baseline = process.env['CAUSEWAY_BASELINE'];
  if (baseline) {
    list.push({
      name: 'baseline',
      command: process.execPath,
      args: [path.join(baseline, 'bin', 'causeway.js'), ...START_DEV_FLAGS],
    });
  }
  // The same build on PostgreSQL (`causeway server start`), beside SQLite: one process, and three.
  const postgres = process.env['BENCH_POSTGRES'];
  if (postgres) {
    const args = [
      path.join(ROOT, 'bin', 'causeway.js'),
      'server',
      'start',
      '--persistence',
      benchDatabaseUrl(postgres),
      ...START_DEV_FLAGS.slice(3),
    ];
    list.push({ name: 'causeway-pg', command: process.execPath, args });
    list.push({
      name: 'causeway-pg-3',
      command: process.execPath,
      args,
      processes: 3,
      isSettled: () => isSpreadOver(postgres, 3),
    });
  }
  // The same build with mutual TLS and an API key on every call (docs/security.md), beside plaintext.
  if (process.env['BENCH_SECURE'] !== '0') list.push(secureTarget());
  const temporal = process.env['TEMPORAL_CLI'];
  if (temporal) list.push({ name: 'temporal', command: temporal, args: START_DEV_FLAGS });
  return list;
}

function secureTarget(): Target {
  const certs = makeCertificates('bench');
  const apiKey = `bench-${randomUUID()}`;
  const keyFile = path.join(certs.dir, 'api-keys.json');
  fs.writeFileSync(keyFile, JSON.stringify([{ key: apiKey, principal: 'bench', namespaces: { '*': 'admin' } }]));
  return {
    name: 'causeway-mtls-key',
    command: process.execPath,
    args: [
      path.join(ROOT, 'bin', 'causeway.js'),
      ...START_DEV_FLAGS,
      '--tls-cert-file',
      certs.serverCertFile,
      '--tls-key-file',
      certs.serverKeyFile,
      '--tls-client-ca-file',
      certs.caFile,
      '--api-key-file',
      keyFile,
    ],
    credentials: {
      apiKey,
      tls: {
        serverRootCACertificate: certs.read(certs.caFile),
        clientCertPair: { crt: certs.read(certs.clientCertFile), key: certs.read(certs.clientKeyFile) },
      },
    },
  };
}

export async function startDev(
  target: Target,
  port: number,
  extraArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const started = performance.now();
  const children: ChildProcess[] = [];
  for (let index = 0; index < (target.processes ?? 1); index += 1) {
    // The first process takes the shards before the others start.
    if (index > 0) await ready(target, children[0] as ChildProcess, port);
    const own = port + index * CLUSTER_PORT_STRIDE;
    const clusterArgs = target.processes ? ['--internal-port', String(own + 1)] : [];
    children.push(
      spawn(
        target.command,
        [...target.args, '--port', String(own), '--ui-port', String(own + 1000), ...clusterArgs, ...extraArgs],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      ),
    );
  }
  const ports = children.map((_, index) => port + index * CLUSTER_PORT_STRIDE);
  for (const [index, child] of children.entries()) await ready(target, child, ports[index] as number);
  // The first process holds every shard until the others are handed their shares.
  const settleBy = performance.now() + CLUSTER_SETTLE_MAX_MS;
  while (target.isSettled && !(await target.isSettled())) {
    if (performance.now() > settleBy) throw new Error(`${target.name} did not split its shards`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const address = (index: number): string => `127.0.0.1:${ports[Math.min(index, ports.length - 1)] ?? port}`;
  return {
    child: children[0] as ChildProcess,
    children,
    address: address(1),
    workerAddress: address(2),
    readyMs: performance.now() - started,
    credentials: target.credentials ?? {},
  };
}

async function ready(target: Target, child: ChildProcess, port: number): Promise<void> {
  const address = `127.0.0.1:${port}`;
  // Wait for the port to accept connections first: the SDK's own connect backs off between attempts.
  while (!(await isAccepting(port))) {
    if (child.exitCode !== null) throw new Error(`${target.name} exited before it was ready`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 200, ...target.credentials });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      if (child.exitCode !== null) throw new Error(`${target.name} exited before it was ready`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function isAccepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Stops every process of a server (a cluster's together). */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await Promise.all(server.children.map((child) => stopProcess(child, signal)));
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** VmHWM (peak) or VmRSS (now) of a process, in MB. */
export function memoryMb(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time (user + system) a process has used, in ms (from /proc, in clock ticks of 10 ms). */
export function cpuMs(pid: number | undefined): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Runs `fn(i)` for i in 0..total-1, `concurrency` at a time. */
export async function inParallel(
  total: number,
  concurrency: number,
  fn: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next;
        next += 1;
        await fn(index);
      }
    }),
  );
}

/** Runs `fn` while a worker (the bench workflows and activities) polls `taskQueue` of `default`. */
export async function withWorker<T>(
  server:
    string | { readonly address: string; readonly workerAddress: string; readonly credentials?: ClientCredentials },
  taskQueue: string,
  code: { code: string },
  fn: (client: Client) => Promise<T>,
  options: Partial<WorkerOptions> = {},
): Promise<T> {
  const { address, workerAddress, credentials } =
    typeof server === 'string' ? { address: server, workerAddress: server, credentials: {} } : server;
  const connection = await Connection.connect({ address, ...credentials });
  const native = await NativeConnection.connect({ address: workerAddress, ...credentials });
  try {
    const worker = await Worker.create({
      connection: native,
      namespace: 'default',
      taskQueue,
      workflowBundle: code,
      activities,
      maxConcurrentWorkflowTaskExecutions: 100,
      ...options,
    });
    return await worker.runUntil(fn(new Client({ connection, namespace: 'default' })));
  } finally {
    await connection.close();
    await native.close();
  }
}
