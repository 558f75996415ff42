// What the gRPC handlers may call. The API layer decodes, validates, calls a module, encodes; it holds
// no state of its own.
import type { HistoryEngine } from '../engine/history-engine';
import type { NamespaceRegistry } from '../engine/namespace-registry';
import type { MatchingService } from '../matching/matching-service';
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
}

export function namespaceOf(deps: ApiDeps, request: { namespace?: string | null }): NamespaceRecord {
  return deps.namespaces.getByName(request.namespace ?? '');
}
