// Memory and restart time against the number of open workflows. For each count the server starts on a
// new database file, that many workflows are started and run their first workflow task (then wait for a
// signal, as most open workflows do), the server's resident memory is read, and the server is stopped
// and started again on the same database: ready means it answers GetSystemInfo and has run a new
// workflow end to end.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { inParallel, memoryMb, startDev, stopProcess, withWorker, type Target } from './server-process';

const START_CONCURRENCY = 100;
const IDLE_BEFORE_MEMORY_MS = 15_000;

export interface OpenWorkflowsRow {
  readonly openWorkflows: number;
  readonly populateSeconds: number;
  readonly rssMbWithOpen: number;
  readonly peakRssMb: number;
  readonly restartReadyMs: number;
  readonly rssMbAfterRestart: number;
}

export function openWorkflowCounts(): number[] {
  const text = process.env['BENCH_OPEN_WORKFLOWS'] ?? '1000,10000,100000';
  return text
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
}

export async function measureOpenWorkflows(
  target: Target,
  port: number,
  count: number,
  code: { code: string },
): Promise<OpenWorkflowsRow> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-bench-'));
  const dbArgs = ['--db-filename', path.join(directory, 'bench.db')];
  try {
    const server = await startDev(target, port, dbArgs);
    const taskQueue = `open-${randomUUID()}`;
    const started = performance.now();
    await withWorker(
      server.address,
      taskQueue,
      code,
      async (client) => {
        const last: string[] = [];
        await inParallel(count, START_CONCURRENCY, async (index) => {
          const workflowId = `open-${index}-${randomUUID()}`;
          if (index >= count - START_CONCURRENCY) last.push(workflowId);
          await client.workflow.start('waitForRelease', { taskQueue, workflowId });
        });
        await waitForFirstTasks(client, last);
      },
      { maxCachedWorkflows: 200 },
    );
    const populateSeconds = (performance.now() - started) / 1000;
    // Memory with the workflows open, once the burst of starting them is over (the heap shrinks when idle).
    await new Promise((resolve) => setTimeout(resolve, IDLE_BEFORE_MEMORY_MS));
    const rssMbWithOpen = memoryMb(server.child.pid, 'VmRSS');
    const peakRssMb = memoryMb(server.child.pid, 'VmHWM');
    await stopProcess(server.child);
    const restartStarted = performance.now();
    const restarted = await startDev(target, port, dbArgs);
    const restartQueue = `restart-${randomUUID()}`;
    await withWorker(restarted.address, restartQueue, code, (client) =>
      client.workflow.execute('oneActivity', { taskQueue: restartQueue, workflowId: randomUUID(), args: ['x'] }),
    );
    const restartReadyMs = performance.now() - restartStarted;
    const rssMbAfterRestart = memoryMb(restarted.child.pid, 'VmRSS');
    await stopProcess(restarted.child);
    return { openWorkflows: count, populateSeconds, rssMbWithOpen, peakRssMb, restartReadyMs, rssMbAfterRestart };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** Waits until the last workflows started have run their first task (the queue is worked in order). */
async function waitForFirstTasks(client: Client, workflowIds: readonly string[]): Promise<void> {
  for (const workflowId of workflowIds) {
    for (;;) {
      const description = await client.workflow.getHandle(workflowId).describe();
      // WorkflowExecutionStarted, WorkflowTaskScheduled, -Started, -Completed: the first task is done.
      if (description.historyLength >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
