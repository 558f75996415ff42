// The metrics of each RPC the frontend answers, as the Temporal server names them: service_requests and
// service_latency per operation (the method) and namespace, and for failures service_errors and
// service_error_with_type (error_type "serviceerror_<gRPC status>").
import { pascalFromUpperSnake } from '../common/names';
import * as grpc from '@grpc/grpc-js';
import type { Metrics } from '../common/metrics';
import type { RpcTracer } from './rpc-tracing';

/** What watches the RPCs of a port: metrics (the public port) and, when tracing is on, a span per RPC. */
export interface RpcObserver {
  readonly metrics?: Metrics | undefined;
  /** Milliseconds of the clock the latency is measured on. */
  readonly nowMs: () => number;
  readonly tracer?: RpcTracer | undefined;
}

/** The namespace label of a request: its namespace field, or `_unknown_` as the Temporal server writes it. */
export function namespaceLabel(request: unknown): string {
  const namespace = (request as { namespace?: unknown } | null)?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : '_unknown_';
}

export function recordRpc(
  metrics: Metrics,
  observer: RpcObserver,
  operation: string,
  namespace: string,
  startedMs: number,
  errorCode: number | undefined,
): void {
  const labels = { operation, namespace };
  metrics.count('service_requests', 'Requests to the frontend, per operation and namespace.', labels);
  metrics.observe(
    'service_latency',
    'Latency of frontend requests in seconds.',
    labels,
    Math.max(0, observer.nowMs() - startedMs) / 1000,
  );
  if (errorCode === undefined) return;
  metrics.count('service_errors', 'Frontend requests that failed.', labels);
  const name = grpc.status[errorCode];
  metrics.count('service_error_with_type', 'Frontend requests that failed, by error type.', {
    ...labels,
    error_type: `serviceerror_${typeof name === 'string' ? pascalFromUpperSnake(name) : String(errorCode)}`,
  });
}
