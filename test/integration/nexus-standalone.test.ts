// Goal: standalone Nexus operations (started by a client, not a workflow) with the official TypeScript
// SDK's client.nexus against Causeway: a sync and an async operation return their results; describe
// shows the operation's state; a duplicate operation id is NexusOperationAlreadyStartedError and
// USE_EXISTING joins the running one; list and count find operations by endpoint, service and status
// (GROUP BY ExecutionStatus) and workflows are not among them; a cancel reaches the handler's workflow
// and ends the operation CANCELED; a terminate closes it at once; a handler failure fails it; bad input
// gets the Temporal server's errors (also a cancel of a finished operation); the operations' runs never appear among the namespace's workflows.
// Setup: startNexusEnv (caller-ns, handler-ns), an endpoint per test, the handler worker polling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  NexusOperationAlreadyStartedError,
  NexusOperationFailureError,
  NexusOperationNotFoundError,
} from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';
import { myService } from '../fixtures/nexus/api';

describe('standalone Nexus operations with the TypeScript SDK', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv();
  });
  after(async () => {
    await env?.stop();
  });

  const serviceClient = (endpoint: string) => env.caller.nexus.createServiceClient({ endpoint, service: myService });

  test('sync and async operations return their results; describe shows them closed', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const orderId = `order-${randomUUID()}`;
    const results = await env.withWorkers(handlerTaskQueue, async () => {
      const client = serviceClient(endpoint);
      const echo = await client.executeOperation('echo', { message: 'standalone hi' }, { id: `echo-${randomUUID()}` });
      const handle = await client.startOperation(
        'processOrder',
        { orderId, items: ['a', 'b', 'c'] },
        { id: `order-op-${randomUUID()}`, scheduleToCloseTimeout: '1 minute' },
      );
      const order = await handle.result();
      const described = await handle.describe();
      return { echo, order, described };
    });
    assert.deepEqual(results.echo, { message: 'standalone hi' });
    assert.deepEqual(results.order, { status: `processed ${orderId} with 3 items` });
    const info = results.described;
    assert.equal(info.status, 'COMPLETED');
    assert.equal(info.endpoint, endpoint);
    assert.equal(info.service, 'my-service');
    assert.equal(info.operation, 'processOrder');
    assert.ok(info.operationToken, 'an async operation has its token');
    // The handler's workflow was started with a link back to the operation and its completion callback.
    const handlerStart = (await env.handler.workflow.getHandle(orderId).fetchHistory()).events?.[0];
    const callback = handlerStart?.workflowExecutionStartedEventAttributes?.completionCallbacks?.[0];
    assert.equal(callback?.nexus?.url, 'temporal://system');
    assert.equal(callback?.links?.[0]?.nexusOperation?.operationId, info.operationId);
  });

  test('a duplicate id is refused; USE_EXISTING joins; list and count see operations only', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const operationId = `dup-${randomUUID()}`;
    const waitId = `wait-${randomUUID()}`;
    await env.withWorkers(handlerTaskQueue, async () => {
      const client = serviceClient(endpoint);
      const first = await client.startOperation('waitForCancel', waitId, { id: operationId });
      await assert.rejects(
        client.startOperation('waitForCancel', waitId, { id: operationId }),
        (error: unknown) => error instanceof NexusOperationAlreadyStartedError && error.runId === first.runId,
      );
      const joined = await client.startOperation('waitForCancel', waitId, {
        id: operationId,
        idConflictPolicy: 'USE_EXISTING',
      });
      assert.equal(joined.runId, first.runId);
      await eventually(async () => (await first.describe()).state === 'STARTED' || undefined);

      const listed = [];
      for await (const operation of env.caller.nexus.list({
        query: `Endpoint = '${endpoint}' AND Service = 'my-service'`,
      }))
        listed.push(operation);
      assert.deepEqual(
        listed.map((operation) => [operation.operationId, operation.operation, operation.status]),
        [[operationId, 'waitForCancel', 'RUNNING']],
      );
      const counted = await env.caller.nexus.count(`Endpoint = '${endpoint}' GROUP BY ExecutionStatus`);
      assert.equal(counted.count, 1);
      assert.deepEqual(
        counted.groups.map((group) => [
          group.groupValues.map((value) => (value as { value: unknown }).value),
          group.count,
        ]),
        [[['Running'], 1]],
      );
      const byId = await env.caller.nexus.count(`OperationId = '${operationId}'`);
      assert.equal(byId.count, 1);
      // Workflow lists do not show operations' runs.
      const workflows = await env.caller.workflow.count(`WorkflowType = 'waitForCancel'`);
      assert.equal(workflows.count, 0);

      // A cancel reaches the handler workflow; the operation ends CANCELED.
      await first.cancel('no longer needed');
      await assert.rejects(first.result(), (error: unknown) => error instanceof NexusOperationFailureError);
      const described = await first.describe();
      assert.equal(described.status, 'CANCELED');
      assert.equal(described.cancellationInfo?.reason, 'no longer needed');
      const handlerRun = await env.handler.workflow.getHandle(waitId).describe();
      assert.equal(handlerRun.status.name, 'CANCELLED');
    });
  });

  test('terminate closes an operation at once; a handler failure fails it; bad input is refused', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    await env.withWorkers(handlerTaskQueue, async () => {
      const client = serviceClient(endpoint);
      const held = await client.startOperation('waitForSignal', `signal-${randomUUID()}`, {
        id: `held-${randomUUID()}`,
      });
      await eventually(async () => (await held.describe()).state === 'STARTED' || undefined);
      await held.terminate('by the test');
      await assert.rejects(held.result(), (error: unknown) => {
        assert.ok(error instanceof NexusOperationFailureError);
        return /by the test/.test(String((error as NexusOperationFailureError).cause?.message));
      });
      assert.equal((await held.describe()).status, 'TERMINATED');

      const failing = await client.startOperation('failOperation', 'it broke', { id: `fail-${randomUUID()}` });
      await assert.rejects(failing.result(), (error: unknown) => {
        assert.ok(error instanceof NexusOperationFailureError);
        return /it broke/.test(String((error as NexusOperationFailureError).cause?.message));
      });
      assert.equal((await failing.describe()).status, 'FAILED');
      // A cancel of a finished operation is FAILED_PRECONDITION, as the server answers it.
      await assert.rejects(
        env.connection.workflowService.requestCancelNexusOperationExecution({
          namespace: env.callerNamespace,
          operationId: failing.operationId,
          requestId: randomUUID(),
        }),
        (error: { code?: number; details?: string }) =>
          error.code === grpcStatus.FAILED_PRECONDITION && error.details === 'operation already completed',
      );
    });
    await assert.rejects(
      env.caller.nexus.getHandle(`missing-${randomUUID()}`).describe(),
      (error: unknown) => error instanceof NexusOperationNotFoundError,
    );
    await assert.rejects(
      env.connection.workflowService.startNexusOperationExecution({
        namespace: env.callerNamespace,
        operationId: 'x',
        endpoint: 'no-such-endpoint',
        service: 'my-service',
        operation: 'echo',
      }),
      /could not find Nexus endpoint by name: no-such-endpoint/,
    );
    await assert.rejects(
      env.connection.workflowService.startNexusOperationExecution({
        namespace: env.callerNamespace,
        endpoint,
        service: 'my-service',
        operation: 'echo',
      }),
      /operation_id is required/,
    );
    await assert.rejects(
      env.connection.workflowService.pollNexusOperationExecution({
        namespace: env.callerNamespace,
        operationId: 'x',
        waitStage: temporal.api.enums.v1.NexusOperationWaitStage.NEXUS_OPERATION_WAIT_STAGE_UNSPECIFIED + 9,
      }),
      /unsupported wait_stage/,
    );
  });

  test('describe with its long poll token waits for the operation to change; bad tokens are refused', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const workflowId = `signal-${randomUUID()}`;
    const operationId = `long-poll-${randomUUID()}`;
    const describe = (request: Partial<temporal.api.workflowservice.v1.IDescribeNexusOperationExecutionRequest>) =>
      env.connection.workflowService.describeNexusOperationExecution({
        namespace: env.callerNamespace,
        operationId,
        ...request,
      });
    await env.withWorkers(handlerTaskQueue, async () => {
      const held = await serviceClient(endpoint).startOperation('waitForSignal', workflowId, { id: operationId });
      const started = await eventually(async () => {
        const response = await describe({});
        return response.info?.state ===
          temporal.api.enums.v1.PendingNexusOperationState.PENDING_NEXUS_OPERATION_STATE_STARTED
          ? response
          : undefined;
      });
      assert.ok(started.longPollToken?.length, 'describe answers with a long poll token');
      assert.ok(Number(started.info?.stateSizeBytes) > 0, 'describe reports the state size');
      // With the token the describe waits: the operation next changes when the signalled handler
      // workflow completes it, so an answer that did not wait would still show it running.
      const waiting = describe({ runId: started.runId, longPollToken: started.longPollToken });
      await env.handler.workflow.getHandle(workflowId).signal('finish');
      const changed = await waiting;
      assert.equal(changed.runId, started.runId);
      assert.equal(
        changed.info?.status,
        temporal.api.enums.v1.NexusOperationExecutionStatus.NEXUS_OPERATION_EXECUTION_STATUS_COMPLETED,
      );
      assert.notDeepEqual(Buffer.from(changed.longPollToken ?? []), Buffer.from(started.longPollToken ?? []));
      await held.result();
    });
    await assert.rejects(
      describe({ longPollToken: Buffer.from('x') }),
      (error: { code?: number; details?: string }) => {
        assert.equal(error.code, grpcStatus.INVALID_ARGUMENT);
        return error.details === 'run_id is required when long_poll_token is provided';
      },
    );
    const { runId } = await describe({});
    await assert.rejects(
      describe({ runId, longPollToken: Buffer.from('not a token') }),
      (error: { details?: string }) => error.details === 'invalid long poll token',
    );
  });

  test('DeleteNexusOperationExecution deletes a closed operation and terminates a running one first', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const service = env.connection.workflowService;
    const deleteOperation = (operationId: string) =>
      service.deleteNexusOperationExecution({ namespace: env.callerNamespace, operationId });
    await env.withWorkers(handlerTaskQueue, async () => {
      const client = serviceClient(endpoint);
      const echoId = `echo-${randomUUID()}`;
      await client.executeOperation('echo', { message: 'then deleted' }, { id: echoId });
      const held = await client.startOperation('waitForSignal', `signal-${randomUUID()}`, {
        id: `held-${randomUUID()}`,
      });
      const outcome = held.result().catch((e: unknown) => e);
      await deleteOperation(echoId);
      await deleteOperation(held.operationId);
      const error = await outcome;
      assert.ok(error instanceof NexusOperationFailureError, String(error));
      assert.match(String(error.cause?.message), /Delete nexus operation execution/);
      for (const operationId of [echoId, held.operationId]) {
        await eventually(
          async () =>
            (await env.caller.nexus
              .getHandle(operationId)
              .describe()
              .catch((e: unknown) => e)) instanceof NexusOperationNotFoundError || undefined,
        );
      }
      const counted = await env.caller.nexus.count(`Endpoint = '${endpoint}'`);
      assert.equal(counted.count, 0, 'visibility forgets deleted operations');
    });
    await assert.rejects(
      deleteOperation(`missing-${randomUUID()}`),
      (e: { code?: number }) => e.code === grpcStatus.NOT_FOUND,
    );
    await assert.rejects(deleteOperation(''), (e: { details?: string }) => e.details === 'operation_id is required');
  });
});
