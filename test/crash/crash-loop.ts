// The crash loop: a server process on a SQLite file runs a steady mix of work (crashMix: a timer, an
// activity retried once, a child workflow, a sync and a workflow-backed Nexus operation across
// namespaces) while it is SIGKILLed at random moments and restarted on the same database. Afterwards
// every workflow whose start was acknowledged must complete with its expected result, every history must
// be well formed (ids contiguous, nothing after the close), and every Nexus operation must have started
// exactly one handler workflow. `npm test` runs a few kills (test/integration/crash-loop.test.ts); the
// script (`npm run crash-loop -- --kills 100`) runs as many as asked.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { assertWellFormed } from '../helpers/history';
import * as activities from '../fixtures/activities';
import { myServiceHandler } from '../fixtures/nexus/handler';

export interface CrashLoopOptions {
  readonly kills: number;
  /** Workflows started in each round between two kills. */
  readonly workflowsPerRound: number;
  /** Seed of the kill times (the moments differ from run to run otherwise). */
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export interface CrashLoopReport {
  readonly kills: number;
  readonly workflows: number;
  readonly acknowledged: number;
  readonly seconds: number;
}

const CALLER_NAMESPACE = 'crash-caller';
const HANDLER_NAMESPACE = 'crash-handler';
const TASK_QUEUE = 'crash-tq';
const HANDLER_TASK_QUEUE = 'crash-handler-tq';
const ENDPOINT = 'crash-endpoint';
const KILL_AFTER_MS_MIN = 100;
const KILL_AFTER_MS_MAX = 1500;
const COMPLETION_TIMEOUT_MS = 180_000;

/** The SDKs' runtime, quiet: while the server is down every worker call logs its retries. */
export function installQuietRuntime(): void {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
}

export function expectedResult(index: number, workflowId: string): string {
  return [
    index,
    'retried',
    `Hello, child-${index}!`,
    `echo-${index}`,
    `processed ${workflowId}-order with 1 items`,
  ].join('|');
}

/** A small deterministic generator (mulberry32), so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Session {
  readonly client: Client;
  close(): Promise<void>;
}

/**
 * Client and workers, as an application has them: they stay up across the server's crashes, their calls
 * failing while it is down and retried once it is back on the same port.
 */
async function connect(address: string, code: { code: string }): Promise<Session> {
  const connection = await Connection.connect({ address });
  const native = await NativeConnection.connect({ address });
  const workers = [
    await Worker.create({
      connection: native,
      namespace: CALLER_NAMESPACE,
      taskQueue: TASK_QUEUE,
      workflowBundle: code,
      activities,
    }),
    await Worker.create({
      connection: native,
      namespace: HANDLER_NAMESPACE,
      taskQueue: HANDLER_TASK_QUEUE,
      workflowBundle: code,
      nexusServices: [myServiceHandler],
    }),
  ];
  const runs = workers.map((worker) => worker.run());
  return {
    client: new Client({ connection, namespace: CALLER_NAMESPACE }),
    async close() {
      for (const worker of workers) worker.shutdown();
      await Promise.allSettled(runs);
      await connection.close();
      await native.close();
    },
  };
}

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopReport> {
  const log = options.log ?? (() => undefined);
  const next = random(options.seed);
  const started = performance.now();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-crash-'));
  const dbFilename = path.join(directory, 'crash.db');
  const code = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'fixtures', 'crash', 'workflows.js'),
    logger: new DefaultLogger('ERROR'),
  });
  let server = await spawnServer(0, dbFilename, [CALLER_NAMESPACE, HANDLER_NAMESPACE]);
  const port = server.port;
  const session = await connect(server.address, code);
  const attempted = new Map<string, number>();
  const acknowledged = new Set<string>();
  try {
    await session.client.connection.operatorService.createNexusEndpoint({
      spec: { name: ENDPOINT, target: { worker: { namespace: HANDLER_NAMESPACE, taskQueue: HANDLER_TASK_QUEUE } } },
    });
    for (let round = 0; round < options.kills; round += 1) {
      const starts: Promise<void>[] = [];
      for (let j = 0; j < options.workflowsPerRound; j += 1) {
        const index = attempted.size;
        const workflowId = `crash-${options.seed}-${index}`;
        attempted.set(workflowId, index);
        starts.push(
          startOne(session.client, workflowId, index).then(
            (isAcknowledged) => void (isAcknowledged && acknowledged.add(workflowId)),
          ),
        );
      }
      const killAfterMs = KILL_AFTER_MS_MIN + Math.floor(next() * (KILL_AFTER_MS_MAX - KILL_AFTER_MS_MIN));
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      await server.kill();
      server = await spawnServer(port, dbFilename, [CALLER_NAMESPACE, HANDLER_NAMESPACE]);
      await Promise.allSettled(starts);
      log(
        `kill ${round + 1}/${options.kills} after ${killAfterMs} ms (${acknowledged.size} of ${attempted.size} starts acknowledged)`,
      );
    }
    await checkOutcomes(session.client, attempted, acknowledged);
    return {
      kills: options.kills,
      workflows: attempted.size,
      acknowledged: acknowledged.size,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await session.close();
    await server.kill();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** Starts one workflow; true once the server acknowledged it (an error during a kill leaves it unknown). */
async function startOne(client: Client, workflowId: string, index: number): Promise<boolean> {
  try {
    await client.workflow.start('crashMix', { taskQueue: TASK_QUEUE, workflowId, args: [index, ENDPOINT] });
    return true;
  } catch (error) {
    return error instanceof WorkflowExecutionAlreadyStartedError;
  }
}

async function checkOutcomes(
  client: Client,
  attempted: ReadonlyMap<string, number>,
  acknowledged: ReadonlySet<string>,
): Promise<void> {
  const handler = new Client({ connection: client.connection, namespace: HANDLER_NAMESPACE });
  const deadline = Date.now() + COMPLETION_TIMEOUT_MS;
  for (const [workflowId, index] of attempted) {
    const handle = client.workflow.getHandle(workflowId);
    const exists = await handle.describe().then(
      () => true,
      () => false,
    );
    assert.ok(exists || !acknowledged.has(workflowId), `acknowledged workflow ${workflowId} was lost`);
    if (!exists) continue;
    const result = await client.connection.withDeadline(deadline, () => handle.result());
    assert.equal(result, expectedResult(index, workflowId), `result of ${workflowId}`);
    assertWellFormed((await handle.fetchHistory()).events ?? []);
    const child = client.workflow.getHandle(`${workflowId}-child`);
    assertWellFormed((await child.fetchHistory()).events ?? []);
    const orders = await handler.workflow.count(`WorkflowId = "${workflowId}-order"`);
    assert.equal(orders.count, 1, `one handler run for the operation of ${workflowId}`);
    assertWellFormed((await handler.workflow.getHandle(`${workflowId}-order`).fetchHistory()).events ?? []);
  }
}
