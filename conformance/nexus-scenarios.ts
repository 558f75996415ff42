// The Nexus conformance scenarios: a caller workflow in NEXUS_NAMESPACES.caller runs operations on
// endpoints that target handler workers in other namespaces (conformance/nexus-setup.ts sets them up).
//
// Nothing here may depend on timing. A completion must never race a workflow task, so operations
// backed by a workflow wait for the runner's `release` signal, which the runner sends only once the
// caller and the handler are idle (every scheduled workflow task completed). Retries are not in
// history, so the retried handler error fails exactly one attempt.
import type { WorkflowHandle } from '@temporalio/client';
import type { ChainInput, ConformanceOperation, WorkflowOperationInput } from './nexus-service';
import {
  CANCEL_REQUEST_COMPLETED,
  LONG_TIMEOUTS,
  NEXUS_NAMESPACES,
  OPERATION_STARTED,
  WORKFLOW_CANCEL_REQUESTED,
  WORKFLOW_TASK_COMPLETED,
  callerExecution,
  endpointAt,
  setUpNexus,
  startCall,
} from './nexus-setup';
import type { NexusCallTimeouts } from './nexus-workflows';
import { Capability, settle, type Scenario, type ScenarioContext, type ScenarioResult } from './scenario';

/** A scenario that runs one operation on a handler in NEXUS_NAMESPACES.handler and records the caller. */
function callScenario(
  name: string,
  description: string,
  operation: ConformanceOperation,
  input: (context: ScenarioContext) => unknown,
  timeouts: NexusCallTimeouts,
  isPolled = true,
): Scenario {
  return {
    name,
    description,
    requires: [Capability.Nexus],
    async run(context) {
      const setup = await setUpNexus(context, [{ namespace: NEXUS_NAMESPACES.handler, isPolled }]);
      try {
        const workflowId = context.workflowId();
        const outcome = await settle(
          (await startCall(setup, workflowId, operation, input(context), timeouts)).result(),
        );
        return { executions: [callerExecution(workflowId)], outcome };
      } finally {
        await setup.cleanUp();
      }
    },
  };
}

/** Like callScenario, for an operation backed by `waitForCancel`, which the scenario terminates at the end. */
function timeoutScenario(name: string, description: string, timeouts: NexusCallTimeouts): Scenario {
  return {
    name,
    description,
    requires: [Capability.Nexus],
    async run(context) {
      const setup = await setUpNexus(context, [{ namespace: NEXUS_NAMESPACES.handler, isPolled: true }]);
      const handlerId = context.workflowId('handler');
      try {
        const workflowId = context.workflowId();
        const input: WorkflowOperationInput = { workflowId: handlerId };
        const outcome = await settle((await startCall(setup, workflowId, 'waitForCancel', input, timeouts)).result());
        return { executions: [callerExecution(workflowId)], outcome };
      } finally {
        await context
          .clientFor(NEXUS_NAMESPACES.handler)
          .workflow.getHandle(handlerId)
          .terminate('the scenario ended')
          .catch(() => undefined);
        await setup.cleanUp();
      }
    },
  };
}

type CancellationType = 'WAIT_CANCELLATION_COMPLETED' | 'WAIT_CANCELLATION_REQUESTED' | 'TRY_CANCEL' | 'ABANDON';

/**
 * The caller starts `waitForCancel` and cancels it with `cancellationType`. The runner waits until
 * the cancel request has settled on both sides before it releases anything, then releases the
 * workflow that must close first: the handler when the caller waits for the cancellation to complete,
 * otherwise the caller.
 */
function cancelScenario(name: string, cancellationType: CancellationType, description: string): Scenario {
  return {
    name,
    description,
    requires: [Capability.Nexus],
    async run(context) {
      const setup = await setUpNexus(context, [{ namespace: NEXUS_NAMESPACES.handler, isPolled: true }]);
      try {
        const workflowId = context.workflowId();
        const handlerId = context.workflowId('handler');
        const caller = await setup.caller.workflow.start('nexusCancel', {
          taskQueue: setup.callerTaskQueue,
          workflowId,
          args: [endpointAt(setup, 0), handlerId, cancellationType],
        });
        await context.waitForEvent(caller, OPERATION_STARTED);
        const handler = context.clientFor(NEXUS_NAMESPACES.handler).workflow.getHandle(handlerId);
        const outcome = await driveCancellation(context, cancellationType, caller, handler);
        return {
          executions: [
            callerExecution(workflowId),
            { label: 'handler', workflowId: handlerId, namespace: NEXUS_NAMESPACES.handler },
          ],
          outcome,
        };
      } finally {
        await setup.cleanUp();
      }
    },
  };
}

async function driveCancellation(
  context: ScenarioContext,
  cancellationType: CancellationType,
  caller: WorkflowHandle,
  handler: WorkflowHandle,
): Promise<unknown> {
  if (cancellationType === 'ABANDON') {
    await context.waitForEvent(caller, WORKFLOW_TASK_COMPLETED, 2);
    await context.waitForIdle(caller, OPERATION_STARTED);
    await context.waitForIdle(handler, WORKFLOW_TASK_COMPLETED);
    await caller.signal('release', 'by the runner');
    const callerOutcome = await settle(caller.result());
    await handler.terminate('abandoned by the caller');
    return { caller: callerOutcome };
  }
  await context.waitForIdle(caller, CANCEL_REQUEST_COMPLETED);
  await context.waitForIdle(handler, WORKFLOW_CANCEL_REQUESTED);
  if (cancellationType === 'WAIT_CANCELLATION_COMPLETED') {
    await handler.signal('release', 'by the runner');
    return { caller: await settle(caller.result()), handler: await settle(handler.result()) };
  }
  if (cancellationType === 'TRY_CANCEL') await caller.signal('release', 'by the runner');
  const callerOutcome = await settle(caller.result());
  await handler.signal('release', 'by the runner');
  return { caller: callerOutcome, handler: await settle(handler.result()) };
}

export const nexusScenarios: readonly Scenario[] = [
  callScenario(
    'nexus-sync',
    'A sync Nexus operation (echo) completes; Scheduled then Completed, no Started.',
    'echo',
    () => 'hello',
    LONG_TIMEOUTS,
  ),
  {
    name: 'nexus-async',
    description:
      'A workflow-backed Nexus operation starts a handler workflow, which completes once released; caller and handler histories.',
    requires: [Capability.Nexus],
    async run(context): Promise<ScenarioResult> {
      const setup = await setUpNexus(context, [{ namespace: NEXUS_NAMESPACES.handler, isPolled: true }]);
      try {
        const workflowId = context.workflowId();
        const handlerId = context.workflowId('handler');
        const input: WorkflowOperationInput = { workflowId: handlerId };
        const caller = await startCall(setup, workflowId, 'waitForRelease', input, LONG_TIMEOUTS);
        await context.waitForIdle(caller, OPERATION_STARTED);
        const handler = context.clientFor(NEXUS_NAMESPACES.handler).workflow.getHandle(handlerId);
        await context.waitForIdle(handler, WORKFLOW_TASK_COMPLETED);
        await handler.signal('release', 'by the runner');
        const outcome = await settle(caller.result());
        return {
          executions: [
            callerExecution(workflowId),
            { label: 'handler', workflowId: handlerId, namespace: NEXUS_NAMESPACES.handler },
          ],
          outcome,
        };
      } finally {
        await setup.cleanUp();
      }
    },
  },
  callScenario(
    'nexus-operation-error',
    'A sync handler throws OperationError (failed): NexusOperationFailed with the application failure, no retry.',
    'failOperation',
    () => 'operation failed on purpose',
    LONG_TIMEOUTS,
  ),
  callScenario(
    'nexus-handler-error-non-retryable',
    'A sync handler throws a BAD_REQUEST HandlerError: the operation fails at once with the handler error as cause.',
    'badRequest',
    () => 'bad request on purpose',
    LONG_TIMEOUTS,
  ),
  callScenario(
    'nexus-handler-error-retried',
    'A sync handler fails its first attempt with a retryable INTERNAL HandlerError and succeeds at the next; attempts are not in history.',
    'failFirstAttempt',
    (context) => context.workflowId('input'),
    LONG_TIMEOUTS,
  ),
  timeoutScenario(
    'nexus-schedule-to-close-timeout',
    'An async operation that never completes overruns its 2 s schedule-to-close timeout.',
    { scheduleToCloseTimeout: '2s' },
  ),
  callScenario(
    'nexus-schedule-to-start-timeout',
    'No worker polls the endpoint task queue: the operation overruns its 1 s schedule-to-start timeout.',
    'echo',
    () => 'never handled',
    { scheduleToCloseTimeout: '10s', scheduleToStartTimeout: '1s' },
    false,
  ),
  timeoutScenario(
    'nexus-start-to-close-timeout',
    'An async operation that never completes overruns its 1 s start-to-close timeout after it started.',
    { scheduleToCloseTimeout: '10s', startToCloseTimeout: '1s' },
  ),
  cancelScenario(
    'nexus-cancel-wait-completed',
    'WAIT_CANCELLATION_COMPLETED',
    'An async operation cancelled with WAIT_CANCELLATION_COMPLETED: the caller sees the failure once the handler workflow is cancelled.',
  ),
  cancelScenario(
    'nexus-cancel-wait-requested',
    'WAIT_CANCELLATION_REQUESTED',
    'An async operation cancelled with WAIT_CANCELLATION_REQUESTED: the caller sees the failure once the cancel request is delivered.',
  ),
  cancelScenario(
    'nexus-cancel-try-cancel',
    'TRY_CANCEL',
    'An async operation cancelled with TRY_CANCEL: the caller sees the failure at once; the cancel request is still delivered.',
  ),
  cancelScenario(
    'nexus-cancel-abandon',
    'ABANDON',
    'An async operation cancelled with ABANDON: the caller sees the failure at once and no cancel request is sent.',
  ),
  {
    name: 'nexus-chain',
    description:
      'A chain caller -> operation -> workflow in handler-ns -> operation -> workflow in third-ns; all three histories, links and callbacks.',
    requires: [Capability.Nexus],
    async run(context): Promise<ScenarioResult> {
      const setup = await setUpNexus(context, [
        { namespace: NEXUS_NAMESPACES.handler, isPolled: true },
        { namespace: NEXUS_NAMESPACES.third, isPolled: true },
      ]);
      try {
        const workflowId = context.workflowId();
        const middleId = context.workflowId('middle');
        const leafId = context.workflowId('leaf');
        const input: ChainInput = { workflowId: middleId, endpoint: endpointAt(setup, 1), leafWorkflowId: leafId };
        const caller = await startCall(setup, workflowId, 'chain', input, LONG_TIMEOUTS);
        const middle = context.clientFor(NEXUS_NAMESPACES.handler).workflow.getHandle(middleId);
        const leaf = context.clientFor(NEXUS_NAMESPACES.third).workflow.getHandle(leafId);
        await context.waitForIdle(caller, OPERATION_STARTED);
        await context.waitForIdle(middle, OPERATION_STARTED);
        await context.waitForIdle(leaf, WORKFLOW_TASK_COMPLETED);
        await leaf.signal('release', 'by the runner');
        const outcome = await settle(caller.result());
        return {
          executions: [
            callerExecution(workflowId),
            { label: 'middle', workflowId: middleId, namespace: NEXUS_NAMESPACES.handler },
            { label: 'leaf', workflowId: leafId, namespace: NEXUS_NAMESPACES.third },
          ],
          outcome,
        };
      } finally {
        await setup.cleanUp();
      }
    },
  },
];
