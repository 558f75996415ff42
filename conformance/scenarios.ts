// The conformance scenarios, in the order they run. Each drives one feature through the official
// TypeScript SDK; steps that could race are taken only after the history shows the previous workflow
// task completed, so the recorded history does not depend on timing.
//
// The Nexus scenarios (conformance/nexus-scenarios.ts, `requires: [Capability.Nexus]`) run last: each
// creates its endpoints through the operator service, starts its handler workers with
// `context.startWorker`, and records the caller's and the handler's executions.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { nexusBackedScenarios } from './nexus-backed-scenarios';
import { nexusScenarios } from './nexus-scenarios';
import { nexusStandaloneScenarios } from './nexus-standalone-scenarios';
import { settle, type Scenario } from './scenario';

const WORKFLOW_TASK_COMPLETED = 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED';
const CHILD_STARTED = 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED';

/** A scenario that executes one workflow to its end and records its history. */
function executeOne(name: string, description: string, workflowType: string, args: unknown[] = []): Scenario {
  return {
    name,
    description,
    async run(context) {
      const workflowId = context.workflowId();
      const outcome = await settle(
        context.client.workflow.execute(workflowType, { taskQueue: context.taskQueue, workflowId, args }),
      );
      return { executions: [{ label: 'workflow', workflowId }], outcome };
    },
  };
}

export const scenarios: readonly Scenario[] = [
  executeOne(
    'activity-success',
    'A workflow runs one activity, which completes at the first attempt.',
    'activitySuccess',
    ['hello'],
  ),
  executeOne(
    'activity-retry',
    'An activity fails twice with a retryable error and succeeds at attempt 3.',
    'activityRetry',
  ),
  executeOne(
    'activity-timeout',
    'An activity overruns its 1 s start-to-close timeout on both of its 2 attempts; the workflow catches the failure.',
    'activityTimeout',
  ),
  executeOne('timer', 'A workflow sleeps for 1 s (a durable timer) and completes.', 'timer'),
  {
    name: 'signal',
    description: 'A waiting workflow receives a signal with an argument and returns it.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('waitForRelease', {
        taskQueue: context.taskQueue,
        workflowId,
      });
      await context.waitForEvent(handle, WORKFLOW_TASK_COMPLETED);
      await handle.signal('release', 'by signal');
      const outcome = await settle(handle.result());
      return { executions: [{ label: 'workflow', workflowId }], outcome };
    },
  },
  {
    name: 'query',
    description: 'A workflow answers a query while running and after it has completed; queries write no events.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('waitForRelease', {
        taskQueue: context.taskQueue,
        workflowId,
      });
      await context.waitForEvent(handle, WORKFLOW_TASK_COMPLETED);
      const whileRunning = await settle(handle.query('state'));
      await handle.signal('release', 'after query');
      const result = await settle(handle.result());
      const afterCompletion = await settle(handle.query('state'));
      return { executions: [{ label: 'workflow', workflowId }], outcome: { whileRunning, result, afterCompletion } };
    },
  },
  {
    name: 'update',
    description: 'An update is accepted and completed; the workflow then completes with the updated value.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('updatable', { taskQueue: context.taskQueue, workflowId });
      await context.waitForEvent(handle, WORKFLOW_TASK_COMPLETED);
      const update = await settle(handle.executeUpdate('setValue', { args: ['forty-two'], updateId: 'update-1' }));
      const result = await settle(handle.result());
      return { executions: [{ label: 'workflow', workflowId }], outcome: { update, result } };
    },
  },
  {
    name: 'update-rejected',
    description: 'An update rejected by its validator leaves no trace in history; a later update is accepted.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('updatable', { taskQueue: context.taskQueue, workflowId });
      await context.waitForEvent(handle, WORKFLOW_TASK_COMPLETED);
      const rejected = await handle
        .executeUpdate('setValue', { args: [''], updateId: 'update-rejected' })
        .catch((error: unknown) => error);
      const rejection =
        rejected instanceof WorkflowUpdateFailedError
          ? { error: rejected.name, cause: rejected.cause?.message }
          : { unexpected: String(rejected) };
      const accepted = await settle(
        handle.executeUpdate('setValue', { args: ['second'], updateId: 'update-accepted' }),
      );
      const result = await settle(handle.result());
      return { executions: [{ label: 'workflow', workflowId }], outcome: { rejection, accepted, result } };
    },
  },
  {
    name: 'child-workflow',
    description:
      'A parent starts a child workflow and waits for its result; the runner releases the child once both are idle.',
    async run(context) {
      const workflowId = context.workflowId();
      const childId = `${workflowId}-child`;
      const parent = await context.client.workflow.start('parentWorkflow', {
        taskQueue: context.taskQueue,
        workflowId,
      });
      await context.waitForEvent(parent, CHILD_STARTED);
      await context.waitForEvent(parent, WORKFLOW_TASK_COMPLETED, 2);
      const child = context.client.workflow.getHandle(childId);
      await context.waitForEvent(child, WORKFLOW_TASK_COMPLETED);
      await child.signal('release', 'by the runner');
      const outcome = await settle(parent.result());
      return {
        executions: [
          { label: 'parent', workflowId },
          { label: 'child', workflowId: childId },
        ],
        outcome,
      };
    },
  },
  {
    name: 'child-workflow-failure',
    description:
      'A child fails with a non-retryable application failure once released; the parent catches ChildWorkflowFailure.',
    async run(context) {
      const workflowId = context.workflowId();
      const childId = `${workflowId}-child`;
      const parent = await context.client.workflow.start('parentOfFailingChild', {
        taskQueue: context.taskQueue,
        workflowId,
      });
      await context.waitForEvent(parent, CHILD_STARTED);
      await context.waitForEvent(parent, WORKFLOW_TASK_COMPLETED, 2);
      const child = context.client.workflow.getHandle(childId);
      await context.waitForEvent(child, WORKFLOW_TASK_COMPLETED);
      await child.signal('release', 'to fail');
      const outcome = await settle(parent.result());
      return {
        executions: [
          { label: 'parent', workflowId },
          { label: 'child', workflowId: childId },
        ],
        outcome,
      };
    },
  },
  {
    name: 'continue-as-new',
    description: 'A workflow sleeps 1 s and continues as new, twice, and returns from its third run.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('continueAsNewTwice', {
        taskQueue: context.taskQueue,
        workflowId,
        args: [0],
      });
      const outcome = await settle(handle.result());
      return { executions: [{ label: 'workflow', workflowId, runId: handle.firstExecutionRunId }], outcome };
    },
  },
  {
    name: 'cancel',
    description:
      'A workflow sleeping on a timer is cancelled by the client; the SDK cancels the timer and the workflow.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('longSleep', { taskQueue: context.taskQueue, workflowId });
      await context.waitForEvent(handle, WORKFLOW_TASK_COMPLETED);
      await handle.cancel();
      const outcome = await settle(handle.result());
      return { executions: [{ label: 'workflow', workflowId }], outcome };
    },
  },
  {
    name: 'terminate',
    description: 'A workflow sleeping on a timer is terminated by the client with a reason.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('longSleep', { taskQueue: context.taskQueue, workflowId });
      await context.waitForEvent(handle, WORKFLOW_TASK_COMPLETED);
      await handle.terminate('terminated by the conformance runner');
      const outcome = await settle(handle.result());
      return { executions: [{ label: 'workflow', workflowId }], outcome };
    },
  },
  executeOne(
    'workflow-task-failure',
    'The first workflow task throws a plain Error (a workflow task failure); the retried task completes the workflow.',
    'failFirstWorkflowTask',
  ),
  executeOne(
    'workflow-failure',
    'A workflow fails with a non-retryable application failure that has a type and details.',
    'failWorkflow',
  ),
  executeOne(
    'activity-non-retryable',
    'An activity fails with a non-retryable application failure; no retry, the workflow catches it.',
    'activityNonRetryable',
  ),
  executeOne(
    'activity-heartbeat-timeout',
    'An activity heartbeats once with details and then stalls past its 1 s heartbeat timeout (one attempt).',
    'activityHeartbeatTimeout',
  ),
  executeOne(
    'local-activity',
    'A workflow runs a local activity; its result is recorded in a marker.',
    'localActivity',
    ['local'],
  ),
  {
    name: 'signal-with-start',
    description: 'SignalWithStart starts a waiting workflow with a signal already in its history.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.signalWithStart('waitForRelease', {
        taskQueue: context.taskQueue,
        workflowId,
        signal: 'release',
        signalArgs: ['with start'],
      });
      const outcome = await settle(handle.result());
      return { executions: [{ label: 'workflow', workflowId }], outcome };
    },
  },
  {
    name: 'signal-external',
    description: 'A workflow signals another, waiting workflow; both histories are recorded.',
    async run(context) {
      const targetId = context.workflowId('target');
      const signallerId = context.workflowId('signaller');
      const target = await context.client.workflow.start('waitForRelease', {
        taskQueue: context.taskQueue,
        workflowId: targetId,
      });
      await context.waitForEvent(target, WORKFLOW_TASK_COMPLETED);
      const signalled = await settle(
        context.client.workflow.execute('signalExternal', {
          taskQueue: context.taskQueue,
          workflowId: signallerId,
          args: [targetId],
        }),
      );
      const released = await settle(target.result());
      return {
        executions: [
          { label: 'signaller', workflowId: signallerId },
          { label: 'target', workflowId: targetId },
        ],
        outcome: { signalled, released },
      };
    },
  },
  {
    name: 'memo-upsert',
    description: 'A workflow upserts a memo field (WorkflowPropertiesModified) and completes after a short timer.',
    async run(context) {
      const workflowId = context.workflowId();
      const handle = await context.client.workflow.start('memoUpsert', { taskQueue: context.taskQueue, workflowId });
      const result = await settle(handle.result());
      const memo = (await handle.describe()).memo;
      return { executions: [{ label: 'workflow', workflowId }], outcome: { result, memo } };
    },
  },
  ...nexusScenarios,
  ...nexusBackedScenarios,
  ...nexusStandaloneScenarios,
];
