// The persistence metrics, as the Temporal server names them: persistence_requests and
// persistence_latency per store operation, and for failures persistence_errors and
// persistence_error_with_type (by the error's class). A Store wrapped by meteredStore records each call
// of each method; the wrapped functions are made once per method, so a call costs two clock reads and
// two series updates.
import type { Metrics } from '../common/metrics';
import type { Store } from './store';

/** Methods that are not requests to the database. */
const UNMETERED: ReadonlySet<PropertyKey> = new Set(['close', 'constructor', 'then']);

export function meteredStore(store: Store, metrics: Metrics, nowMs: () => number): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || UNMETERED.has(property) || typeof property !== 'string') return value;
      const existing = wrapped.get(property);
      if (existing !== undefined) return existing;
      const method = value as (...args: unknown[]) => unknown;
      const labels = { operation: operationName(property) };
      const finish = (startedMs: number, error?: unknown): void => {
        metrics.count('persistence_requests', 'Requests to the database, per operation.', labels);
        metrics.observe(
          'persistence_latency',
          'Latency of database requests in seconds.',
          labels,
          Math.max(0, nowMs() - startedMs) / 1000,
        );
        if (error === undefined) return;
        metrics.count('persistence_errors', 'Database requests that failed.', labels);
        metrics.count('persistence_error_with_type', 'Database requests that failed, by error type.', {
          ...labels,
          error_type: error instanceof Error ? error.constructor.name : 'unknown',
        });
      };
      const metered = (...args: unknown[]): unknown => {
        const startedMs = nowMs();
        let result: unknown;
        try {
          result = method.apply(target, args);
        } catch (error) {
          finish(startedMs, error);
          throw error;
        }
        if (!(result instanceof Promise)) {
          finish(startedMs);
          return result;
        }
        return result.then(
          (settled: unknown) => {
            finish(startedMs);
            return settled;
          },
          (error: unknown) => {
            finish(startedMs, error);
            throw error;
          },
        );
      };
      wrapped.set(property, metered);
      return metered;
    },
  });
}

/** `commitShard` -> `CommitShard`, as the Temporal server's operation labels read. */
function operationName(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1);
}
