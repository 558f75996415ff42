// Goal: with component.nexusoperations.useSystemCallbackURL=false, as on the Temporal server, an
// operation on a worker endpoint gets the HTTP callback URL (this server's callback route, or the
// configured template) instead of temporal://system, and its completion comes back over HTTP.
// Setup: the seeds' Nexus env (caller-ns, handler-ns, TypeScript SDK workers) with that dynamic config.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';

let env: NexusEnv;
before(async () => {
  env = await startNexusEnv({ dynamicConfig: { 'component.nexusoperations.useSystemCallbackURL': false } });
});
after(async () => {
  await env?.stop();
});

test('a worker endpoint gets the HTTP callback URL, and the async completion arrives through it', async () => {
  const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
  const orderId = `order-${randomUUID()}`;
  const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
    env.caller.workflow.execute('callerWorkflow', {
      taskQueue,
      workflowId: `caller-${randomUUID()}`,
      args: [endpoint, orderId, ['one']],
    }),
  );
  assert.equal(result, `processed ${orderId} with 1 items`);
  const started = (await env.handler.workflow.getHandle(orderId).fetchHistory()).events?.[0];
  const callback = started?.workflowExecutionStartedEventAttributes?.completionCallbacks?.[0];
  assert.equal(callback?.nexus?.url, `http://127.0.0.1:${env.server.httpPort}/namespaces/caller-ns/nexus/callback`);
});
