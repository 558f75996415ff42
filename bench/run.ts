// `npm run bench`: start-dev ready time, 1-activity workflow latency (sequential p50/p99), throughput
// with 50 concurrent workflows, Nexus sync/async operation latency, and the server's peak RSS. The
// server runs in its own process (as `causeway server start-dev`); workers and clients run here.
// Prints a table and writes bench-results/bench.json. It is a measurement, not a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
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

async function startDev(port: number): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'causeway.js'), 'server', 'start-dev', '--port', String(port), '--headless', '--log-level', 'error', '-n', 'caller-ns', '-n', 'handler-ns'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const address = `127.0.0.1:${port}`;
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
  const port = 17233 + Math.floor(Math.random() * 1000);
  const readyTimes: number[] = [];
  for (let i = 0; i < READY_RUNS; i++) {
    const server = await startDev(port);
    readyTimes.push(server.readyMs);
    await stopProcess(server.child);
  }
  const server = await startDev(port);
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const code = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'workflows.js'), logger: new DefaultLogger('ERROR') });
  const nexusCode = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', 'test', 'fixtures', 'nexus', 'workflows.js'), logger: new DefaultLogger('ERROR') });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await Worker.create({ connection: native, namespace: 'default', taskQueue, workflowBundle: code, activities, maxConcurrentWorkflowTaskExecutions: 100, maxConcurrentActivityTaskExecutions: 100 });
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
    await Promise.all(Array.from({ length: CONCURRENT_WORKFLOWS }, async () => {
      while (next < THROUGHPUT_TOTAL) {
        next += 1;
        await run();
      }
    }));
    const throughput = THROUGHPUT_TOTAL / ((performance.now() - t) / 1000);
    return { latencies, throughput };
  });
  const nexus = await measureNexus(connection, native, nexusCode);
  const rss = peakRssMb(server.child.pid);
  await connection.close();
  await native.close();
  await stopProcess(server.child);
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    startDevReadyMsMedian: median(readyTimes),
    oneActivityWorkflowMs: { p50: median(results.latencies), p99: percentile(results.latencies, 99), runs: SEQUENTIAL_RUNS },
    throughputWorkflowsPerSecond: { value: results.throughput, concurrency: CONCURRENT_WORKFLOWS, total: THROUGHPUT_TOTAL },
    nexusSyncOperationMs: { p50: median(nexus.sync), runs: NEXUS_RUNS },
    nexusAsyncOperationMs: { p50: median(nexus.async), runs: NEXUS_RUNS },
    serverPeakRssMb: rss,
  };
  const rows: [string, string][] = [
    ['start-dev ready (median of 5)', `${report.startDevReadyMsMedian.toFixed(0)} ms`],
    ['1-activity workflow p50', `${report.oneActivityWorkflowMs.p50.toFixed(1)} ms`],
    ['1-activity workflow p99', `${report.oneActivityWorkflowMs.p99.toFixed(1)} ms`],
    [`throughput (${CONCURRENT_WORKFLOWS} concurrent)`, `${report.throughputWorkflowsPerSecond.value.toFixed(1)} workflows/s`],
    ['Nexus sync op, caller start -> result p50', `${report.nexusSyncOperationMs.p50.toFixed(1)} ms`],
    ['Nexus async op, caller start -> result p50', `${report.nexusAsyncOperationMs.p50.toFixed(1)} ms`],
    ['server peak RSS', `${report.serverPeakRssMb.toFixed(0)} MB`],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(44)} ${value}`);
  fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench-results', 'bench.json'), JSON.stringify(report, null, 2));
}

async function measureNexus(connection: Connection, native: NativeConnection, code: { code: string }): Promise<{ sync: number[]; async: number[] }> {
  const handlerTaskQueue = `bench-handler-${randomUUID()}`;
  const callerTaskQueue = `bench-caller-${randomUUID()}`;
  const endpoint = `bench-${randomUUID().slice(0, 8)}`;
  await connection.operatorService.createNexusEndpoint({ spec: { name: endpoint, target: { worker: { namespace: 'handler-ns', taskQueue: handlerTaskQueue } } } });
  const caller = new Client({ connection, namespace: 'caller-ns' });
  const handlerWorker = await Worker.create({ connection: native, namespace: 'handler-ns', taskQueue: handlerTaskQueue, workflowBundle: code, nexusServices: [myServiceHandler] });
  const callerWorker = await Worker.create({ connection: native, namespace: 'caller-ns', taskQueue: callerTaskQueue, workflowBundle: code });
  const handlerRun = handlerWorker.run();
  const sync: number[] = [];
  const asyncTimes: number[] = [];
  await callerWorker.runUntil(async () => {
    for (let i = 0; i < NEXUS_RUNS + 3; i++) {
      const t = performance.now();
      await caller.workflow.execute('echoCaller', { taskQueue: callerTaskQueue, workflowId: randomUUID(), args: [endpoint, 'x'] });
      if (i >= 3) sync.push(performance.now() - t);
    }
    for (let i = 0; i < NEXUS_RUNS + 3; i++) {
      const t = performance.now();
      await caller.workflow.execute('callerWorkflow', { taskQueue: callerTaskQueue, workflowId: randomUUID(), args: [endpoint, randomUUID(), ['a']] });
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
