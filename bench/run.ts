// `npm run bench`: start-dev ready time, 1-activity workflow latency (sequential p50/p99), throughput
// with 50 concurrent workflows, Nexus sync/async operation latency and server CPU per operation, the
// server's peak RSS, and memory and restart time against the number of open workflows. Each server runs
// in its own process (as `causeway server start-dev`); workers and clients run here. With
// `TEMPORAL_CLI=/path/to/temporal` the same runs against `temporal server start-dev` too, for a side by
// side table, and with `CAUSEWAY_BASELINE=/path/to/an/earlier/checkout` against an earlier Causeway.
// `BENCH_OPEN_WORKFLOWS=1000,10000` sets the open-workflow counts and `BENCH_OPEN_TARGETS` the servers
// they run on (default causeway); `BENCH_SKIP=open` or `latency` leaves a part out. With
// `BENCH_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/postgres` the same build runs on PostgreSQL too
// (`causeway-pg`, bench/postgres.ts), and as a cluster of three processes on it (`causeway-pg-3`:
// clients on the second, workers on the third, the shards split between the three). `causeway-mtls-key` is
// the same start-dev with mutual TLS and an API key on every call (BENCH_SECURE=0 leaves it out).
// Prints the tables and writes bench-results/bench.json. It is a measurement, not a test.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection, bundleWorkflowCode, Runtime, DefaultLogger } from '@temporalio/worker';
import {
  ROOT,
  inParallel,
  median,
  memoryMb,
  percentile,
  startDev,
  stopServer,
  targets,
  withWorker,
  type Target,
} from './server-process';
import { measureNexus } from './nexus';
import { recreateBenchDatabase } from './postgres';
import { measureOpenWorkflows, openWorkflowCounts, type OpenWorkflowsRow } from './open-workflows';

const READY_RUNS = 5;
const SEQUENTIAL_RUNS = 100;
const CONCURRENT_WORKFLOWS = 50;
const THROUGHPUT_TOTAL = 500;

function isSkipped(part: string): boolean {
  return (process.env['BENCH_SKIP'] ?? '').split(',').includes(part);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const code = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'workflows.js'),
    logger: new DefaultLogger('ERROR'),
  });
  const nexusCode = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'test', 'fixtures', 'nexus', 'workflows.js'),
    logger: new DefaultLogger('ERROR'),
  });
  const postgres = process.env['BENCH_POSTGRES'];
  if (postgres) await recreateBenchDatabase(postgres);
  const reports: Report[] = [];
  for (const target of targets()) reports.push(await measure(target, code, nexusCode));
  const latency = reports.flatMap((r) => ('nexus' in r ? [r] : []));
  const rows: [string, (r: LatencyReport) => string][] = [
    ['start-dev ready (median of 5)', (r) => `${r.startDevReadyMsMedian.toFixed(0)} ms`],
    ['1-activity workflow p50', (r) => `${r.oneActivityWorkflowMs.p50.toFixed(1)} ms`],
    ['1-activity workflow p99', (r) => `${r.oneActivityWorkflowMs.p99.toFixed(1)} ms`],
    [`throughput (${CONCURRENT_WORKFLOWS} concurrent)`, (r) => `${r.throughputWorkflowsPerSecond.toFixed(1)} wf/s`],
    ['Nexus sync op, caller start -> result p50', (r) => `${r.nexus.syncMsP50.toFixed(1)} ms`],
    ['Nexus async op, caller start -> result p50', (r) => `${r.nexus.asyncMsP50.toFixed(1)} ms`],
    ['server CPU per Nexus sync op (all processes)', (r) => `${r.nexus.syncServerCpuMsPerOp.toFixed(2)} ms`],
    ['server CPU per Nexus async op (all processes)', (r) => `${r.nexus.asyncServerCpuMsPerOp.toFixed(2)} ms`],
    ['server peak RSS (largest process)', (r) => `${r.serverPeakRssMb.toFixed(0)} MB`],
  ];
  if (latency.length > 0) {
    console.log(`${''.padEnd(44)} ${latency.map((r) => r.target.padStart(14)).join(' ')}`);
    for (const [name, format] of rows)
      console.log(`${name.padEnd(44)} ${latency.map((r) => format(r).padStart(14)).join(' ')}`);
  }
  for (const report of reports) printOpenWorkflows(report.target, report.openWorkflows);
  fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench-results', 'bench.json'), JSON.stringify(reports, null, 2));
}

function printOpenWorkflows(target: string, rows: readonly OpenWorkflowsRow[]): void {
  if (rows.length === 0) return;
  console.log(
    `\n${target}: open workflows   RSS with them   peak RSS   restart ready   RSS after restart   (populate)`,
  );
  for (const r of rows) {
    console.log(
      `${String(r.openWorkflows).padStart(24)} ${`${r.rssMbWithOpen.toFixed(0)} MB`.padStart(15)} ${`${r.peakRssMb.toFixed(0)} MB`.padStart(10)} ` +
        `${`${r.restartReadyMs.toFixed(0)} ms`.padStart(15)} ${`${r.rssMbAfterRestart.toFixed(0)} MB`.padStart(19)}   (${r.populateSeconds.toFixed(0)} s)`,
    );
  }
}

type Report = Awaited<ReturnType<typeof measure>>;
type LatencyReport = Awaited<ReturnType<typeof measureLatency>> & { target: string };

async function measure(target: Target, code: { code: string }, nexusCode: { code: string }) {
  const port = 17233 + Math.floor(Math.random() * 1000);
  const openWorkflows: OpenWorkflowsRow[] = [];
  const openTargets = (process.env['BENCH_OPEN_TARGETS'] ?? 'causeway').split(',');
  if (!isSkipped('open') && openTargets.includes(target.name)) {
    for (const count of openWorkflowCounts()) openWorkflows.push(await measureOpenWorkflows(target, port, count, code));
  }
  if (isSkipped('latency')) return { target: target.name, date: new Date().toISOString(), openWorkflows };
  return { ...(await measureLatency(target, port, code, nexusCode)), openWorkflows };
}

async function measureLatency(target: Target, port: number, code: { code: string }, nexusCode: { code: string }) {
  const readyTimes: number[] = [];
  for (let i = 0; i < READY_RUNS; i++) {
    const server = await startDev(target, port);
    readyTimes.push(server.readyMs);
    await stopServer(server);
  }
  const server = await startDev(target, port);
  const taskQueue = `bench-${randomUUID()}`;
  const results = await withWorker(
    server,
    taskQueue,
    code,
    async (client) => {
      const run = () => client.workflow.execute('oneActivity', { taskQueue, workflowId: randomUUID(), args: ['x'] });
      for (let i = 0; i < 10; i++) await run();
      const latencies: number[] = [];
      for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
        const t = performance.now();
        await run();
        latencies.push(performance.now() - t);
      }
      const t = performance.now();
      await inParallel(THROUGHPUT_TOTAL, CONCURRENT_WORKFLOWS, run);
      return { latencies, throughput: THROUGHPUT_TOTAL / ((performance.now() - t) / 1000) };
    },
    { maxConcurrentActivityTaskExecutions: 100 },
  );
  const connection = await Connection.connect({ address: server.address, ...server.credentials });
  const native = await NativeConnection.connect({ address: server.workerAddress, ...server.credentials });
  const pids = server.children.map((child) => child.pid);
  const nexus = await measureNexus(connection, native, nexusCode, pids);
  const rss = Math.max(...pids.map((pid) => memoryMb(pid, 'VmHWM')));
  await connection.close();
  await native.close();
  await stopServer(server);
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
    throughputWorkflowsPerSecond: results.throughput,
    nexus,
    serverPeakRssMb: rss,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
