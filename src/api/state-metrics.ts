// Metrics read from live state when /metrics is scraped: the backlog of each task queue and how its
// tasks met their polls (approximate_backlog_count, poll_success and poll_success_sync, as the Temporal
// server names them, with its taskqueue and task_type labels), and the Nexus circuit breakers that are
// not plainly closed (nexus_circuit_breaker_state: 0 closed with failures counted, 1 half-open, 2 open).
import type { CollectedSample, Metrics } from '../common/metrics';
import type { NamespaceRegistry } from '../engine/namespace-registry';
import type { MatchingService } from '../matching/matching-service';
import type { BreakerMode, CircuitBreakers } from '../nexus/circuit-breaker';

const TASK_TYPES: Readonly<Record<string, string>> = { workflow: 'Workflow', activity: 'Activity', nexus: 'Nexus' };
const BREAKER_VALUES: Readonly<Record<BreakerMode, number>> = { closed: 0, 'half-open': 1, open: 2 };

export function registerStateMetrics(
  metrics: Metrics,
  namespaces: Pick<NamespaceRegistry, 'findById'>,
  matching: MatchingService<unknown>,
  breakers: CircuitBreakers,
): void {
  const namespaceName = (id: string): string => namespaces.findById(id)?.name ?? id;
  function* queueSamples(
    read: (queue: { backlogCount: number; matchedCount: number; syncMatchedCount: number }) => number,
  ) {
    for (const { namespaceId, name, kind, queue } of matching.stats()) {
      const labels = { namespace: namespaceName(namespaceId), taskqueue: name, task_type: TASK_TYPES[kind] ?? kind };
      yield { labels, value: read(queue) } satisfies CollectedSample;
    }
  }
  metrics.collect('approximate_backlog_count', 'gauge', 'Tasks waiting in a task queue for a poll.', () =>
    queueSamples((queue) => queue.backlogCount),
  );
  metrics.collect('poll_success', 'counter', 'Tasks a task queue handed to polls.', () =>
    queueSamples((queue) => queue.matchedCount),
  );
  metrics.collect(
    'poll_success_sync',
    'counter',
    'Tasks a task queue handed to a poll that was already waiting (no backlog).',
    () => queueSamples((queue) => queue.syncMatchedCount),
  );
  metrics.collect(
    'nexus_circuit_breaker_state',
    'gauge',
    'Nexus circuit breakers per caller namespace and endpoint: 0 closed (failures counted), 1 half-open, 2 open.',
    function* () {
      for (const { key, state } of breakers.states()) {
        const [namespaceId = '', endpoint = ''] = key.split('\u0000');
        yield { labels: { namespace: namespaceName(namespaceId), endpoint }, value: BREAKER_VALUES[state] };
      }
    },
  );
}
