// Goal: the metrics registry renders counters and histograms in the Prometheus text format (escaped
// labels, cumulative buckets, sum and count), gauges read at render time, and keeps at most its bound of
// series: past it, observations are counted as dropped, not recorded. Setup: none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATENCY_BUCKETS_S, Metrics } from '../../src/common/metrics';

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
