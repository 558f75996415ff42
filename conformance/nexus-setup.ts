// What the Nexus conformance scenarios share: the namespaces, endpoints and workers a scenario sets up,
// and how a caller workflow runs one operation. Each scenario creates its own endpoints (deleted when
// it ends) and starts its own caller and handler workers, so nothing carries over.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type Long from 'long';
import * as activities from './activities';
import { conformanceServiceHandler } from './nexus-handler';
import type { ConformanceOperation } from './nexus-service';
import type { NexusCallTimeouts } from './nexus-workflows';
import {
  Capability,
  type RecordedExecution,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from './scenario';

/** Namespaces the server must have (`temporal server start-dev --namespace ...`). */
export const NEXUS_NAMESPACES = { caller: 'caller-ns', handler: 'handler-ns', third: 'third-ns' } as const;

export const WORKFLOW_TASK_COMPLETED = 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED';
export const OPERATION_STARTED = 'EVENT_TYPE_NEXUS_OPERATION_STARTED';
export const CANCEL_REQUEST_COMPLETED = 'EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED';
export const WORKFLOW_CANCEL_REQUESTED = 'EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED';
export const LONG_TIMEOUTS: NexusCallTimeouts = { scheduleToCloseTimeout: '60s' };
// The schedule-to-start and start-to-close scenarios keep schedule-to-close at 10 s, so that a server
// without those timeouts (Temporal 1.29) ends them with a difference instead of overrunning the runner.

export interface NexusTarget {
  readonly namespace: string;
  /** False for an endpoint whose task queue no worker polls. */
  readonly isPolled: boolean;
}

export interface NexusSetup {
  /** Endpoint names, in the order of the targets. */
  readonly endpoints: readonly string[];
  readonly callerTaskQueue: string;
  /** The task queue of each target's endpoint, in the order of the targets. */
  readonly handlerTaskQueues: readonly string[];
  readonly caller: Client;
  cleanUp(): Promise<void>;
}

/** Creates an endpoint per target and starts a caller worker and a handler worker per polled target. */
export async function setUpNexus(context: ScenarioContext, targets: readonly NexusTarget[]): Promise<NexusSetup> {
  const operator = context.client.connection.operatorService;
  const created: Array<{ id: string; version: Long | null | undefined }> = [];
  const endpoints: string[] = [];
  const handlerTaskQueues: string[] = [];
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
      handlerTaskQueues.push(taskQueue);
      if (target.isPolled) {
        await context.startWorker({
          namespace: target.namespace,
          taskQueue,
          useConformanceBundle: true,
          nexusServices: [conformanceServiceHandler],
          activities,
        });
      }
    }
    const callerTaskQueue = context.workflowId('caller');
    await context.startWorker({
      namespace: NEXUS_NAMESPACES.caller,
      taskQueue: callerTaskQueue,
      useConformanceBundle: true,
    });
    return {
      endpoints,
      handlerTaskQueues,
      callerTaskQueue,
      caller: context.clientFor(NEXUS_NAMESPACES.caller),
      cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

export function endpointAt(setup: NexusSetup, index: number): string {
  const endpoint = setup.endpoints[index];
  if (endpoint === undefined) throw new Error(`no endpoint ${index}`);
  return endpoint;
}

export function startCall(
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

export function callerExecution(workflowId: string): RecordedExecution {
  return { label: 'caller', workflowId, namespace: NEXUS_NAMESPACES.caller };
}

/** A Nexus scenario with one polled endpoint in NEXUS_NAMESPACES.handler, set up before and cleaned up after `run`. */
export function handlerScenario(
  name: string,
  description: string,
  run: (context: ScenarioContext, setup: NexusSetup) => Promise<ScenarioResult>,
): Scenario {
  return {
    name,
    description,
    requires: [Capability.Nexus],
    async run(context) {
      const setup = await setUpNexus(context, [{ namespace: NEXUS_NAMESPACES.handler, isPolled: true }]);
      try {
        return await run(context, setup);
      } finally {
        await setup.cleanUp();
      }
    },
  };
}
