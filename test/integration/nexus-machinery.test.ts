// Goal: the Nexus machinery around operations: the circuit breaker opens after consecutive retryable
// failures and closes again after a successful trial; describe shows pending operations (attempts, last
// failure, blocked reason) and callbacks; a pending async operation survives a server SIGKILL.
// Setup: servers with short retry and breaker settings; the seed's handler and caller code.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Long from 'long';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { startNexusEnv, endpointName } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';
import { spawnServer } from '../helpers/server-process';
import { myServiceHandler } from '../fixtures/nexus/handler';
import { freePortBlock } from '../helpers/free-ports';

describe('Nexus machinery', () => {
  test('the circuit breaker opens after consecutive retryable failures and closes after a good trial', async () => {
    const env = await startNexusEnv({
      dynamicConfig: {
        'component.nexusoperations.retryPolicy.initialInterval': '20ms',
        'causeway.nexus.circuitBreaker.failuresToTrip': 2,
        'causeway.nexus.circuitBreaker.openDuration': '1s',
      },
    });
    try {
      const handlerTaskQueue = `handler-${randomUUID()}`;
      const endpoint = endpointName('breaker');
      await env.createEndpoint(endpoint, env.handlerNamespace, handlerTaskQueue);
      const workflowId = `breaker-${randomUUID()}`;
      const result = await env.withWorkers(handlerTaskQueue, async (taskQueue) => {
        const handle = await env.caller.workflow.start('probeCaller', {
          taskQueue,
          workflowId,
          args: [endpoint, 'flakyHandler', { key: randomUUID(), failures: 3 }, {}],
        });
        const blocked = await eventually(async () => {
          const description = await env.connection.workflowService.describeWorkflowExecution({
            namespace: env.callerNamespace,
            execution: { workflowId },
          });
          const op = description.pendingNexusOperations?.[0];
          return op?.blockedReason ? op : undefined;
        });
        assert.equal(blocked.blockedReason, 'The circuit breaker is open.');
        assert.equal(blocked.state, 4, 'PENDING_NEXUS_OPERATION_STATE_BLOCKED');
        assert.ok(blocked.lastAttemptFailure?.message?.includes('failed'), 'last attempt failure is reported');
        assert.ok((blocked.attempt ?? 0) >= 3);
        return handle.result();
      });
      assert.equal(result, 'ok: "ok after 3 failures"');
    } finally {
      await env.stop();
    }
  });

  test('describe shows a started async operation and the handler run shows its completion callback', async () => {
    const env = await startNexusEnv();
    try {
      const handlerTaskQueue = `handler-${randomUUID()}`;
      const endpoint = endpointName('describe');
      await env.createEndpoint(endpoint, env.handlerNamespace, handlerTaskQueue);
      const workflowId = `describe-${randomUUID()}`;
      const handlerWorkflowId = `signalled-${randomUUID()}`;
      await env.withWorkers(handlerTaskQueue, async (taskQueue) => {
        const handle = await env.caller.workflow.start('signalledCaller', {
          taskQueue,
          workflowId,
          args: [endpoint, handlerWorkflowId],
        });
        const op = await eventually(
          async () => {
            const d = await env.connection.workflowService.describeWorkflowExecution({
              namespace: env.callerNamespace,
              execution: { workflowId },
            });
            const pending = d.pendingNexusOperations?.[0];
            return pending?.state === 3 ? pending : undefined;
            // A cluster run that has just split its shards may take a worker's poll backoff to start it.
          },
          { timeoutMs: 30_000 },
        );
        assert.equal(op.endpoint, endpoint);
        assert.equal(op.operation, 'waitForSignal');
        assert.ok(op.operationToken);
        const handlerDescription = await env.connection.workflowService.describeWorkflowExecution({
          namespace: env.handlerNamespace,
          execution: { workflowId: handlerWorkflowId },
        });
        assert.equal(handlerDescription.callbacks?.[0]?.callback?.nexus?.url, 'temporal://system');
        await env.handler.workflow.getHandle(handlerWorkflowId).signal('finish');
        assert.equal(await handle.result(), 'finished after signal');
      });
    } finally {
      await env.stop();
    }
  });

  test('a pending async operation survives a SIGKILL of the server and completes after restart', async () => {
    const dbFilename = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-nexus-')), 'causeway.db');
    const port = await freePortBlock();
    const code = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '..', 'fixtures', 'nexus', 'workflows.js'),
      logger: new DefaultLogger('WARN'),
    });
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const callerTaskQueue = `caller-${randomUUID()}`;
    const workflowId = `survivor-${randomUUID()}`;
    const handlerWorkflowId = `signalled-${randomUUID()}`;
    const endpoint = endpointName('kill');

    const runWorkers = async (
      address: string,
      fn: (client: Client, handler: Client) => Promise<void>,
    ): Promise<void> => {
      const connection = await Connection.connect({ address });
      const native = await NativeConnection.connect({ address });
      const workers = await Promise.all([
        Worker.create({ connection: native, namespace: 'caller-ns', taskQueue: callerTaskQueue, workflowBundle: code }),
        Worker.create({
          connection: native,
          namespace: 'handler-ns',
          taskQueue: handlerTaskQueue,
          workflowBundle: code,
          nexusServices: [myServiceHandler],
        }),
      ]);
      const running = workers.map((w) => w.run());
      try {
        await fn(
          new Client({ connection, namespace: 'caller-ns' }),
          new Client({ connection, namespace: 'handler-ns' }),
        );
      } finally {
        for (const w of workers) w.shutdown();
        await Promise.all(running);
        await native.close();
        await connection.close();
      }
    };

    const first = await spawnServer(port, dbFilename);
    try {
      const connection = await Connection.connect({ address: first.address });
      for (const namespace of ['caller-ns', 'handler-ns'])
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
        });
      await connection.operatorService.createNexusEndpoint({
        spec: { name: endpoint, target: { worker: { namespace: 'handler-ns', taskQueue: handlerTaskQueue } } },
      });
      await connection.close();
      await runWorkers(first.address, async (caller) => {
        await caller.workflow.start('signalledCaller', {
          taskQueue: callerTaskQueue,
          workflowId,
          args: [endpoint, handlerWorkflowId],
        });
        await eventually(async () => {
          const history = await caller.workflow.getHandle(workflowId).fetchHistory();
          return (history.events ?? []).some((e) => e.eventType === 49);
        });
      });
    } finally {
      await first.kill();
    }

    const second = await spawnServer(port, dbFilename);
    try {
      await runWorkers(second.address, async (caller, handler) => {
        await handler.workflow.getHandle(handlerWorkflowId).signal('finish');
        assert.equal(await caller.workflow.getHandle(workflowId).result(), 'finished after signal');
        const events = (await caller.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
        assert.equal(events.filter((e) => e.eventType === 50).length, 1, 'completed exactly once');
        events.forEach((e, i) => assert.equal(Number(e.eventId), i + 1, 'event ids are contiguous'));
      });
    } finally {
      await second.kill();
    }
  });
});
