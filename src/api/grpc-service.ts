// Builds grpc-js service definitions from the protobuf descriptors in @temporalio/proto, and wraps
// handlers: decode -> handler -> encode, with cancellation as an AbortSignal and errors mapped in one
// place. A method without a handler answers UNIMPLEMENTED, naming itself.
import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { protoRoot } from '../common/proto';
import { toGrpcError } from './grpc-errors';
import type { Logger } from '../common/logger';

export interface CallContext {
  /** Aborts when the client cancels or its deadline passes. */
  readonly signal: AbortSignal;
  readonly metadata: grpc.Metadata;
}

// Handlers receive decoded messages and return plain objects shaped like the response message.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RpcHandler = (request: any, context: CallContext) => object | Promise<object>;

export function buildService(
  serviceName: string,
  handlers: Readonly<Record<string, RpcHandler>>,
  logger: Logger,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const service = protoRoot.lookupService(serviceName);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType as protobuf.Type;
    const responseType = method.resolvedResponseType as protobuf.Type;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: object) => Buffer.from(requestType.encode(value).finish()),
      requestDeserialize: (bytes: Buffer) => requestType.decode(bytes),
      responseSerialize: (value: object) => Buffer.from(responseType.encode(value).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.decode(bytes),
    };
    const handler = handlers[method.name];
    implementation[method.name] = (
      call: grpc.ServerUnaryCall<object, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      if (!handler) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${method.name} is not implemented by Causeway yet` });
        return;
      }
      const controller = new AbortController();
      call.on('cancelled', () => controller.abort());
      const deadline = call.getDeadline();
      let timer: NodeJS.Timeout | undefined;
      if (deadline instanceof Date || typeof deadline === 'number') {
        const ms = new Date(deadline).getTime() - Date.now();
        if (Number.isFinite(ms)) timer = setTimeout(() => controller.abort(), Math.max(0, ms - 500));
      }
      Promise.resolve()
        .then(() => handler(call.request, { signal: controller.signal, metadata: call.metadata }))
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            const status = toGrpcError(error);
            if (status.code === grpc.status.INTERNAL)
              logger.error(`${method.name} failed`, { error: String(error), stack: (error as Error)?.stack });
            callback(status);
          },
        )
        .finally(() => {
          if (timer) clearTimeout(timer);
        });
    };
  }
  return { definition: definition, implementation };
}
