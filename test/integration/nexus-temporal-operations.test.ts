// Goal: Nexus operations backed by Temporal work other than a workflow run, with the official
// TypeScript SDK's TemporalOperationHandler: an activity-backed operation (a standalone activity in the
// handler namespace whose close completes the caller's operation, or fails it with the activity's own
// timeout) and an update-backed one (an update
// on a running handler workflow whose completion completes it, success and failure), each driven by a
// caller workflow in another namespace.
// Setup: startNexusEnv (caller-ns, handler-ns), an endpoint per test, caller and handler workers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';
import { temporal } from '@temporalio/proto';

describe('Nexus operations backed by an activity or an update', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv();
  });
  after(async () => {
    await env?.stop();
  });

  const probe = (taskQueue: string, endpoint: string, operation: string, input: unknown) =>
    env.caller.workflow.start('probeCaller', {
      taskQueue,
      workflowId: `probe-${randomUUID()}`,
      args: [endpoint, operation, input, {}],
    });

  test('an activity-backed operation completes with the activity result', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const name = `from-activity-${randomUUID().slice(0, 8)}`;
    const outcome = await env.withWorkers(handlerTaskQueue, async (callerTaskQueue) => {
      const caller = await probe(callerTaskQueue, endpoint, 'fromActivity', name);
      return await caller.result();
    });
    assert.equal(outcome, `ok: "Hello, ${name}!"`);
    const described = await env.handler.activity.getHandle(`greet-${name}`).describe();
    assert.equal(described.status, 'COMPLETED');
    assert.equal(described.taskQueue, handlerTaskQueue);
    // The caller's callback, delivered once the activity closed.
    assert.equal(described.rawCallbacks.length, 1);
    assert.ok(described.rawCallbacks[0]?.trigger?.activityClosed);
    assert.equal(described.rawCallbacks[0]?.info?.state, temporal.api.enums.v1.CallbackState.CALLBACK_STATE_SUCCEEDED);
  });

  test("an activity-backed operation fails with the activity's own timeout", async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const outcome = await env.withWorkers(handlerTaskQueue, async (callerTaskQueue) => {
      const caller = await probe(callerTaskQueue, endpoint, 'fromStallingActivity', `stall-${randomUUID()}`);
      return await caller.result();
    });
    assert.match(outcome, /TimeoutFailure\(activity Heartbeat timeout; timeout=HEARTBEAT\)/);
  });

  /** Starts the handler workflow, then a caller whose operation sends it an update; waits until the update is accepted. */
  async function pendingUpdate(callerTaskQueue: string, endpoint: string, handlerTaskQueue: string, name: string) {
    const workflowId = `approvals-${randomUUID()}`;
    const handlerRun = await env.handler.workflow.start('approvalsWorkflow', {
      taskQueue: handlerTaskQueue,
      workflowId,
    });
    const caller = await probe(callerTaskQueue, endpoint, 'fromUpdate', { workflowId, name });
    const callback = await eventually(async () => (await handlerRun.describe()).raw.callbacks?.[0]);
    return { handlerRun, caller, callback };
  }

  test('an update-backed operation completes when the update does, with its result or its failure', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const outcomes = await env.withWorkers(handlerTaskQueue, async (callerTaskQueue) => {
      const approved = await pendingUpdate(callerTaskQueue, endpoint, handlerTaskQueue, 'order-7');
      const refused = await pendingUpdate(callerTaskQueue, endpoint, handlerTaskQueue, 'refuse');
      // Accepted, not complete: the callback waits for the update, and the caller's operation has started.
      assert.equal(approved.callback.trigger?.updateWorkflowExecutionCompleted?.updateId !== undefined, true);
      assert.equal(approved.callback.state, temporal.api.enums.v1.CallbackState.CALLBACK_STATE_STANDBY);
      const history = await approved.handlerRun.fetchHistory();
      const accepted = history.events?.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      assert.ok(accepted?.links?.[0]?.workflowEvent, 'the accepted update links back to the caller');
      for (const run of [approved, refused]) await run.handlerRun.signal('release');
      const results = [await approved.caller.result(), await refused.caller.result()];
      for (const run of [approved, refused]) await run.handlerRun.signal('finish');
      return results;
    });
    assert.equal(outcomes[0], 'ok: "approved order-7"');
    assert.match(outcomes[1] ?? '', /refused refuse/);
  });

  test('an update still running when its workflow closes fails the operation', async () => {
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const outcome = await env.withWorkers(handlerTaskQueue, async (callerTaskQueue) => {
      const pending = await pendingUpdate(callerTaskQueue, endpoint, handlerTaskQueue, 'never');
      await pending.handlerRun.terminate('closing early');
      return await pending.caller.result();
    });
    assert.match(outcome, /Workflow Update failed because the Workflow completed before the Update completed/);
  });
});
