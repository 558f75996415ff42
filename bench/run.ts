// `npm run bench`: start-dev ready time, 1-activity workflow latency (sequential p50/p99), throughput
// with 50 concurrent workflows, Nexus sync/async operation latency, and the server's peak RSS. The
// server runs in its own process (as `causeway server start-dev`); workers and clients run here.
// With `TEMPORAL_CLI=/path/to/temporal` the same runs against `temporal server start-dev` for a side by
// side table. Prints a table and writes bench-results/bench.json. It is a measurement, not a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, Runtime, DefaultLogger } from '@temporalio/worker';
import * as activities from './activities';
import { myServiceHandler } from '../test/fixtures/nexus/handler';

const ROOT = path.join(__dirname, '..', '..');
const READY_RUNS = 5;
const SEQUENTIAL_RUNS = 100;
const CONCURRENT_WORKFLOWS = 50;
const THROUGHPUT_TOTAL = 500;
const NEXUS_RUNS = 30;

interface ServerProcess {
  child: ChildProcess;
  address: string;
  readyMs: number;
}

interface Target {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

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

function targets(): Target[] {
  const list: Target[] = [
    { name: 'causeway', command: process.execPath, args: [path.join(ROOT, 'bin', 'causeway.js'), ...START_DEV_FLAGS] },
  ];
  const temporal = process.env['TEMPORAL_CLI'];
  if (temporal) list.push({ name: 'temporal', command: temporal, args: START_DEV_FLAGS });
  return list;
}

async function startDev(target: Target, port: number): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(target.command, [...target.args, '--port', String(port), '--ui-port', String(port + 1000)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const address = `127.0.0.1:${port}`;
  // Wait for the port to accept connections first: the SDK's own connect backs off between attempts.
  while (!(await isAccepting(port))) {
    if (child.exitCode !== null) throw new Error(`${target.name} exited before it was ready`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 200 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return { child, address, readyMs: performance.now() - started };
    } catch {
      if (child.exitCode !== null) throw new Error('start-dev exited before it was ready');
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

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function peakRssMb(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const reports: Report[] = [];
  for (const target of targets()) reports.push(await measure(target));
  const rows: [string, (r: Report) => string][] = [
    ['start-dev ready (median of 5)', (r) => `${r.startDevReadyMsMedian.toFixed(0)} ms`],
    ['1-activity workflow p50', (r) => `${r.oneActivityWorkflowMs.p50.toFixed(1)} ms`],
    ['1-activity workflow p99', (r) => `${r.oneActivityWorkflowMs.p99.toFixed(1)} ms`],
    [
      `throughput (${CONCURRENT_WORKFLOWS} concurrent)`,
      (r) => `${r.throughputWorkflowsPerSecond.value.toFixed(1)} wf/s`,
    ],
    ['Nexus sync op, caller start -> result p50', (r) => `${r.nexusSyncOperationMs.p50.toFixed(1)} ms`],
    ['Nexus async op, caller start -> result p50', (r) => `${r.nexusAsyncOperationMs.p50.toFixed(1)} ms`],
    ['server peak RSS', (r) => `${r.serverPeakRssMb.toFixed(0)} MB`],
  ];
  console.log(`${''.padEnd(44)} ${reports.map((r) => r.target.padStart(14)).join(' ')}`);
  for (const [name, format] of rows)
    console.log(`${name.padEnd(44)} ${reports.map((r) => format(r).padStart(14)).join(' ')}`);
  fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench-results', 'bench.json'), JSON.stringify(reports, null, 2));
}

type Report = Awaited<ReturnType<typeof measure>>;

async function measure(target: Target) {
  const port = 17233 + Math.floor(Math.random() * 1000);
  const readyTimes: number[] = [];
  for (let i = 0; i < READY_RUNS; i++) {
    const server = await startDev(target, port);
    readyTimes.push(server.readyMs);
    await stopProcess(server.child);
  }
  const server = await startDev(target, port);
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const code = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'workflows.js'),
    logger: new DefaultLogger('ERROR'),
  });
  const nexusCode = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'test', 'fixtures', 'nexus', 'workflows.js'),
    logger: new DefaultLogger('ERROR'),
  });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await Worker.create({
    connection: native,
    namespace: 'default',
    taskQueue,
    workflowBundle: code,
    activities,
    maxConcurrentWorkflowTaskExecutions: 100,
    maxConcurrentActivityTaskExecutions: 100,
  });
  const results = await worker.runUntil(async () => {
    const run = () => client.workflow.execute('oneActivity', { taskQueue, workflowId: randomUUID(), args: ['x'] });
    for (let i = 0; i < 10; i++) await run();
    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
      const t = performance.now();
      await run();
      latencies.push(performance.now() - t);
    }
    const t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENT_WORKFLOWS }, async () => {
        while (next < THROUGHPUT_TOTAL) {
          next += 1;
          await run();
        }
      }),
    );
    const throughput = THROUGHPUT_TOTAL / ((performance.now() - t) / 1000);
    return { latencies, throughput };
  });
  const nexus = await measureNexus(connection, native, nexusCode);
  const rss = peakRssMb(server.child.pid);
  await connection.close();
  await native.close();
  await stopProcess(server.child);
  return {
    target: target.name,
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    startDevReadyMsMedian: median(readyTimes),
    oneActivityWorkflowMs: {
      p50: median(results.latencies),
      p99: percentile(results.latencies, 99),
      runs: SEQUENTIAL_RUNS,
    },
    throughputWorkflowsPerSecond: {
      value: results.throughput,
      concurrency: CONCURRENT_WORKFLOWS,
      total: THROUGHPUT_TOTAL,
    },
    nexusSyncOperationMs: { p50: median(nexus.sync), runs: NEXUS_RUNS },
    nexusAsyncOperationMs: { p50: median(nexus.async), runs: NEXUS_RUNS },
    serverPeakRssMb: rss,
  };
}

async function measureNexus(
  connection: Connection,
  native: NativeConnection,
  code: { code: string },
): Promise<{ sync: number[]; async: number[] }> {
  const handlerTaskQueue = `bench-handler-${randomUUID()}`;
  const callerTaskQueue = `bench-caller-${randomUUID()}`;
  const endpoint = `bench-${randomUUID().slice(0, 8)}`;
  await connection.operatorService.createNexusEndpoint({
    spec: { name: endpoint, target: { worker: { namespace: 'handler-ns', taskQueue: handlerTaskQueue } } },
  });
  const caller = new Client({ connection, namespace: 'caller-ns' });
  const handlerWorker = await Worker.create({
    connection: native,
    namespace: 'handler-ns',
    taskQueue: handlerTaskQueue,
    workflowBundle: code,
    nexusServices: [myServiceHandler],
  });
  const callerWorker = await Worker.create({
    connection: native,
    namespace: 'caller-ns',
    taskQueue: callerTaskQueue,
    workflowBundle: code,
  });
  const handlerRun = handlerWorker.run();
  const sync: number[] = [];
  const asyncTimes: number[] = [];
  await callerWorker.runUntil(async () => {
    for (let i = 0; i < NEXUS_RUNS + 3; i++) {
      const t = performance.now();
      await caller.workflow.execute('echoCaller', {
        taskQueue: callerTaskQueue,
        workflowId: randomUUID(),
        args: [endpoint, 'x'],
      });
      if (i >= 3) sync.push(performance.now() - t);
    }
    for (let i = 0; i < NEXUS_RUNS + 3; i++) {
      const t = performance.now();
      await caller.workflow.execute('callerWorkflow', {
        taskQueue: callerTaskQueue,
        workflowId: randomUUID(),
        args: [endpoint, randomUUID(), ['a']],
      });
      if (i >= 3) asyncTimes.push(performance.now() - t);
    }
  });
  handlerWorker.shutdown();
  await handlerRun;
  return { sync, async: asyncTimes };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
