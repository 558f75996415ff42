// Goal: the seeds' Nexus flows work against Causeway with the official TypeScript SDK: sync and async
// operations across two namespaces, failures, timeouts, cancellation, chains, links and the allowlist.
// Setup: one server with caller-ns, handler-ns and third-ns; an endpoint per test; workers per test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, endpointName, type NexusEnv } from '../helpers/nexus-env';

describe('Nexus operations with the TypeScript SDK', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv({ dynamicConfig: { 'component.nexusoperations.retryPolicy.initialInterval': '100ms' } });
  });
  after(async () => {
    await env?.stop();
  });

  async function setup(): Promise<{ endpoint: string; handlerTaskQueue: string }> {
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const endpoint = endpointName();
    await env.createEndpoint(endpoint, env.handlerNamespace, handlerTaskQueue);
    return { endpoint, handlerTaskQueue };
  }

  test('a sync operation returns its result with Scheduled and Completed events only', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const workflowId = `echo-${randomUUID()}`;
    const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
      env.caller.workflow.execute('echoCaller', { taskQueue, workflowId, args: [endpoint, 'hi there'] }),
    );
    assert.equal(result, 'hi there');
    const history = await env.caller.workflow.getHandle(workflowId).fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    assert.ok(types.includes(48) && types.includes(50), 'NexusOperationScheduled and NexusOperationCompleted');
    assert.ok(!types.includes(49), 'no NexusOperationStarted for a sync operation');
  });

  test('an async operation runs a workflow in the handler namespace and links both histories', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const workflowId = `caller-${randomUUID()}`;
    const orderId = `order-${randomUUID()}`;
    const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
      env.caller.workflow.execute('callerWorkflow', { taskQueue, workflowId, args: [endpoint, orderId, ['item-a', 'item-b']] }),
    );
    assert.equal(result, `processed ${orderId} with 2 items`);
    const callerEvents = (await env.caller.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const started = callerEvents.find((e) => e.eventType === 49);
    assert.ok(started?.nexusOperationStartedEventAttributes?.operationToken, 'Started carries the operation token');
    const handlerEvents = (await env.handler.workflow.getHandle(orderId).fetchHistory()).events ?? [];
    const handlerStart = handlerEvents[0];
    assert.equal(handlerStart?.links?.[0]?.workflowEvent?.workflowId, workflowId, 'handler start links back to the caller');
    assert.equal(handlerStart?.workflowExecutionStartedEventAttributes?.completionCallbacks?.length, 1);
    const link = started?.links?.[0]?.workflowEvent;
    assert.equal(link?.workflowId, orderId, 'caller Started links to the handler workflow');
  });
});
