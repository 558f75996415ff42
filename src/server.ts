// Composition root: builds the store, engine, matching and API, and returns a running server.
import type * as grpc from '@grpc/grpc-js';
import { systemClock } from './common/clock';
import { systemIds } from './common/ids';
import { createLogger } from './common/logger';
import { SqliteStore } from './store/sqlite/sqlite-store';
import { NamespaceRegistry } from './engine/namespace-registry';
import { HistoryEngine } from './engine/history-engine';
import { MatchingService } from './matching/matching-service';
import type { MatchTask, TaskSink } from './engine/tasks';
import type { ApiDeps } from './api/api-deps';
import { startGrpcServer } from './api/grpc-server';
import { searchAttributeTypeName } from './api/search-attribute-types';
import { configFromDynamicConfig } from './dynamic-config';
import { EndpointRegistry } from './nexus/endpoint-registry';
import { NexusTaskDispatcher } from './nexus/nexus-task-dispatcher';
import { CircuitBreakers } from './nexus/circuit-breaker';
import { NexusOperationExecutor } from './nexus/operation-executor';
import { NexusHttpClient } from './nexus/http/nexus-http-client';
import { CompletionCallbackSender } from './nexus/http/completion-callback-sender';
import { startNexusHttpServer, type NexusHttpServer } from './nexus/http/nexus-http-server';
import { callbackUrlFor, nexusHttpConfigFromDynamicConfig } from './nexus/http/nexus-http-config';
import { defaultServerOptions, type RunningServer, type ServerOptions } from './server-options';

export { defaultServerOptions };
export type { RunningServer, ServerOptions };

export const SERVER_VERSION = '1.29.0';

export async function startServer(partial: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const options: ServerOptions = { ...defaultServerOptions, ...partial };
  const logger = createLogger(options.logLevel, options.logFormat);
  const clock = systemClock;
  const ids = systemIds;
  const store = new SqliteStore({ filename: options.dbFilename, pragmas: options.sqlitePragmas });
  const namespaces = new NamespaceRegistry(store, clock, ids);
  const searchAttributes = Object.fromEntries(
    Object.entries(options.searchAttributes).map(([name, type]) => [name, searchAttributeTypeName(type)]),
  );
  for (const name of new Set(['default', ...options.namespaces])) namespaces.ensure(name, searchAttributes);
  const config = configFromDynamicConfig(options.dynamicConfig);
  const matching = new MatchingService<MatchTask>();
  const sink: TaskSink = {
    offer: (namespaceId, taskQueue, kind, task) => matching.offer(namespaceId, taskQueue, kind, task),
    backlogCount: (namespaceId, taskQueue, kind) => matching.find(namespaceId, taskQueue, kind)?.backlogCount ?? 0,
    isStickyWorkerAvailable: (namespaceId, stickyTaskQueue) =>
      matching.hasRecentPoller(namespaceId, stickyTaskQueue, 'workflow', clock.nowMs()),
  };
  const endpoints = new EndpointRegistry(store, namespaces, clock);
  const nexusEndpoints = { findByName: (name: string) => endpoints.findByName(name) };
  const engine = new HistoryEngine(
    { clock, ids, namespaces, config: config.engine, nexusEndpoints },
    store,
    sink,
    logger,
  );
  const dispatcher = new NexusTaskDispatcher(matching);
  const breakers = new CircuitBreakers(clock, config.circuitBreaker);
  const httpConfig = nexusHttpConfigFromDynamicConfig(options.dynamicConfig);
  const httpHost = options.ip === '0.0.0.0' || options.ip === '::' ? '127.0.0.1' : options.ip;
  let httpBaseUrl = '';
  const nexusHttpClient = new NexusHttpClient({
    callbackUrl: (callerNamespace) => callbackUrlFor(httpConfig.callbackUrlTemplate, httpBaseUrl, callerNamespace),
  });
  const callbackSender = new CompletionCallbackSender(namespaces, clock, logger, httpConfig.callbacks);
  const executor = new NexusOperationExecutor(engine, endpoints, dispatcher, breakers, clock, logger, nexusHttpClient, {
    retryInitialIntervalMs: config.nexusRetryInitialIntervalMs,
    requestTimeoutMs: config.nexusRequestTimeoutMs,
  });
  engine.hooks = {
    onRunClosed: (tx, workflow, closeEvent) => {
      executor.onRunClosed(workflow);
      callbackSender.onRunClosed(tx, workflow, closeEvent);
    },
    onSettled: (workflow) => executor.onSettled(workflow),
  };
  const deps: ApiDeps = {
    engine,
    namespaces,
    matching,
    store,
    clock,
    config: { longPollMs: config.longPollMs, serverVersion: SERVER_VERSION },
    nexus: { endpoints, dispatcher },
  };
  let grpcServer: grpc.Server;
  let port: number;
  try {
    ({ server: grpcServer, port } = await startGrpcServer(deps, `${options.ip}:${options.port}`, logger));
  } catch (error) {
    store.close();
    throw error;
  }
  let httpServer: NexusHttpServer;
  try {
    httpServer = await startNexusHttpServer(
      { engine, namespaces, endpoints, dispatcher, clock, ids, logger },
      options.ip,
      options.httpPort ?? 0,
    );
  } catch (error) {
    await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
    store.close();
    throw error;
  }
  httpBaseUrl = `http://${httpHost.includes(':') ? `[${httpHost}]` : httpHost}:${httpServer.port}`;
  engine.start();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      executor.stop();
      engine.stop();
      callbackSender.stop();
      dispatcher.abandonAll();
      matching.releaseAllPollers();
      await httpServer.close();
      await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
      store.close();
    })();
    return stopping;
  };
  const host = options.ip.includes(':') ? `[${options.ip}]` : options.ip;
  return { address: `${host}:${port}`, port, httpPort: httpServer.port, stop };
}
