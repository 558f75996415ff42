// What the gRPC handlers may call. The API layer decodes, validates, calls a module, encodes; it holds
// no state of its own.
import type { HistoryEngine } from '../engine/history-engine';
import type { NamespaceRegistry } from '../engine/namespace-registry';
import type { MatchingService, TaskQueueKind } from '../matching/matching-service';
import { ErrorCode, ServiceError } from '../common/errors';
import type { MatchTask } from '../engine/tasks';
import type { Store } from '../store/store';
import type { Clock } from '../common/clock';
import type { NamespaceRecord } from '../store/store';
import type { NexusDeps } from './nexus-deps';

export interface ApiConfig {
  /** How long a task-queue poll waits before answering empty (the real server uses 60 s). */
  readonly longPollMs: number;
  readonly serverVersion: string;
  /** This process in the cluster (Nexus task tokens name it: the answer comes back here). */
  readonly memberId: string;
}

export interface ApiDeps {
  readonly engine: HistoryEngine;
  readonly namespaces: NamespaceRegistry;
  readonly matching: MatchingService<MatchTask>;
  readonly store: Store;
  readonly clock: Clock;
  readonly config: ApiConfig;
  readonly nexus: NexusDeps;
  /** Whether this process serves the task queue's matching now (in a cluster, the holder of its shard does). */
  readonly servesTaskQueue: (namespaceId: string, taskQueue: string) => boolean;
}

/**
 * A long poll of this process's matching. In a cluster a queue whose shard is not held here is refused
 * with UNAVAILABLE (the worker polls again, and reaches the holder): a poll parked here would wait out
 * its minute while the queue's tasks go to another process.
 */
export function pollMatching(
  deps: ApiDeps,
  poll: { namespaceId: string; taskQueue: string; kind: TaskQueueKind; identity: string },
  signal: AbortSignal,
): Promise<MatchTask | undefined> {
  const { namespaceId, taskQueue, kind } = poll;
  if (!deps.servesTaskQueue(namespaceId, taskQueue)) {
    return Promise.reject(
      new ServiceError(ErrorCode.Unavailable, `task queue ${taskQueue} is not served by this Causeway process now`),
    );
  }
  deps.matching.queue(namespaceId, taskQueue, kind).recordPoller(poll.identity, deps.clock.nowMs());
  return deps.matching.poll(namespaceId, taskQueue, kind, signal);
}

export function namespaceOf(deps: ApiDeps, request: { namespace?: string | null }): NamespaceRecord {
  return deps.namespaces.getByName(request.namespace ?? '');
}
