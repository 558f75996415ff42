// A Causeway with a caller and a handler namespace, an endpoint between them, and workers for both:
// the setup of the seeds' Nexus flows, for integration tests.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, Runtime, DefaultLogger } from '@temporalio/worker';
import type { RunningServer, ServerOptions } from '../../src';
import { startTestServer, type TestServer } from './test-server';
import { createMyServiceHandler, myServiceHandler } from '../fixtures/nexus/handler';
import * as activities from '../fixtures/activities';

let bundle: Promise<{ code: string }> | undefined;
let isRuntimeInstalled = false;

export function nexusBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'fixtures', 'nexus', 'workflows.js'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

export interface NexusEnv {
  server: TestServer;
  connection: Connection;
  native: NativeConnection;
  caller: Client;
  handler: Client;
  callerNamespace: string;
  handlerNamespace: string;
  createEndpoint(name: string, namespace: string, taskQueue: string, allow?: string[]): Promise<string>;
  /** A new endpoint targeting a fresh task queue in the handler namespace. */
  newHandlerEndpoint(): Promise<{ endpoint: string; handlerTaskQueue: string }>;
  /** Runs fn with a caller worker and a handler worker (Nexus service registered) polling. */
  withWorkers<T>(
    handlerTaskQueue: string,
    fn: (callerTaskQueue: string) => Promise<T>,
    extraHandlers?: { namespace: string; taskQueue: string; tag?: string }[],
  ): Promise<T>;
  stop(): Promise<void>;
}

export async function startNexusEnv(
  options: Partial<ServerOptions> = {},
  overrides: Parameters<typeof startTestServer>[1] = {},
): Promise<NexusEnv> {
  if (!isRuntimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    isRuntimeInstalled = true;
  }
  const callerNamespace = 'caller-ns';
  const handlerNamespace = 'handler-ns';
  const server = await startTestServer(
    {
      port: 0,
      logLevel: 'error',
      namespaces: [callerNamespace, handlerNamespace, 'third-ns'],
      ...options,
    },
    overrides,
  );
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const code = await nexusBundle();
  // A second worker on one task queue needs a connection of its own (sdk-core allows one per connection).
  const worker = async (namespace: string, taskQueue: string, withHandler: boolean, tag?: string): Promise<Worker> =>
    Worker.create({
      connection: tag ? await NativeConnection.connect({ address: server.address }) : native,
      namespace,
      taskQueue,
      workflowBundle: code,
      ...(withHandler ? { nexusServices: [tag ? createMyServiceHandler(tag) : myServiceHandler], activities } : {}),
    });
  async function createEndpoint(name: string, namespace: string, taskQueue: string, allow?: string[]): Promise<string> {
    const call = () =>
      connection.operatorService.createNexusEndpoint({ spec: { name, target: { worker: { namespace, taskQueue } } } });
    const response = allow
      ? await connection.withMetadata({ 'causeway-allow-namespaces': allow.join(',') }, call)
      : await call();
    return response.endpoint?.id ?? '';
  }
  return {
    server,
    connection,
    native,
    callerNamespace,
    handlerNamespace,
    caller: new Client({ connection, namespace: callerNamespace }),
    handler: new Client({ connection, namespace: handlerNamespace }),
    createEndpoint,
    async newHandlerEndpoint() {
      const handlerTaskQueue = `handler-${randomUUID()}`;
      const endpoint = endpointName();
      await createEndpoint(endpoint, handlerNamespace, handlerTaskQueue);
      return { endpoint, handlerTaskQueue };
    },
    async withWorkers(handlerTaskQueue, fn, extraHandlers = []) {
      const callerTaskQueue = `caller-${randomUUID()}`;
      const workers = await Promise.all([
        worker(callerNamespace, callerTaskQueue, false),
        worker(handlerNamespace, handlerTaskQueue, true),
        ...extraHandlers.map((h) => worker(h.namespace, h.taskQueue, true, h.tag)),
      ]);
      const [first, ...rest] = workers;
      const runRest = rest.map((w) => w.run());
      try {
        return await (first as Worker).runUntil(fn(callerTaskQueue));
      } finally {
        for (const w of rest) w.shutdown();
        await Promise.all(runRest);
      }
    },
    async stop() {
      await connection.close();
      await native.close();
      await server.stop();
    },
  };
}

export function endpointName(prefix = 'ep'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
