// Goal: the endpoint registry rejects bad input with the Temporal server's statuses; the seed's CLI
// commands run as written (with `causeway` for `temporal`); the 10 s handler request deadline (here set
// shorter) bounds each attempt; the per-workflow pending-operation limit fails the workflow task.
// Setup: one server with short Nexus settings; the seed's handler; the CLI as a child process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import Long from 'long';
import { startNexusEnv, endpointName, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');

async function grpcCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

describe('Nexus endpoint registry, limits and seed commands', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv({
      dynamicConfig: {
        'component.nexusoperations.request.timeout': '1s',
        'component.nexusoperations.retryPolicy.initialInterval': '100ms',
        'component.nexusoperations.limit.operation.concurrency': 2,
      },
    });
  });
  after(async () => {
    await env?.stop();
  });

  test('bad endpoint requests get the Temporal server statuses', async () => {
    const operator = env.connection.operatorService;
    const worker = { namespace: env.handlerNamespace, taskQueue: 'tq' };
    assert.equal(
      await grpcCode(operator.createNexusEndpoint({ spec: { name: 'bad_name', target: { worker } } })),
      status.INVALID_ARGUMENT,
    );
    assert.equal(
      await grpcCode(operator.createNexusEndpoint({ spec: { name: 'no-target' } })),
      status.INVALID_ARGUMENT,
    );
    assert.equal(
      await grpcCode(
        operator.createNexusEndpoint({
          spec: { name: 'ghost-ns', target: { worker: { namespace: 'does-not-exist', taskQueue: 'tq' } } },
        }),
      ),
      status.FAILED_PRECONDITION,
    );
    assert.equal(
      await grpcCode(
        operator.createNexusEndpoint({ spec: { name: 'bad-url', target: { external: { url: 'ftp://x' } } } }),
      ),
      status.INVALID_ARGUMENT,
    );
    const name = endpointName('dup');
    const created = await operator.createNexusEndpoint({ spec: { name, target: { worker } } });
    assert.equal(
      await grpcCode(operator.createNexusEndpoint({ spec: { name, target: { worker } } })),
      status.ALREADY_EXISTS,
    );
    const id = created.endpoint?.id ?? '';
    assert.equal(
      await grpcCode(
        operator.updateNexusEndpoint({ id, version: Long.fromNumber(7), spec: { name, target: { worker } } }),
      ),
      status.FAILED_PRECONDITION,
    );
    const updated = await operator.updateNexusEndpoint({
      id,
      version: Long.fromNumber(1),
      spec: { name, target: { worker: { ...worker, taskQueue: 'tq2' } } },
    });
    assert.equal(Number(updated.endpoint?.version), 2);
    assert.ok(updated.endpoint?.lastModifiedTime, 'last modified time appears once updated');
    const listed = await operator.listNexusEndpoints({ name });
    assert.equal(listed.endpoints?.length, 1);
    assert.equal(listed.endpoints?.[0]?.spec?.target?.worker?.taskQueue, 'tq2');
    assert.equal(await grpcCode(operator.getNexusEndpoint({ id: randomUUID() })), status.NOT_FOUND);
    assert.equal(await grpcCode(operator.getNexusEndpoint({ id: 'not-a-uuid' })), status.INVALID_ARGUMENT);
    assert.equal(
      await grpcCode(operator.deleteNexusEndpoint({ id, version: Long.fromNumber(1) })),
      status.FAILED_PRECONDITION,
    );
    await operator.deleteNexusEndpoint({ id, version: Long.fromNumber(2) });
    assert.equal(await grpcCode(operator.getNexusEndpoint({ id })), status.NOT_FOUND);
  });

  test("the seed's CLI commands run as written", async () => {
    const environment = { ...process.env, TEMPORAL_ADDRESS: env.server.address };
    const causeway = (...args: string[]) => run(process.execPath, [CLI, ...args], { env: environment });
    const suffix = randomUUID().slice(0, 8);
    await causeway('operator', 'namespace', 'create', '--namespace', `handler-ns-${suffix}`);
    await causeway('operator', 'namespace', 'create', '--namespace', `caller-ns-${suffix}`);
    const name = `my-endpoint-${suffix}`;
    await causeway(
      'operator',
      'nexus',
      'endpoint',
      'create',
      '--name',
      name,
      '--target-namespace',
      `handler-ns-${suffix}`,
      '--target-task-queue',
      'handler-tq',
    );
    assert.match((await causeway('operator', 'nexus', 'endpoint', 'list')).stdout, new RegExp(name));
    assert.match((await causeway('operator', 'nexus', 'endpoint', 'describe', '--name', name)).stdout, /handler-tq/);
    await causeway('operator', 'nexus', 'endpoint', 'update', '--name', name, '--target-task-queue', 'new-handler-tq');
    assert.match(
      (await causeway('operator', 'nexus', 'endpoint', 'describe', '--name', name)).stdout,
      /new-handler-tq/,
    );
    await causeway('operator', 'nexus', 'endpoint', 'delete', '--name', name);
    assert.doesNotMatch((await causeway('operator', 'nexus', 'endpoint', 'list')).stdout, new RegExp(name));
  });

  test('each attempt is bounded by the request deadline, and a slow handler times out the operation', async () => {
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const endpoint = endpointName('slow');
    await env.createEndpoint(endpoint, env.handlerNamespace, handlerTaskQueue);
    const workflowId = `slow-${randomUUID()}`;
    const result = await env.withWorkers(handlerTaskQueue, async (taskQueue) => {
      const handle = await env.caller.workflow.start('probeCaller', {
        taskQueue,
        workflowId,
        args: [endpoint, 'slowSync', 5000, { scheduleToCloseTimeout: '3500ms' }],
      });
      const pending = await eventually(async () => {
        const d = await env.connection.workflowService.describeWorkflowExecution({
          namespace: env.callerNamespace,
          execution: { workflowId },
        });
        const op = d.pendingNexusOperations?.[0];
        return op && (op.attempt ?? 0) >= 2 ? op : undefined;
      });
      assert.ok(pending.lastAttemptFailure, 'the timed-out attempt is recorded');
      return handle.result();
    });
    assert.match(result, /TimeoutFailure\(operation timed out; timeout=SCHEDULE_TO_CLOSE/);
  });

  test('more pending operations than the limit fail the workflow task', async () => {
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const endpoint = endpointName('limit');
    await env.createEndpoint(endpoint, env.handlerNamespace, handlerTaskQueue);
    const workflowId = `limit-${randomUUID()}`;
    await env.withWorkers(handlerTaskQueue, async (taskQueue) => {
      const handle = await env.caller.workflow.start('manyOpsCaller', {
        taskQueue,
        workflowId,
        args: [endpoint, workflowId, 3],
      });
      await eventually(async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        return events.some((e) => e.workflowTaskFailedEventAttributes?.cause === 33);
      });
      await handle.terminate('test done');
    });
  });
});
