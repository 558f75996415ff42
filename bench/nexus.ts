// Nexus operations from a caller workflow in `caller-ns` to a handler worker in `handler-ns`: latency
// from the caller's start to its result (sequential runs), and the server's CPU time per operation over
// a batch run ten at a time (CPU time of the server process, from /proc).
import { randomUUID } from 'node:crypto';
import { Client, type Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { myServiceHandler } from '../test/fixtures/nexus/handler';
import { cpuMs, inParallel, median } from './server-process';

export const NEXUS_RUNS = 30;
const NEXUS_CPU_RUNS = 200;
const NEXUS_CPU_CONCURRENCY = 10;
const WARM_UP_RUNS = 3;

export interface NexusFigures {
  readonly syncMsP50: number;
  readonly asyncMsP50: number;
  readonly syncServerCpuMsPerOp: number;
  readonly asyncServerCpuMsPerOp: number;
}

export async function measureNexus(
  connection: Connection,
  native: NativeConnection,
  code: { code: string },
  serverPids: readonly (number | undefined)[],
): Promise<NexusFigures> {
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
  const sync = (): Promise<unknown> =>
    caller.workflow.execute('echoCaller', {
      taskQueue: callerTaskQueue,
      workflowId: randomUUID(),
      args: [endpoint, 'x'],
    });
  const async = (): Promise<unknown> =>
    caller.workflow.execute('callerWorkflow', {
      taskQueue: callerTaskQueue,
      workflowId: randomUUID(),
      args: [endpoint, randomUUID(), ['a']],
    });
  const handlerRun = handlerWorker.run();
  const figures = await callerWorker.runUntil(async () => ({
    syncMsP50: median(await latencies(sync)),
    asyncMsP50: median(await latencies(async)),
    syncServerCpuMsPerOp: await cpuPerOperation(sync, serverPids),
    asyncServerCpuMsPerOp: await cpuPerOperation(async, serverPids),
  }));
  handlerWorker.shutdown();
  await handlerRun;
  return figures;
}

async function latencies(run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < NEXUS_RUNS + WARM_UP_RUNS; i++) {
    const started = performance.now();
    await run();
    if (i >= WARM_UP_RUNS) times.push(performance.now() - started);
  }
  return times;
}

async function cpuPerOperation(
  run: () => Promise<unknown>,
  serverPids: readonly (number | undefined)[],
): Promise<number> {
  const total = (): number => serverPids.reduce<number>((sum, pid) => sum + cpuMs(pid), 0);
  const before = total();
  await inParallel(NEXUS_CPU_RUNS, NEXUS_CPU_CONCURRENCY, run);
  return (total() - before) / NEXUS_CPU_RUNS;
}
