// Goal: the metrics registry renders counters and histograms in the Prometheus text format (escaped
// labels, cumulative buckets, sum and count), gauges read at render time, and keeps at most its bound of
// series: past it, observations are counted as dropped, not recorded. Task queue and circuit breaker
// state is read at scrape time, also within the bound. Setup: none (a fake clock for the breakers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATENCY_BUCKETS_S, Metrics } from '../../src/common/metrics';
import { FakeClock } from '../helpers/fake-clock';
import { MatchingService } from '../../src/matching/matching-service';
import { CircuitBreakers } from '../../src/nexus/circuit-breaker';
import { registerStateMetrics } from '../../src/api/state-metrics';
import type { NamespaceRecord } from '../../src/store/store';

test('counters, histograms and gauges render in the text exposition format', () => {
  const metrics = new Metrics();
  metrics.count('service_requests', 'Requests.', { operation: 'Start', namespace: 'a"b' });
  metrics.count('service_requests', 'Requests.', { operation: 'Start', namespace: 'a"b' }, 2);
  metrics.observe('service_latency', 'Latency.', { operation: 'Start' }, 0.003);
  metrics.observe('service_latency', 'Latency.', { operation: 'Start' }, 100);
  metrics.gauge('process_resident_memory_bytes', 'RSS.', () => 42);
  const text = metrics.render();
  assert.match(text, /# TYPE service_requests counter\nservice_requests\{operation="Start",namespace="a\\"b"\} 3\n/);
  assert.match(text, /service_latency_bucket\{operation="Start",le="0.0025"\} 0\n/);
  assert.match(text, /service_latency_bucket\{operation="Start",le="0.005"\} 1\n/);
  assert.match(text, /service_latency_bucket\{operation="Start",le="60"\} 1\n/);
  assert.match(text, /service_latency_bucket\{operation="Start",le="\+Inf"\} 2\n/);
  assert.match(text, /service_latency_sum\{operation="Start"\} 100.003\n/);
  assert.match(text, /service_latency_count\{operation="Start"\} 2\n/);
  assert.match(text, /process_resident_memory_bytes 42\n/);
  assert.equal(LATENCY_BUCKETS_S.length, 15);
});

test('series past the bound are dropped and counted', () => {
  const metrics = new Metrics(3);
  for (let i = 0; i < 5; i += 1) metrics.count('service_requests', 'Requests.', { namespace: `ns-${i}` });
  metrics.count('service_requests', 'Requests.', { namespace: 'ns-0' });
  assert.equal(metrics.seriesCount, 3);
  const text = metrics.render();
  assert.match(text, /service_requests\{namespace="ns-0"\} 2\n/);
  assert.doesNotMatch(text, /ns-3/);
  assert.match(text, /causeway_metrics_series_dropped_total 2\n/);
});

test('state read at scrape time: task queue backlog and matches, breakers not plainly closed, bounded', async () => {
  const clock = new FakeClock();
  const metrics = new Metrics(2);
  const matching = new MatchingService<string>();
  const breakers = new CircuitBreakers(clock, { failuresToTrip: 1, openMs: 60_000 });
  registerStateMetrics(
    metrics,
    { findById: (id) => (id === 'ns-id' ? namespaceNamed('payments') : undefined) },
    matching,
    breakers,
  );
  // One task meets a waiting poll (a sync match); one waits in the backlog, and a later poll takes it.
  const waiting = matching.poll('ns-id', 'orders', 'workflow', new AbortController().signal);
  matching.offer('ns-id', 'orders', 'workflow', 'first');
  assert.equal(await waiting, 'first');
  matching.offer('ns-id', 'orders', 'workflow', 'second');
  matching.offer('ns-id', 'orders', 'workflow', 'third');
  assert.equal(await matching.poll('ns-id', 'orders', 'workflow', new AbortController().signal), 'second');
  const queue = '{namespace="payments",taskqueue="orders",task_type="Workflow"}';
  let text = metrics.render();
  assert.match(text, new RegExp(`approximate_backlog_count${escape(queue)} 1\\n`));
  assert.match(text, new RegExp(`poll_success${escape(queue)} 2\\n`));
  assert.match(text, new RegExp(`poll_success_sync${escape(queue)} 1\\n`));
  // A breaker with a failure counted shows 0; once tripped, 2 (open); a trial after the cool-down, 1.
  breakers.recordFailure('ns-id\u0000ep');
  assert.match(metrics.render(), /nexus_circuit_breaker_state\{namespace="payments",endpoint="ep"\} 0\n/);
  breakers.recordFailure('ns-id\u0000ep');
  assert.match(metrics.render(), /nexus_circuit_breaker_state\{namespace="payments",endpoint="ep"\} 2\n/);
  await clock.advance(60_000);
  assert.equal(breakers.tryAcquire('ns-id\u0000ep').allowed, true);
  assert.match(metrics.render(), /nexus_circuit_breaker_state\{namespace="payments",endpoint="ep"\} 1\n/);
  // At most the registry's bound of series per family is shown.
  for (const name of ['a', 'b', 'c']) matching.offer('ns-id', name, 'activity', 'x');
  text = metrics.render();
  assert.equal(text.split('\n').filter((line) => line.startsWith('approximate_backlog_count{')).length, 2);
});

function escape(text: string): string {
  return text.replace(/[{}"]/g, (c) => `\\${c}`);
}

function namespaceNamed(name: string): NamespaceRecord {
  return { id: 'ns-id', name } as NamespaceRecord;
}
