// The gRPC frontend: WorkflowService, OperatorService and grpc.health.v1.Health on one port. A cluster
// member runs it twice: on the public port with forwarding (requests of shards another member owns go
// there) and on the internal port without (what other members forward, served here).
import * as grpc from '@grpc/grpc-js';
import type { ApiDeps } from './api-deps';
import { buildService, type Forwarding } from './grpc-service';
import { workflowServiceHandlers } from './workflow-service';
import { operatorServiceHandlers } from './operator-service';
import type { Logger } from '../common/logger';
import type { Clock } from '../common/clock';
import { installOneShotDecompression } from './grpc-decompression';

const MESSAGE_SIZE_MAX_BYTES = 128 * 1024 * 1024;

export async function startGrpcServer(
  deps: ApiDeps,
  address: string,
  logger: Logger,
  serving: {
    readonly isServing: () => boolean;
    readonly forwarding?: Forwarding | undefined;
    /** Before a request is served (the internal port: read a namespace another member just registered). */
    readonly prepare?: ((request: { namespace?: unknown }) => Promise<void>) | undefined;
    /** TLS (the public port with --tls-cert-file); plaintext by default. */
    readonly credentials?: grpc.ServerCredentials;
    /** More services on this port (the internal port's peer calls). */
    readonly services?: readonly {
      definition: grpc.ServiceDefinition;
      implementation: grpc.UntypedServiceImplementation;
    }[];
  },
): Promise<{ server: grpc.Server; port: number }> {
  if (!installOneShotDecompression()) logger.warn('grpc-js changed: compressed requests are inflated the slow way');
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MESSAGE_SIZE_MAX_BYTES,
    'grpc.max_send_message_length': MESSAGE_SIZE_MAX_BYTES,
  });
  for (const [name, handlers] of [
    ['temporal.api.workflowservice.v1.WorkflowService', workflowServiceHandlers(deps)],
    ['temporal.api.operatorservice.v1.OperatorService', operatorServiceHandlers(deps)],
    // SERVING (1) while this process owns a shard or can forward to the one that does; else NOT_SERVING (2).
    ['grpc.health.v1.Health', { Check: () => ({ status: serving.isServing() ? 1 : 2 }) }],
  ] as const) {
    const { definition, implementation } = buildService(name, handlers, logger, serving.forwarding, serving.prepare);
    server.addService(definition, implementation);
  }
  for (const { definition, implementation } of serving.services ?? []) server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, serving.credentials ?? grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
  return { server, port };
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
