// Goal: the Prometheus endpoint on --metrics-port. After a Nexus call from a caller workflow it shows
// the call's nexus_requests and nexus_latency series, labelled with the caller namespace, endpoint,
// service, operation, method and outcome. It shows the frontend's service_requests and service_latency
// per operation and namespace, a failed request under service_errors and service_error_with_type, and
// persistence_requests and persistence_latency per store operation, the task queues' backlog and
// poll_success counts, and a workflow-backed operation's callback_outbound_requests and latency.
// It also shows process figures, and answers 404 off /metrics; the Grafana dashboard's queries name only
// metrics it serves.
// Setup: startNexusEnv (caller-ns, handler-ns), an endpoint, caller and handler workers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';

describe('Prometheus metrics', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv();
  });
  after(async () => {
    await env?.stop();
  });

  const scrapeOne = async (port: number, path = '/metrics'): Promise<{ status: number; text: string }> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, text: await response.text() };
  };

  /** One series' value, by its exact name and labels, summed over the members (a cluster run has two). */
  function valueOf(texts: readonly string[], series: string): number | undefined {
    let sum: number | undefined;
    for (const text of texts) {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (line !== undefined) sum = (sum ?? 0) + Number(line.slice(series.length + 1));
    }
    return sum;
  }

  test('a Nexus call and the requests that carried it are counted and timed', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const result = await env.withWorkers(handlerTaskQueue, async (callerTaskQueue) =>
      env.caller.workflow.execute('echoCaller', {
        taskQueue: callerTaskQueue,
        workflowId: `echo-${randomUUID()}`,
        args: [endpoint, 'counted'],
      }),
    );
    assert.equal(result, 'counted');
    // A workflow-backed operation: its handler run's completion callback is delivered to the caller.
    await env.withWorkers(handlerTaskQueue, async (callerTaskQueue) =>
      env.caller.workflow.execute('callerWorkflow', {
        taskQueue: callerTaskQueue,
        workflowId: `order-${randomUUID()}`,
        args: [endpoint, `order-${randomUUID()}`, ['a']],
      }),
    );
    await assert.rejects(env.connection.workflowService.describeNamespace({ namespace: 'no-such-ns' }));

    const scraped = await Promise.all(env.server.metricsPorts.map((port) => scrapeOne(port)));
    for (const { status } of scraped) assert.equal(status, 200);
    const texts = scraped.map((s) => s.text);
    const text = texts.join('\n');
    const nexus = `{namespace="caller-ns",endpoint="${endpoint}",service="my-service",operation="echo",method="StartOperation",outcome="successful"}`;
    assert.equal(valueOf(texts, `nexus_requests${nexus}`), 1, text);
    assert.equal(valueOf(texts, `nexus_latency_count${nexus}`), 1);
    assert.ok((valueOf(texts, `nexus_latency_sum${nexus}`) ?? -1) >= 0);
    const start = '{operation="StartWorkflowExecution",namespace="caller-ns"}';
    assert.ok((valueOf(texts, `service_requests${start}`) ?? 0) >= 1);
    assert.ok(
      (valueOf(texts, `service_latency_bucket{operation="StartWorkflowExecution",namespace="caller-ns",le="+Inf"}`) ??
        0) >= 1,
    );
    assert.ok((valueOf(texts, 'service_requests{operation="PollNexusTaskQueue",namespace="handler-ns"}') ?? 0) >= 1);
    // A request another member serves is counted by both (as the hop it took).
    const failed = '{operation="DescribeNamespace",namespace="no-such-ns"}';
    assert.ok((valueOf(texts, `service_errors${failed}`) ?? 0) >= 1);
    const notFound =
      'service_error_with_type{operation="DescribeNamespace",namespace="no-such-ns",error_type="serviceerror_NotFound"}';
    assert.ok((valueOf(texts, notFound) ?? 0) >= 1);
    // Every store call is counted and timed: each transaction's commit, each history read.
    assert.ok((valueOf(texts, 'persistence_requests{operation="CommitShard"}') ?? 0) >= 1);
    assert.ok((valueOf(texts, 'persistence_latency_count{operation="CommitShard"}') ?? 0) >= 1);
    assert.ok((valueOf(texts, 'persistence_requests{operation="ReadHistory"}') ?? 0) >= 1);
    const callback = '{namespace="handler-ns",destination="temporal://system",outcome="success"}';
    assert.ok((valueOf(texts, `callback_outbound_requests${callback}`) ?? 0) >= 1, text);
    assert.ok((valueOf(texts, `callback_outbound_latency_count${callback}`) ?? 0) >= 1);
    // The handler's task queue handed its Nexus task to a poll.
    const nexusQueue = `{namespace="handler-ns",taskqueue="${handlerTaskQueue}",task_type="Nexus"}`;
    assert.ok((valueOf(texts, `poll_success${nexusQueue}`) ?? 0) >= 1, text);
    assert.ok(valueOf(texts, `approximate_backlog_count${nexusQueue}`) !== undefined);
    assert.ok((valueOf(texts, 'process_resident_memory_bytes') ?? 0) > 0);
    assert.equal(valueOf(texts, 'causeway_metrics_series_dropped_total'), 0);
    assert.equal((await scrapeOne(env.server.metricsPort, '/other')).status, 404);
    // The dashboard of docs/grafana graphs only metrics that exist.
    const dashboard = JSON.parse(
      await readFile(path.join(__dirname, '..', '..', '..', 'docs', 'grafana', 'causeway-dashboard.json'), 'utf8'),
    ) as { panels: { targets: { expr: string }[] }[] };
    const names = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => t.expr.match(/\b(service|nexus|persistence)_[a-z_]+/g) ?? []),
    );
    assert.ok(names.length >= 4);
    for (const name of names) assert.match(text, new RegExp(`# TYPE ${name.replace(/_bucket$/, '')} `), name);
  });
});
