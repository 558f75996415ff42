// A running Causeway plus SDK clients for integration tests: one server per test file, a worker per
// test on its own task queue, and the workflow bundle built once per process.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  Runtime,
  DefaultLogger,
  type WorkerOptions,
} from '@temporalio/worker';
import type { RunningServer, ServerOptions } from '../../src';
import { startTestServer } from './test-server';
import * as activities from '../fixtures/activities';

let bundle: Promise<{ code: string }> | undefined;
let runtimeInstalled = false;

export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'fixtures', 'workflows.js'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

export interface TestEnv {
  server: RunningServer;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  /** Runs `fn` while a worker polls a fresh task queue; returns what fn returns. */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>, options?: Partial<WorkerOptions>): Promise<T>;
  stop(): Promise<void>;
}

export async function startTestEnv(options: Partial<ServerOptions> = {}): Promise<TestEnv> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const server = await startTestServer({ port: 0, logLevel: 'error', ...options });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const code = await workflowBundle();
  return {
    server,
    client,
    connection,
    nativeConnection,
    async withWorker(fn, workerOptions = {}) {
      const taskQueue = workerOptions.taskQueue ?? `tq-${randomUUID()}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        workflowBundle: code,
        activities,
        ...workerOptions,
      });
      return worker.runUntil(fn(taskQueue));
    },
    async stop() {
      await connection.close();
      await nativeConnection.close();
      await server.stop();
    },
  };
}

export function uniqueId(prefix = 'wf'): string {
  return `${prefix}-${randomUUID()}`;
}
