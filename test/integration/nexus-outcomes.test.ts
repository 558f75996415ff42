// Goal: more of the Nexus contract with the official TypeScript SDK: a handler workflow that continues as
// new still completes the caller's operation; a terminated handler workflow fails it with the
// termination as cause; Nexus tasks are load-balanced across every handler worker polling the queue.
// Setup: one server with caller-ns and handler-ns; the seed's handler code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, endpointName, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';

describe('Nexus operation outcomes', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv();
  });
  after(async () => {
    await env?.stop();
  });

  const setup = (): Promise<{ endpoint: string; handlerTaskQueue: string }> => env.newHandlerEndpoint();

  test('the completion callback follows the handler workflow across continue-as-new', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
      env.caller.workflow.execute('probeCaller', {
        taskQueue,
        workflowId: `can-${randomUUID()}`,
        args: [endpoint, 'continuing', `continuing-${randomUUID()}`, {}],
      }),
    );
    assert.equal(result, 'ok: "done after 1 continue-as-new"');
  });

  test('terminating the handler workflow fails the operation with a TerminatedFailure cause', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const handlerWorkflowId = `terminated-${randomUUID()}`;
    const result = await env.withWorkers(handlerTaskQueue, async (taskQueue) => {
      const handle = await env.caller.workflow.start('probeCaller', {
        taskQueue,
        workflowId: `term-${randomUUID()}`,
        args: [endpoint, 'waitForSignal', handlerWorkflowId, {}],
      });
      const handler = env.handler.workflow.getHandle(handlerWorkflowId);
      await eventually(async () => (await handler.describe()).status.name === 'RUNNING');
      await handler.terminate('stop it');
      return handle.result();
    });
    assert.match(result, /^NexusOperationFailure\(.*\) <- TerminatedFailure\(operation terminated/);
  });

  test('Nexus tasks are spread across all handler workers polling the task queue', async () => {
    const { endpoint, handlerTaskQueue } = await setup();
    const answers = await env.withWorkers(
      handlerTaskQueue,
      (taskQueue) =>
        env.caller.workflow.execute('whoAmICaller', {
          taskQueue,
          workflowId: `lb-${randomUUID()}`,
          args: [endpoint, 20],
        }),
      [{ namespace: env.handlerNamespace, taskQueue: handlerTaskQueue, tag: 'second' }],
    );
    assert.equal(answers.length, 20);
    assert.ok(answers.includes('handler') && answers.includes('second'), `both workers answered: ${answers.join(',')}`);
  });
});
