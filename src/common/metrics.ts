// Prometheus metrics: counters and histograms by name and labels, rendered in the text exposition format
// (version 0.0.4) that the /metrics endpoint serves. Names and labels follow the Temporal server's where it
// has them (service_requests, service_latency, nexus_requests ...). Label values can come from requests
// (a namespace name), so the number of series is bounded: a series past SERIES_MAX is not recorded, and
// causeway_metrics_series_dropped_total counts how often that happened.

/** The most series (label combinations over all metrics) kept. */
export const SERIES_MAX = 10_000;

/** Histogram buckets of latencies, in seconds (the Temporal server's Prometheus reporter's unit). */
export const LATENCY_BUCKETS_S: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

export type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly type: 'counter' | 'histogram' | 'gauge';
  readonly help: string;
}

interface Series {
  readonly name: string;
  readonly labels: Labels;
  value: number;
  /** Histograms: counts per bucket (cumulative when rendered) and the sum. */
  readonly buckets?: number[];
  sum?: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  return Number.isInteger(value) ? String(value) : value.toPrecision(12).replace(/\.?0+$/, '');
}

export interface CollectedSample {
  readonly labels: Labels;
  readonly value: number;
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly series = new Map<string, Series>();
  private readonly gauges = new Map<string, () => number>();
  private readonly collectors = new Map<string, () => Iterable<CollectedSample>>();
  private dropped = 0;

  constructor(private readonly seriesMax = SERIES_MAX) {}

  /** Adds `by` to a counter. */
  count(name: string, help: string, labels: Labels, by = 1): void {
    const series = this.seriesOf(name, 'counter', help, labels);
    if (series) series.value += by;
  }

  /** Records one observation (seconds) in a histogram with the latency buckets. */
  observe(name: string, help: string, labels: Labels, seconds: number): void {
    const series = this.seriesOf(name, 'histogram', help, labels);
    if (!series?.buckets) return;
    series.value += 1;
    series.sum = (series.sum ?? 0) + seconds;
    const index = LATENCY_BUCKETS_S.findIndex((bound) => seconds <= bound);
    if (index >= 0) series.buckets[index] = (series.buckets[index] ?? 0) + 1;
  }

  /** A gauge read when the metrics are rendered (process figures, sizes). */
  gauge(name: string, help: string, read: () => number): void {
    this.families.set(name, { type: 'gauge', help });
    this.gauges.set(name, read);
  }

  /**
   * Series read when the metrics are rendered, from state kept elsewhere (task queues, breakers): at
   * most seriesMax of them per family are shown.
   */
  collect(name: string, type: 'gauge' | 'counter', help: string, read: () => Iterable<CollectedSample>): void {
    this.families.set(name, { type, help });
    this.collectors.set(name, read);
  }

  /** How many series exist (bounded by seriesMax). */
  get seriesCount(): number {
    return this.series.size;
  }

  private seriesOf(name: string, type: Family['type'], help: string, labels: Labels): Series | undefined {
    const key = `${name}${labelText(labels)}`;
    const existing = this.series.get(key);
    if (existing) return existing;
    if (this.series.size >= this.seriesMax) {
      this.dropped += 1;
      return undefined;
    }
    if (!this.families.has(name)) this.families.set(name, { type, help });
    const created: Series = {
      name,
      labels: { ...labels },
      value: 0,
      ...(type === 'histogram' ? { buckets: LATENCY_BUCKETS_S.map(() => 0), sum: 0 } : {}),
    };
    this.series.set(key, created);
    return created;
  }

  /** The text exposition of every metric. */
  render(): string {
    const lines: string[] = [];
    const byName = new Map<string, Series[]>();
    for (const series of this.series.values()) {
      const list = byName.get(series.name) ?? [];
      list.push(series);
      byName.set(series.name, list);
    }
    for (const [name, family] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      const read = this.gauges.get(name);
      if (read) {
        lines.push(`${name} ${formatNumber(read())}`);
        continue;
      }
      const collect = this.collectors.get(name);
      if (collect) {
        let shown = 0;
        for (const sample of collect()) {
          if (shown >= this.seriesMax) break;
          lines.push(`${name}${labelText(sample.labels)} ${formatNumber(sample.value)}`);
          shown += 1;
        }
        continue;
      }
      for (const series of byName.get(name) ?? []) {
        if (!series.buckets) {
          lines.push(`${name}${labelText(series.labels)} ${formatNumber(series.value)}`);
          continue;
        }
        let cumulative = 0;
        LATENCY_BUCKETS_S.forEach((bound, i) => {
          cumulative += series.buckets?.[i] ?? 0;
          lines.push(`${name}_bucket${labelText(series.labels, ['le', formatNumber(bound)])} ${cumulative}`);
        });
        lines.push(`${name}_bucket${labelText(series.labels, ['le', '+Inf'])} ${series.value}`);
        lines.push(`${name}_sum${labelText(series.labels)} ${formatNumber(series.sum ?? 0)}`);
        lines.push(`${name}_count${labelText(series.labels)} ${series.value}`);
      }
    }
    lines.push(
      '# HELP causeway_metrics_series_dropped_total Observations not recorded because the series limit was reached.',
      '# TYPE causeway_metrics_series_dropped_total counter',
      `causeway_metrics_series_dropped_total ${this.dropped}`,
    );
    return `${lines.join('\n')}\n`;
  }
}

/** The process figures Prometheus clients usually export. */
export function registerProcessMetrics(metrics: Metrics, startTimeMs: number): void {
  metrics.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage().rss);
  metrics.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', () => process.memoryUsage().heapUsed);
  metrics.gauge('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.', () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  });
  metrics.gauge('process_start_time_seconds', 'Start time of the process since the epoch, in seconds.', () =>
    Math.floor(startTimeMs / 1000),
  );
}
