// The Nexus conformance scenarios: a caller workflow in NEXUS_NAMESPACES.caller runs operations on
// endpoints that target handler workers in other namespaces. Each scenario creates its own endpoints
// (deleted when it ends) and starts its own caller and handler workers, so nothing carries over.
//
// Nothing here may depend on timing. A completion must never race a workflow task, so operations
// backed by a workflow wait for the runner's `release` signal, which the runner sends only once the
// caller and the handler are idle (every scheduled workflow task completed). Retries are not in
// history, so the retried handler error fails exactly one attempt.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type Long from 'long';
import { conformanceServiceHandler } from './nexus-handler';
import type { ChainInput, ConformanceOperation, WorkflowOperationInput } from './nexus-service';
import type { NexusCallTimeouts } from './nexus-workflows';
import {
  Capability,
  settle,
  type RecordedExecution,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from './scenario';

/** Namespaces the server must have (`temporal server start-dev --namespace ...`). */
export const NEXUS_NAMESPACES = { caller: 'caller-ns', handler: 'handler-ns', third: 'third-ns' } as const;

const WORKFLOW_TASK_COMPLETED = 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED';
const OPERATION_STARTED = 'EVENT_TYPE_NEXUS_OPERATION_STARTED';
const CANCEL_REQUEST_COMPLETED = 'EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED';
const WORKFLOW_CANCEL_REQUESTED = 'EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED';
const LONG_TIMEOUTS: NexusCallTimeouts = { scheduleToCloseTimeout: '60s' };
// The schedule-to-start and start-to-close scenarios keep schedule-to-close at 10 s, so that a server
// without those timeouts (Temporal 1.29) ends them with a difference instead of overrunning the runner.

interface NexusTarget {
  readonly namespace: string;
  /** False for an endpoint whose task queue no worker polls. */
  readonly isPolled: boolean;
}

interface NexusSetup {
  /** Endpoint names, in the order of the targets. */
  readonly endpoints: readonly string[];
  readonly callerTaskQueue: string;
  readonly caller: Client;
  cleanUp(): Promise<void>;
}

/** Creates an endpoint per target and starts a caller worker and a handler worker per polled target. */
async function setUpNexus(context: ScenarioContext, targets: readonly NexusTarget[]): Promise<NexusSetup> {
  const operator = context.client.connection.operatorService;
  const created: Array<{ id: string; version: Long | null | undefined }> = [];
  const endpoints: string[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const { id, version } of created) await operator.deleteNexusEndpoint({ id, version });
  };
  try {
    for (const [index, target] of targets.entries()) {
      const name = `conformance-${randomUUID()}`;
      const taskQueue = context.workflowId(`handler-${index}`);
      const response = await operator.createNexusEndpoint({
        spec: { name, target: { worker: { namespace: target.namespace, taskQueue } } },
      });
      created.push({ id: response.endpoint?.id ?? '', version: response.endpoint?.version });
      endpoints.push(name);
      if (target.isPolled) {
        await context.startWorker({
          namespace: target.namespace,
          taskQueue,
          useConformanceBundle: true,
          nexusServices: [conformanceServiceHandler],
        });
      }
    }
    const callerTaskQueue = context.workflowId('caller');
    await context.startWorker({
      namespace: NEXUS_NAMESPACES.caller,
      taskQueue: callerTaskQueue,
      useConformanceBundle: true,
    });
    return { endpoints, callerTaskQueue, caller: context.clientFor(NEXUS_NAMESPACES.caller), cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function endpointAt(setup: NexusSetup, index: number): string {
  const endpoint = setup.endpoints[index];
  if (endpoint === undefined) throw new Error(`no endpoint ${index}`);
  return endpoint;
}

function startCall(
  setup: NexusSetup,
  workflowId: string,
  operation: ConformanceOperation,
  input: unknown,
  timeouts: NexusCallTimeouts,
): Promise<WorkflowHandle> {
  return setup.caller.workflow.start('nexusCall', {
    taskQueue: setup.callerTaskQueue,
    workflowId,
    args: [endpointAt(setup, 0), operation, input, timeouts],
  });
}

function callerExecution(workflowId: string): RecordedExecution {
  return { label: 'caller', workflowId, namespace: NEXUS_NAMESPACES.caller };
}

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
