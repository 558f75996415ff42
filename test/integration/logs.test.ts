// Goal: --log-format json writes one JSON object per line, and a failed Nexus attempt is logged with the
// fields that find it: caller namespace, workflow id, run id, endpoint, service, operation, attempt.
// Setup: startNexusEnv (caller-ns, handler-ns) at log level info in JSON, its lines captured by the
// server's log sink; a handler operation that fails its first attempt with a retryable error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';

const HISTORY_COUNT_WARN = 8;
const BLOB_SIZE_WARN = 1000;

describe('structured logs', () => {
  let env: NexusEnv;
  const lines: string[] = [];
  before(async () => {
    env = await startNexusEnv(
      {
        logLevel: 'info',
        logFormat: 'json',
        dynamicConfig: {
          'component.nexusoperations.retryPolicy.initialInterval': '50ms',
          'limit.historyCount.warn': HISTORY_COUNT_WARN,
          'limit.blobSize.warn': BLOB_SIZE_WARN,
        },
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

  test('a run whose history crosses limit.historyCount.warn is logged once, at warn', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const workflowId = `warned-${randomUUID()}`;
    await env.withWorkers(handlerTaskQueue, (callerTaskQueue) =>
      env.caller.workflow.execute('echoCaller', { taskQueue: callerTaskQueue, workflowId, args: [endpoint, 'hi'] }),
    );
    const warned = () =>
      lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((r) => r['msg'] === 'history count exceeds warn limit.' && r['workflowId'] === workflowId);
    const [first] = await eventually(() => (warned().length > 0 ? warned() : undefined));
    assert.equal(warned().length, 1);
    assert.equal(first?.['level'], 'warn');
    assert.equal(first?.['limit'], HISTORY_COUNT_WARN);
    assert.ok(Number(first?.['historyCount']) > HISTORY_COUNT_WARN);
  });

  test('a start whose input is past limit.blobSize.warn is logged at warn, and still started', async () => {
    const workflowId = `large-${randomUUID()}`;
    const handle = await env.caller.workflow.start('echoCaller', {
      taskQueue: `nobody-${randomUUID()}`,
      workflowId,
      args: ['no-endpoint', 'x'.repeat(BLOB_SIZE_WARN)],
    });
    const warned = await eventually(() =>
      lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((r) => r['msg'] === 'Blob data size exceeds the warning limit.' && r['workflowId'] === workflowId),
    );
    assert.equal(warned['level'], 'warn');
    assert.equal(warned['namespace'], 'caller-ns');
    assert.equal(warned['operation'], 'StartWorkflowExecution');
    assert.ok(Number(warned['blobSize']) > BLOB_SIZE_WARN);
    await handle.terminate('done');
  });
});
