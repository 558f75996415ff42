// The gRPC frontend: WorkflowService, OperatorService and grpc.health.v1.Health on one port. A cluster
// member runs it twice: on the public port with forwarding (requests of shards another member owns go
// there) and on the internal port without (what other members forward, served here).
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { ApiDeps } from './api-deps';
import { buildService, type Forwarding } from './grpc-service';
import type { RpcObserver } from './rpc-metrics';
import { workflowServiceHandlers } from './workflow-service';
import { operatorServiceHandlers } from './operator-service';
import type { Logger } from '../common/logger';
import type { Clock } from '../common/clock';
import { installOneShotDecompression } from './grpc-decompression';
import type { RequestGuard } from './auth/request-guard';
import { AUDIT_SERVICE_NAME, ENDPOINT_ACCESS_SERVICE_NAME, causewayRoot } from './causeway-service/causeway-proto';
import { getNexusEndpointAccess } from './causeway-service/get-nexus-endpoint-access';
import { listAuditEvents } from './causeway-service/list-audit-events';

const MESSAGE_SIZE_MAX_BYTES = 128 * 1024 * 1024;

export async function startGrpcServer(
  deps: ApiDeps,
  address: string,
  logger: Logger,
  serving: {
    readonly isServing: () => boolean;
    readonly forwarding?: Forwarding | undefined;
    /**
     * Before a request of the Temporal services is served: the public port checks the namespace it names,
     * the internal port reads a namespace another member just registered.
     */
    readonly prepare?: ((request: { namespace?: unknown }, method: string) => Promise<void>) | undefined;
    /** TLS (the public port with --tls-cert-file); plaintext by default. */
    readonly credentials?: grpc.ServerCredentials;
    /** Refuses WorkflowService requests past the rate limit of their namespace (the public port). */
    readonly admit?: ((method: string, request: { namespace?: unknown }) => void) | undefined;
    /** Authentication, authorization and the audit log (the public port; with it, the AuditService). */
    readonly guard?: RequestGuard | undefined;
    /** Metrics of the requests served (the public port). */
    readonly observer?: RpcObserver | undefined;
    /** More services on this port (the internal port's peer calls). */
    readonly services?: readonly {
      definition: grpc.ServiceDefinition;
      implementation: grpc.UntypedServiceImplementation;
    }[];
  },
): Promise<{ server: grpc.Server; port: number; invoke: Invoke }> {
  if (!installOneShotDecompression()) logger.warn('grpc-js changed: compressed requests are inflated the slow way');
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MESSAGE_SIZE_MAX_BYTES,
    'grpc.max_send_message_length': MESSAGE_SIZE_MAX_BYTES,
  });
  const methods = new Map<string, { definition: grpc.MethodDefinition<object, object>; handler: unknown }>();
  const register = (built: ReturnType<typeof buildService>): void => {
    server.addService(built.definition, built.implementation);
    for (const [method, methodDefinition] of Object.entries(built.definition)) {
      methods.set(methodDefinition.path, {
        definition: methodDefinition as grpc.MethodDefinition<object, object>,
        handler: built.implementation[method],
      });
    }
  };
  for (const [name, handlers] of [
    ['temporal.api.workflowservice.v1.WorkflowService', workflowServiceHandlers(deps)],
    ['temporal.api.operatorservice.v1.OperatorService', operatorServiceHandlers(deps)],
    // SERVING (1) while this process owns a shard or can forward to the one that does; else NOT_SERVING (2).
    ['grpc.health.v1.Health', { Check: () => ({ status: serving.isServing() ? 1 : 2 }) }],
  ] as const) {
    const { definition, implementation } = buildService(name, handlers, logger, {
      forwarding: serving.forwarding,
      prepare: serving.prepare,
      observer: name === 'grpc.health.v1.Health' ? undefined : serving.observer,
      guard: serving.guard,
      admit: name === 'temporal.api.workflowservice.v1.WorkflowService' ? serving.admit : undefined,
    });
    register({ definition, implementation });
  }
  if (serving.guard) {
    // Causeway's own services (docs/security.md), on the public port only.
    const options = { guard: serving.guard, root: causewayRoot };
    const audit = { ListAuditEvents: (request: object) => listAuditEvents(deps.store, request) };
    register(buildService(AUDIT_SERVICE_NAME, audit, logger, options));
    const access = { GetNexusEndpointAccess: (request: object) => getNexusEndpointAccess(deps, request) };
    register(buildService(ENDPOINT_ACCESS_SERVICE_NAME, access, logger, options));
  }
  for (const { definition, implementation } of serving.services ?? []) server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, serving.credentials ?? grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
  return { server, port, invoke: invokerOf(methods) };
}

/** A call made inside the process (the HTTP API): bytes in, bytes out, as the port would take and answer it. */
export type Invoke = (params: {
  readonly path: string;
  readonly request: Uint8Array;
  readonly metadata: grpc.Metadata;
  readonly deadlineMs: number;
  readonly signal: AbortSignal;
  /** The caller's client certificate, verified by the TLS handshake of the request that carries the call. */
  readonly peerCertificate?: PeerCertificate | undefined;
}) => Promise<Buffer>;

/** The error an in-process call rejects with: the gRPC status the port would have answered. */
export class InvokeError extends Error {
  constructor(readonly status: Partial<grpc.StatusObject>) {
    super(status.details ?? 'call failed');
  }
}

function invokerOf(
  methods: ReadonlyMap<string, { definition: grpc.MethodDefinition<object, object>; handler: unknown }>,
): Invoke {
  return (params) =>
    new Promise<Buffer>((resolve, reject) => {
      const method = methods.get(params.path);
      if (!method) {
        reject(new InvokeError({ code: grpc.status.UNIMPLEMENTED, details: `unknown method ${params.path}` }));
        return;
      }
      let request: object;
      try {
        request = method.definition.requestDeserialize(Buffer.from(params.request));
      } catch (error) {
        reject(new InvokeError({ code: grpc.status.INVALID_ARGUMENT, details: String(error) }));
        return;
      }
      const cancelled: (() => void)[] = [];
      params.signal.addEventListener('abort', () => cancelled.forEach((listener) => listener()), { once: true });
      // What the handlers of buildService read of a call: its request, metadata, deadline and cancellation.
      const call = {
        request,
        metadata: params.metadata,
        getDeadline: () => params.deadlineMs,
        getAuthContext: () => (params.peerCertificate ? { sslPeerCertificate: params.peerCertificate } : {}),
        on(event: string, listener: () => void) {
          if (event === 'cancelled') cancelled.push(listener);
          return call;
        },
      };
      const handler = method.handler as (
        call: unknown,
        callback: (error: Partial<grpc.StatusObject> | null, value?: object) => void,
      ) => void;
      handler(call, (error, value) => {
        if (error) reject(new InvokeError(error));
        else resolve(method.definition.responseSerialize(value ?? {}));
      });
    });
}

/** How long a stopping server waits for calls in flight before it cuts them. */
const GRPC_SHUTDOWN_GRACE_MS = 5000;

/** Waits for calls in flight (long polls were released by the engine), and cuts the rest after a grace period. */
export function shutdownGrpc(server: grpc.Server, clock: Clock): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = clock.setTimer(() => {
      server.forceShutdown();
      resolve();
    }, GRPC_SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      force.cancel();
      resolve();
    });
  });
}
