// Goal: --log-format json writes one JSON object per line, and a failed Nexus attempt is logged with the
// fields that find it: caller namespace, workflow id, run id, endpoint, service, operation, attempt.
// Setup: startNexusEnv (caller-ns, handler-ns) at log level info in JSON, its lines captured by the
// server's log sink; a handler operation that fails its first attempt with a retryable error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';

describe('structured logs', () => {
  let env: NexusEnv;
  const lines: string[] = [];
  before(async () => {
    env = await startNexusEnv(
      {
        logLevel: 'info',
        logFormat: 'json',
        dynamicConfig: { 'component.nexusoperations.retryPolicy.initialInterval': '50ms' },
      },
      { logSink: (line) => lines.push(line) },
    );
  });
  after(async () => {
    await env?.stop();
  });

  test('a failed Nexus attempt is a JSON line naming its run, endpoint, service and operation', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const workflowId = `flaky-${randomUUID()}`;
    const result = await env.withWorkers(handlerTaskQueue, async (callerTaskQueue) =>
      env.caller.workflow.execute('probeCaller', {
        taskQueue: callerTaskQueue,
        workflowId,
        args: [endpoint, 'flakyHandler', { key: randomUUID(), failures: 1 }, {}],
      }),
    );
    assert.equal(result, 'ok: "ok after 1 failures"');
    // Every line is one JSON object (in a cluster run, both members write to the sink).
    const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = await eventually(() =>
      records().find((r) => r['msg'] === 'Nexus attempt failed; it will be retried' && r['workflowId'] === workflowId),
    );
    assert.equal(failed['level'], 'warn');
    assert.equal(typeof failed['ts'], 'string');
    assert.equal(failed['namespace'], 'caller-ns');
    assert.match(String(failed['runId']), /^[0-9a-f-]{36}$/);
    assert.equal(failed['endpoint'], endpoint);
    assert.equal(failed['service'], 'my-service');
    assert.equal(failed['operation'], 'flakyHandler');
    assert.equal(failed['method'], 'StartOperation');
    assert.equal(failed['attempt'], 1);
    assert.match(String(failed['error']), /attempt 1 failed/);
  });
});
