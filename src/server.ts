// Composition root: builds the store, engine, matching, Nexus and the API, and returns a running server.
import type * as grpc from '@grpc/grpc-js';
import { systemClock, type Clock } from './common/clock';
import { systemIds, type Ids } from './common/ids';
import { createLogger, type LogSink } from './common/logger';
import { repeatEvery, type Repeating } from './common/repeat';
import { openStore, type OpenedStore } from './store/open-store';
import { meteredStore } from './store/metered-store';
import type { Store } from './store/store';
import { NamespaceRegistry } from './engine/namespace-registry';
import { HistoryEngine } from './engine/history-engine';
import { MatchingService } from './matching/matching-service';
import type { MatchTask } from './engine/tasks';
import { TaskRouting } from './matching/task-routing';
import { createHttpApi } from './api/http-api/http-api';
import { httpTls, serverCredentials } from './api/tls-credentials';
import type { ApiDeps } from './api/api-deps';
import { shutdownGrpc, startGrpcServer, type Invoke } from './api/grpc-server';
import { startMetricsServer, type MetricsServer } from './api/metrics-server';
import { Metrics, registerProcessMetrics } from './common/metrics';
import { registerStateMetrics } from './api/state-metrics';
import { NO_TRACING, type Tracing } from './common/tracing';
import { tracingFromEnv, type Environment } from './common/tracing-config';
import { RpcTracer } from './api/rpc-tracing';
import { searchAttributeTypeName } from './api/search-attribute-types';
import { configFromDynamicConfig } from './dynamic-config';
import { EndpointRegistry } from './nexus/endpoint-registry';
import { NexusTaskDispatcher } from './nexus/nexus-task-dispatcher';
import { DestinationLimiter } from './nexus/destination-limiter';
import { NamespaceRateLimiter } from './api/namespace-rate-limit';
import { CircuitBreakers } from './nexus/circuit-breaker';
import { NexusOperationExecutor, breakerKey } from './nexus/operation-executor';
import { CallbackExecutor } from './nexus/callback-executor';
import { NexusHttpClient } from './nexus/http/nexus-http-client';
import { startNexusHttpServer } from './nexus/http/nexus-http-server';
import { callbackUrlFor, nexusHttpConfigFromDynamicConfig } from './nexus/http/nexus-http-config';
import { defaultServerOptions, type RunningServer, type ServerOptions } from './server-options';
import { advertisedHost, createClusterNode, hostPort, type ClusterNode } from './cluster-node';
import { Authenticator, isAuthConfigured } from './api/auth/authenticator';
import { createRequestGuard } from './api/auth/request-guard';
import { nexusDispatchGuard } from './api/auth/nexus-dispatch-guard';
import { PrincipalRateLimiter } from './api/auth/principal-rate-limiter';
import { AuditLog } from './api/auth/audit-log';
import { checkRequestNamespace } from './api/namespace-check';
import { startUiServer, type UiServer } from './ui/ui-server';

export { defaultServerOptions };
export type { RunningServer, ServerOptions };

export const SERVER_VERSION = '1.29.0';

/** What tests may replace: time, randomness, the store, and where spans go. */
export interface ServerOverrides {
  readonly clock?: Clock;
  readonly ids?: Ids;
  readonly store?: Store;
  /** The OTEL_* variables tracing is configured by (default process.env); see docs/tracing.md. */
  readonly env?: Environment;
  /** Tracing to use instead of the one `env` asks for (the caller shuts it down). */
  readonly tracing?: Tracing;
  /** Where log lines go instead of standard error. */
  readonly logSink?: LogSink;
}

export async function startServer(
  partial: Partial<ServerOptions> = {},
  overrides: ServerOverrides = {},
): Promise<RunningServer> {
  const options: ServerOptions = { ...defaultServerOptions, ...partial };
  const logger = createLogger(options.logLevel, options.logFormat, overrides.logSink);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? systemIds;
  const opened: OpenedStore = overrides.store
    ? {
        store: overrides.store,
        schema: { version: 0, created: false },
        description: 'given by the caller',
        isShared: false,
      }
    : await openStore(options);
  const { store } = opened;
  let tracing: Tracing = NO_TRACING;
  try {
    tracing = overrides.tracing ?? (await tracingFromEnv(overrides.env ?? process.env, logger, clock));
    // A server stop exports the last spans of the tracing it made itself.
    const ownTracing = overrides.tracing ? NO_TRACING : tracing;
    return await startWith(options, opened, clock, ids, logger, tracing, ownTracing);
  } catch (error) {
    await store.close();
    if (!overrides.tracing) await tracing.shutdown();
    throw error;
  }
}

async function startWith(
  options: ServerOptions,
  { store: openedStore, schema, description, isShared }: OpenedStore,
  clock: Clock,
  ids: Ids,
  logger: ReturnType<typeof createLogger>,
  tracing: Tracing,
  ownTracing: Tracing,
): Promise<RunningServer> {
  const metrics = new Metrics();
  registerProcessMetrics(metrics, clock.nowMs());
  const store = meteredStore(openedStore, metrics, () => clock.nowMs());
  const namespaces = new NamespaceRegistry(store, clock, ids);
  await namespaces.load();
  const searchAttributes = Object.fromEntries(
    Object.entries(options.searchAttributes).map(([name, type]) => [name, searchAttributeTypeName(type)]),
  );
  for (const name of new Set(['default', ...options.namespaces])) await namespaces.ensure(name, searchAttributes);
  const config = configFromDynamicConfig(options.dynamicConfig);
  const matching = new MatchingService<MatchTask>();
  const endpoints = new EndpointRegistry(store, namespaces, clock, ids);
  await endpoints.load();
  const breakers = new CircuitBreakers(clock, config.circuitBreaker);
  const destinations = new DestinationLimiter(config.destinationLimits, clock);
  const namespaceRates = new NamespaceRateLimiter(config.namespaceRateLimits, () => clock.nowMs());
  registerStateMetrics(metrics, namespaces, matching, breakers);
  const memberId = `causeway-${process.pid}-${ids.uuid()}`;
  const engine: HistoryEngine = new HistoryEngine(
    {
      clock,
      ids,
      namespaces,
      config: { ...config.engine, verifyItemTracking: config.engine.verifyItemTracking || options.verifyItemTracking },
      nexusEndpoints: { findByName: (name: string) => endpoints.findByName(name) },
      nexusCircuits: { isOpen: (namespaceId, endpoint) => breakers.isOpen(breakerKey(namespaceId, endpoint)) },
    },
    store,
    {
      offer: (...args) => routing.offer(...args),
      backlogCount: (...args) => routing.backlogCount(...args),
      releaseShard: (shardId) => routing.releaseShard(shardId),
    },
    logger,
    {
      shardCount: options.shardCount,
      owner: memberId,
      // One process on its own file takes its shards at once; on a shared database a shard moves only
      // when its owner's lease ends (renewed five times per lease).
      leases: { steal: !isShared, leaseMs: options.shardLeaseMs, renewEveryMs: Math.max(50, options.shardLeaseMs / 5) },
      // A standby that takes over first reads what the old owner registered.
      beforeServing: () => refreshRegistries(namespaces, endpoints),
    },
  );
  const routing: TaskRouting = new TaskRouting({
    matching,
    clock,
    taskQueueShardIdOf: (namespaceId, taskQueue) => engine.taskQueueShardIdOf(namespaceId, taskQueue),
    ownsShard: (shardId) => engine.ownsShard(shardId),
    cluster: () => engine.clusterLink,
  });
  const dispatcher = new NexusTaskDispatcher(routing, clock, ids, () => engine.clusterLink?.peers);
  const httpConfig = nexusHttpConfigFromDynamicConfig(options.dynamicConfig);
  const httpHost = options.ip === '0.0.0.0' || options.ip === '::' ? '127.0.0.1' : options.ip;
  let httpBaseUrl = '';
  const nexusHttpClient = new NexusHttpClient({
    callbackUrl: (callerNamespace) => callbackUrlFor(httpConfig.callbackUrlTemplate, httpBaseUrl, callerNamespace),
  });
  new NexusOperationExecutor(
    engine,
    endpoints,
    dispatcher,
    breakers,
    destinations,
    nexusHttpClient,
    {
      retryInitialIntervalMs: config.nexusRetryInitialIntervalMs,
      requestTimeoutMs: config.nexusRequestTimeoutMs,
      useSystemCallbackUrl: httpConfig.useSystemCallbackUrl,
    },
    metrics,
    tracing,
    logger,
  ).register();
  new CallbackExecutor(
    engine,
    clock,
    destinations,
    httpConfig.callbacks,
    globalThis.fetch,
    tracing,
    metrics,
  ).register();
  const rpcTracer = tracing.isEnabled ? new RpcTracer(tracing, dispatcher) : undefined;
  const deps: ApiDeps = {
    engine,
    namespaces,
    matching,
    store,
    clock,
    config: { longPollMs: config.longPollMs, serverVersion: SERVER_VERSION, memberId },
    nexus: { endpoints, dispatcher },
    servesTaskQueue: (namespaceId, taskQueue) =>
      !engine.clusterLink || engine.ownsShard(engine.taskQueueShardIdOf(namespaceId, taskQueue)),
  };
  // Read before any port opens: a credential file that cannot be used stops the start.
  const authenticator = isAuthConfigured(options.auth) ? new Authenticator(options.auth, clock, logger) : undefined;
  const guard = createRequestGuard({
    authenticator,
    limiter: authenticator
      ? new PrincipalRateLimiter(clock, config.auth.principalRps, config.auth.principalBurst)
      : undefined,
    audit: new AuditLog(store, clock, logger, config.auth.auditEventsMax),
  });
  let node: ClusterNode | undefined;
  let invoke: Invoke | undefined;
  const httpApi = createHttpApi({ invoke: () => invoke, clock });
  const httpServer = await startNexusHttpServer(
    {
      engine,
      namespaces,
      endpoints,
      dispatcher,
      clock,
      ids,
      logger,
      memberId,
      forwardTo: () => node?.registryHttpAddress(),
      tracing,
      otherRoutes: (request, response) => httpApi.handle(request, response),
      ...(authenticator ? { admitDispatch: nexusDispatchGuard(guard) } : {}),
    },
    options.ip,
    options.httpPort ?? 0,
    httpTls(options.tls),
  );
  httpBaseUrl = `${options.tls ? 'https' : 'http'}://${hostPort(httpHost, httpServer.port)}`;
  let grpcServer: grpc.Server;
  let port: number;
  let metricsServer: MetricsServer | undefined;
  let uiServer: UiServer | undefined;
  try {
    // On a shared database this process is a cluster member: it forwards what another member serves.
    const member = isShared
      ? await createClusterNode({
          deps,
          store,
          clock,
          logger,
          memberId,
          bindIp: options.ip,
          advertiseHost: advertisedHost(options.ip, options.advertiseIp),
          internalPort: options.internalPort ?? 0,
          httpPort: httpServer.port,
          shardLeaseMs: options.shardLeaseMs,
          routing,
          breakers,
          rpcTracer,
        })
      : undefined;
    node = member;
    ({
      server: grpcServer,
      port,
      invoke,
    } = await startGrpcServer(deps, hostPort(options.ip, options.port), logger, {
      isServing: () => engine.ownedShardCount > 0 || member?.hasRegistryHolder() === true,
      forwarding: member?.forwarding,
      credentials: serverCredentials(options.tls),
      guard,
      observer: { metrics, nowMs: () => clock.nowMs(), tracer: rpcTracer },
      admit: (method, request) => namespaceRates.admit(method, request.namespace),
      prepare: (request, method) => checkRequestNamespace(namespaces, method, request, isShared),
    }));
    metricsServer = await startMetricsServer(metrics, options.ip, options.metricsPort ?? 0);
    // The web UI on --ui-port (default --port + 1000; a free port when --port is 0), off with --headless.
    if (!options.headless)
      uiServer = await startUiServer(
        { httpApi, clock, logger },
        options.ip,
        options.uiPort ?? (options.port === 0 ? 0 : options.port + 1000),
        httpTls(options.tls),
      );
    // A member is in the view before its engine takes its share of the shards.
    await member?.start();
    await engine.start();
    authenticator?.start();
  } catch (error) {
    await node?.stop();
    await uiServer?.close();
    await metricsServer?.close();
    await httpServer.close();
    throw error;
  }
  // On a shared database, namespaces and endpoints written through other processes reach this one.
  const refresher = isShared
    ? startRegistryRefresh(namespaces, endpoints, clock, logger, REGISTRY_REFRESH_MS)
    : undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      refresher?.cancel();
      authenticator?.stop();
      await engine.stop();
      await node?.stop();
      dispatcher.abandonAll();
      matching.releaseAllPollers();
      await uiServer?.close();
      await httpServer.close();
      await metricsServer?.close();
      await shutdownGrpc(grpcServer, clock);
      await store.close();
      await ownTracing.shutdown();
    })();
    return stopping;
  };
  return {
    address: hostPort(options.ip, port),
    port,
    internalPort: node?.internalPort,
    httpPort: httpServer.port,
    metricsPort: metricsServer?.port ?? 0,
    uiPort: uiServer?.port,
    schema,
    persistence: description,
    shards: () => ({ total: engine.shardCount, owned: engine.ownedShardCount }),
    stop,
  };
}

/**
 * How often a process on a shared database reads namespaces and Nexus endpoints again: a safety net, since
 * their reads and writes go to the shard holder and a takeover reads them before serving (beforeServing).
 */
const REGISTRY_REFRESH_MS = 5000;

function refreshRegistries(namespaces: NamespaceRegistry, endpoints: EndpointRegistry): Promise<void> {
  return namespaces.load().then(() => endpoints.refresh());
}

function startRegistryRefresh(
  namespaces: NamespaceRegistry,
  endpoints: EndpointRegistry,
  clock: Clock,
  logger: ReturnType<typeof createLogger>,
  everyMs: number,
): Repeating {
  return repeatEvery(
    clock,
    everyMs,
    () => refreshRegistries(namespaces, endpoints),
    (error) => logger.warn('reading namespaces and endpoints failed', { error: String(error) }),
  );
}
