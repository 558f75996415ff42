// Builds grpc-js service definitions from the protobuf descriptors in @temporalio/proto, and wraps
// handlers: decode -> handler -> encode, with cancellation as an AbortSignal and errors mapped in one
// place. A method without a handler answers UNIMPLEMENTED, naming itself. The observer counts and times
// each RPC (rpc-metrics.ts) and, with tracing on, makes its span (rpc-tracing.ts).
import * as grpc from '@grpc/grpc-js';
import { namespaceLabel, recordRpc, type RpcObserver } from './rpc-metrics';
import { endRpcSpan, metadataWithTraceContext } from './rpc-tracing';
import type * as protobuf from 'protobufjs';
import { protoRoot } from '../common/proto';
import { boundedMessage, toGrpcError } from './grpc-errors';
import type { Logger } from '../common/logger';
import type { Router } from './forwarding/router';
import { ForwardError, type Forwarder } from './forwarding/forwarder';
import type { AuditTicket, RequestGuard } from './auth/request-guard';

/** Requests that another process must serve go there (the public port of a cluster member). */
export interface Forwarding {
  readonly router: Router;
  readonly forwarder: Forwarder;
}

export interface CallContext {
  /** Aborts when the client cancels or its deadline passes. */
  readonly signal: AbortSignal;
  readonly metadata: grpc.Metadata;
}

// Handlers receive decoded messages and return plain objects shaped like the response message.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RpcHandler = (request: any, context: CallContext) => object | Promise<object>;

/**
 * What a request that is not a valid message of its type decodes to. grpc-js answers a deserializer that
 * throws with a bare INTERNAL "Error deserializing request"; this lets the handler answer INTERNAL with
 * what was wrong, in the words of the Temporal server (grpc-go): `grpc: error unmarshalling request: ...`.
 */
export class UndecodableRequest {
  constructor(readonly reason: string) {}
}

export function undecodableDetails(request: UndecodableRequest, typeName: string): string {
  return `grpc: error unmarshalling request: ${request.reason} (the bytes are not a valid ${typeName})`;
}

/** The bytes each request arrived as, while it is being served (weakly held: gone with the request). */
const receivedBytes = new WeakMap<object, Uint8Array>();

export interface ServiceOptions {
  readonly forwarding?: Forwarding | undefined;
  /** Before a request is served, after the guard: throws to refuse it (an unknown namespace). */
  readonly prepare?: ((request: { namespace?: unknown }, method: string) => Promise<void>) | undefined;
  readonly observer?: RpcObserver | undefined;
  /** Authentication, authorization and the audit log (the public port); none on the internal port. */
  readonly guard?: RequestGuard | undefined;
  /** Where the service is declared, when it is not a Temporal one (Causeway's own services). */
  readonly root?: protobuf.Root | undefined;
  /** After the guard: throws to refuse the request (the rate limit per namespace). */
  readonly admit?: ((method: string, request: { namespace?: unknown }) => void) | undefined;
}

export function buildService(
  serviceName: string,
  handlers: Readonly<Record<string, RpcHandler>>,
  logger: Logger,
  { forwarding, prepare, observer, guard, root, admit }: ServiceOptions = {},
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const service = (root ?? protoRoot).lookupService(serviceName);
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
      requestDeserialize: (bytes: Buffer) => {
        let request: object;
        try {
          request = requestType.decode(bytes);
        } catch (error) {
          return new UndecodableRequest(error instanceof Error ? error.message : String(error));
        }
        // Kept so that a forwarded request is sent on as it came, not encoded again.
        if (forwarding) receivedBytes.set(request, bytes);
        return request;
      },
      // A forwarded answer is passed on as the bytes it came as.
      responseSerialize: (value: object) =>
        value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(responseType.encode(value).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.decode(bytes),
    };
    const handler = handlers[method.name];
    // A forwarded answer is bytes: a span reads the run id a start answered with from them.
    const hasRunId = responseType.fields['runId'] !== undefined;
    implementation[method.name] = (
      call: grpc.ServerUnaryCall<object, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      const startedMs = observer?.nowMs() ?? 0;
      const span = observer?.tracer?.start(serviceName, method.name, call.request, call.metadata);
      const done = (errorCode?: number, response?: object, message?: string): void => {
        if (observer?.metrics)
          recordRpc(observer.metrics, observer, method.name, namespaceLabel(call.request), startedMs, errorCode);
        if (!span) return;
        try {
          const answer = hasRunId && response instanceof Uint8Array ? responseType.decode(response) : response;
          endRpcSpan(span, answer, errorCode, message);
        } catch {
          span.end();
        }
      };
      if (call.request instanceof UndecodableRequest) {
        const details = undecodableDetails(call.request, requestType.fullName.replace(/^\./, ''));
        done(grpc.status.INTERNAL, undefined, details);
        callback({ code: grpc.status.INTERNAL, details });
        return;
      }
      if (!handler) {
        const details = `${method.name} is not implemented by Causeway yet`;
        done(grpc.status.UNIMPLEMENTED, undefined, details);
        callback({ code: grpc.status.UNIMPLEMENTED, details });
        return;
      }
      const controller = new AbortController();
      // A forwarded call ends with the client's cancel only: its own deadline is the callee's to keep.
      const cancelled = new AbortController();
      call.on('cancelled', () => {
        controller.abort();
        cancelled.abort();
      });
      const deadline = call.getDeadline();
      let timer: NodeJS.Timeout | undefined;
      if (deadline instanceof Date || typeof deadline === 'number') {
        const ms = new Date(deadline).getTime() - Date.now();
        if (Number.isFinite(ms)) timer = setTimeout(() => controller.abort(), Math.max(0, ms - 500));
      }
      const path = `/${serviceName}/${method.name}`;
      let ticket: AuditTicket | undefined;
      // The audit log has the outcome of an audited request before its caller does.
      const settle = (code: number | undefined, message?: string): Promise<void> =>
        ticket && guard ? guard.settle(ticket, code, message) : Promise.resolve();
      Promise.resolve()
        .then(async () => {
          if (guard) {
            const principal = await guard.admit(
              serviceName,
              method.name,
              call.request,
              call.metadata,
              call.getAuthContext().sslPeerCertificate,
            );
            ticket = await guard.begin(method.name, call.request, principal);
          }
          admit?.(method.name, call.request);
          await prepare?.(call.request, method.name);
          const target = await forwarding?.router.targetOf(method.name, call.request);
          if (!target || !forwarding) {
            return handler(call.request, { signal: controller.signal, metadata: call.metadata });
          }
          return forwarding.forwarder
            .forward({
              address: target.rpcAddress,
              path,
              request: receivedBytes.get(call.request) ?? requestType.encode(call.request).finish(),
              // The member that serves it makes its span a child of this one.
              metadata: span ? metadataWithTraceContext(call.metadata, span.context()) : call.metadata,
              deadline: deadline ?? Infinity,
              signal: cancelled.signal,
            })
            .catch((error: unknown) => {
              // A member that is gone or no longer owns the shard: read the cluster again for the retry.
              if (error instanceof ForwardError && error.status.code === grpc.status.UNAVAILABLE) {
                void forwarding.router.refresh().catch(() => undefined);
              }
              throw error;
            });
        })
        .then(
          async (response) => {
            await settle(undefined);
            done(undefined, response);
            callback(null, response);
          },
          async (error: unknown) => {
            if (error instanceof ForwardError) {
              const status = { ...error.status, details: boundedMessage(error.status.details ?? '') };
              await settle(status.code, status.details);
              done(status.code, undefined, status.details);
              callback(status);
              return;
            }
            const status = toGrpcError(error);
            await settle(status.code, status.details);
            done(status.code, undefined, status.details);
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
