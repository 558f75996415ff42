// Goal: namespaces behave as on a Temporal server: register, describe by name and id, list with paging,
// update; duplicates are ALREADY_EXISTS and unknown namespaces NOT_FOUND with NamespaceNotFoundFailure;
// GetSystemInfo and GetClusterInfo answer what the SDKs read; a worker in a second namespace runs there.
// Setup: one in-process server started with a second namespace, raw RPCs through connection.workflowService.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Client, NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import Long from 'long';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

const SECOND_NAMESPACE = 'second-namespace';

interface GrpcFailure {
  code: number;
  details: string;
  metadata: { get(key: string): unknown[] };
}

async function grpcFailure(promise: Promise<unknown>): Promise<GrpcFailure> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.equal(typeof (error as GrpcFailure).code, 'number', `not a gRPC error: ${String(error)}`);
  return error as GrpcFailure;
}

function detailTypes(error: GrpcFailure): string[] {
  const [bytes] = error.metadata.get('grpc-status-details-bin');
  if (!(bytes instanceof Buffer)) return [];
  return google.rpc.Status.decode(bytes).details.map((d) => d.type_url ?? '');
}

function days(count: number): { seconds: Long } {
  return { seconds: Long.fromNumber(count * 86_400) };
}

describe('namespaces', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ namespaces: [SECOND_NAMESPACE] });
  });
  after(async () => {
    await env?.stop();
  });

  test('register, describe by name and by id, update', async () => {
    const service = env.connection.workflowService;
    const name = uniqueId('ns');
    await service.registerNamespace({
      namespace: name,
      description: 'first description',
      ownerEmail: 'owner@example.com',
      workflowExecutionRetentionPeriod: days(3),
      data: { team: 'a' },
    });
    const byName = await service.describeNamespace({ namespace: name });
    assert.equal(byName.namespaceInfo?.name, name);
    assert.equal(byName.namespaceInfo?.state, temporal.api.enums.v1.NamespaceState.NAMESPACE_STATE_REGISTERED);
    assert.equal(byName.namespaceInfo?.description, 'first description');
    assert.equal(byName.namespaceInfo?.ownerEmail, 'owner@example.com');
    assert.deepEqual(byName.namespaceInfo?.data, { team: 'a' });
    assert.equal(Number(byName.config?.workflowExecutionRetentionTtl?.seconds), 3 * 86_400);
    const id = byName.namespaceInfo?.id ?? '';
    assert.ok(id);
    const byId = await service.describeNamespace({ id });
    assert.equal(byId.namespaceInfo?.name, name);

    const updated = await service.updateNamespace({
      namespace: name,
      updateInfo: { description: 'second description', data: { tier: 'gold' } },
      config: { workflowExecutionRetentionTtl: days(5) },
    });
    assert.equal(updated.namespaceInfo?.description, 'second description');
    const described = await service.describeNamespace({ namespace: name });
    assert.equal(described.namespaceInfo?.description, 'second description');
    assert.deepEqual(described.namespaceInfo?.data, { team: 'a', tier: 'gold' });
    assert.equal(Number(described.config?.workflowExecutionRetentionTtl?.seconds), 5 * 86_400);
    assert.equal(described.namespaceInfo?.id, id);
  });

  test('ListNamespaces pages through every namespace', async () => {
    const service = env.connection.workflowService;
    const registered = [uniqueId('ns'), uniqueId('ns'), uniqueId('ns')];
    for (const namespace of registered) {
      await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: days(1) });
    }
    const seen: string[] = [];
    let nextPageToken: Uint8Array | undefined;
    let pages = 0;
    do {
      const page = await service.listNamespaces({ pageSize: 2, nextPageToken });
      assert.ok(page.namespaces.length <= 2);
      seen.push(...page.namespaces.map((n) => n.namespaceInfo?.name ?? ''));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      pages += 1;
      assert.ok(pages < 50, 'paging does not end');
    } while (nextPageToken);
    assert.ok(pages >= 3);
    assert.equal(new Set(seen).size, seen.length, 'a namespace appeared on two pages');
    for (const namespace of ['default', SECOND_NAMESPACE, ...registered])
      assert.ok(seen.includes(namespace), namespace);
  });

  test('a retention under an hour, or none, is refused on register and on update, as by the Temporal server', async () => {
    const service = env.connection.workflowService;
    const refused = /^A valid retention period is not set on request\.$/;
    for (const retention of [undefined, { seconds: Long.fromNumber(0) }, { seconds: Long.fromNumber(30 * 60) }]) {
      const error = await grpcFailure(
        service.registerNamespace({ namespace: uniqueId('ns'), workflowExecutionRetentionPeriod: retention }),
      );
      assert.equal(error.code, GrpcStatus.INVALID_ARGUMENT, JSON.stringify(retention));
      assert.match(error.details, refused);
    }
    const name = uniqueId('ns');
    await service.registerNamespace({
      namespace: name,
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(3600) },
    });
    const update = await grpcFailure(
      service.updateNamespace({
        namespace: name,
        config: { workflowExecutionRetentionTtl: { seconds: Long.fromNumber(0) } },
      }),
    );
    assert.equal(update.code, GrpcStatus.INVALID_ARGUMENT);
    assert.match(update.details, refused);
    const described = await service.describeNamespace({ namespace: name });
    assert.equal(
      Number(described.config?.workflowExecutionRetentionTtl?.seconds),
      3600,
      'the refused update changed nothing',
    );
  });

  test('registering an existing namespace is ALREADY_EXISTS', async () => {
    const error = await grpcFailure(
      env.connection.workflowService.registerNamespace({
        namespace: 'default',
        workflowExecutionRetentionPeriod: days(1),
      }),
    );
    assert.equal(error.code, GrpcStatus.ALREADY_EXISTS);
    assert.match(error.details, /Namespace already exists/);
    assert.deepEqual(detailTypes(error), [
      'type.googleapis.com/temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure',
    ]);
  });

  test('an unknown namespace is NOT_FOUND with NamespaceNotFoundFailure', async () => {
    const service = env.connection.workflowService;
    const byName = await grpcFailure(service.describeNamespace({ namespace: 'nope' }));
    assert.equal(byName.code, GrpcStatus.NOT_FOUND);
    assert.match(byName.details, /Namespace nope is not found/);
    assert.deepEqual(detailTypes(byName), [
      'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure',
    ]);
    const byId = await grpcFailure(service.describeNamespace({ id: '00000000-0000-0000-0000-000000000000' }));
    assert.equal(byId.code, GrpcStatus.NOT_FOUND);
    const update = await grpcFailure(service.updateNamespace({ namespace: 'nope', updateInfo: { description: 'x' } }));
    assert.equal(update.code, GrpcStatus.NOT_FOUND);
    const list = await grpcFailure(service.listWorkflowExecutions({ namespace: 'nope' }));
    assert.equal(list.code, GrpcStatus.NOT_FOUND);
    assert.deepEqual(detailTypes(list), ['type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure']);

    const client = new Client({ connection: env.connection, namespace: 'nope' });
    const start = await client.workflow
      .start('greeting', { taskQueue: 'tq', workflowId: uniqueId(), args: ['x'] })
      .catch((e: unknown) => e);
    assert.ok(start instanceof NamespaceNotFoundError, String(start));
    assert.equal(start.namespace, 'nope');
    const signal = await client.workflow
      .getHandle('any')
      .signal('add', 1)
      .catch((e: unknown) => e);
    assert.ok(signal instanceof NamespaceNotFoundError, String(signal));
  });

  test('GetSystemInfo advertises the capabilities the SDKs read; GetClusterInfo names the cluster', async () => {
    const service = env.connection.workflowService;
    const info = await service.getSystemInfo({});
    assert.ok(info.serverVersion);
    const capabilities = info.capabilities;
    assert.equal(capabilities?.sdkMetadata, true);
    assert.equal(capabilities?.signalAndQueryHeader, true);
    assert.equal(capabilities?.internalErrorDifferentiation, true);
    assert.equal(capabilities?.activityFailureIncludeHeartbeat, true);
    assert.equal(capabilities?.encodedFailureAttributes, true);
    assert.equal(capabilities?.upsertMemo, true);
    assert.equal(capabilities?.countGroupByExecutionStatus, true);
    assert.equal(capabilities?.eagerWorkflowStart, true);
    // True as in the Temporal server: SDK workers then stamp their build id, which histories record (docs/compatibility.md).
    assert.equal(capabilities?.buildIdBasedVersioning, true);

    const cluster = await service.getClusterInfo({});
    assert.ok(cluster.clusterName);
    assert.ok(cluster.clusterId);
    assert.equal(cluster.serverVersion, info.serverVersion);
    assert.ok(Number(cluster.historyShardCount) >= 1);
    const described = await service.describeNamespace({ namespace: 'default' });
    assert.equal(described.replicationConfig?.activeClusterName, cluster.clusterName);
  });

  test('an unknown namespace is reported before anything else wrong with the request', async () => {
    const client = new Client({ connection: env.connection, namespace: 'non-existent' });
    // The TypeScript SDK's own test-client-errors cases: start and list in a namespace that is not there.
    await assert.rejects(client.workflow.start('test', { workflowId: 'test', taskQueue: 'test' }), {
      name: 'NamespaceNotFoundError',
      message: "Namespace not found: 'non-existent'",
    });
    await assert.rejects(client.workflow.list()[Symbol.asyncIterator]().next(), NamespaceNotFoundError);
    // No workflow id, no task queue, an id past every limit: the namespace still comes first.
    const service = env.connection.workflowService;
    const unknown = 'non-existent';
    for (const call of [
      service.startWorkflowExecution({ namespace: unknown, workflowId: '', requestId: 'r' }),
      service.signalWorkflowExecution({ namespace: unknown, workflowExecution: { workflowId: 'x'.repeat(3000) } }),
      service.pollWorkflowTaskQueue({ namespace: unknown, taskQueue: { name: '' } }),
      service.countWorkflowExecutions({ namespace: unknown, query: 'not a query (' }),
      service.describeTaskQueue({ namespace: unknown, taskQueue: { name: '' } }),
    ]) {
      const failure = await grpcFailure(call);
      assert.equal(failure.code, GrpcStatus.NOT_FOUND);
      assert.equal(failure.details, 'Namespace non-existent is not found.');
      assert.ok(detailTypes(failure).some((type) => type.endsWith('NamespaceNotFoundFailure')));
    }
    const unnamed = await grpcFailure(service.startWorkflowExecution({ namespace: '', workflowId: 'w' }));
    assert.equal(unnamed.code, GrpcStatus.INVALID_ARGUMENT);
    assert.equal(unnamed.details, 'Namespace not set on request.');
  });

  test('a worker in a second namespace runs a workflow there', async () => {
    const client = new Client({ connection: env.connection, namespace: SECOND_NAMESPACE });
    const workflowId = uniqueId();
    const result = await env.withWorker(
      (taskQueue) => client.workflow.execute('greeting', { taskQueue, workflowId, args: ['second'] }),
      { namespace: SECOND_NAMESPACE },
    );
    assert.equal(result, 'Hello, second!');
    const description = await client.workflow.getHandle(workflowId).describe();
    assert.equal(description.status.name, 'COMPLETED');
    const elsewhere = await env.client.workflow
      .getHandle(workflowId)
      .describe()
      .catch((e: unknown) => e);
    assert.ok(elsewhere instanceof WorkflowNotFoundError, String(elsewhere));
  });
});
