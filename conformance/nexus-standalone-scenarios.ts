// Conformance scenarios of standalone Nexus operations: started by a client in the caller namespace,
// not by a workflow. They have no history of their own, so a scenario records their describe response
// (with input and outcome) and the history of the handler workflow an async operation starts, whose
// completion callback links back to the operation.
import type { Client } from '@temporalio/client';
import { nexusOperationJson } from './describe-json';
import { conformanceService, type WorkflowOperationInput } from './nexus-service';
import {
  NEXUS_NAMESPACES,
  WORKFLOW_CANCEL_REQUESTED,
  WORKFLOW_TASK_COMPLETED,
  endpointAt,
  handlerScenario,
  type NexusSetup,
} from './nexus-setup';
import { settle, type Scenario, type ScenarioContext, type ScenarioResult } from './scenario';

const SCHEDULE_TO_CLOSE = '60s' as const;

/** A standalone scenario: the handler's endpoint set up, the caller namespace's client at hand. */
function standaloneScenario(
  name: string,
  description: string,
  run: (context: ScenarioContext, setup: NexusSetup, caller: Client) => Promise<ScenarioResult>,
): Scenario {
  return handlerScenario(name, description, (context, setup) =>
    run(context, setup, context.clientFor(NEXUS_NAMESPACES.caller)),
  );
}

function serviceClient(setup: NexusSetup, caller: Client) {
  return caller.nexus.createServiceClient({ endpoint: endpointAt(setup, 0), service: conformanceService });
}

function handlerExecution(workflowId: string) {
  return { label: 'handler', workflowId, namespace: NEXUS_NAMESPACES.handler };
}

export const nexusStandaloneScenarios: readonly Scenario[] = [
  standaloneScenario(
    'nexus-standalone-sync',
    'A client starts a sync operation (echo) by id and gets its result; describe of the completed operation.',
    async (context, setup, caller) => {
      const operationId = context.workflowId('operation');
      const result = await settle(
        serviceClient(setup, caller).executeOperation('echo', 'hello standalone', {
          id: operationId,
          scheduleToCloseTimeout: SCHEDULE_TO_CLOSE,
        }),
      );
      return { executions: [], outcome: { result, described: await nexusOperationJson(caller, operationId) } };
    },
  ),
  standaloneScenario(
    'nexus-standalone-async',
    'A client starts a workflow-backed operation; a second start with its id is rejected while it runs; the handler workflow completes it.',
    async (context, setup, caller) => {
      const operationId = context.workflowId('operation');
      const handlerId = context.workflowId('handler');
      const input: WorkflowOperationInput = { workflowId: handlerId };
      const client = serviceClient(setup, caller);
      const options = { id: operationId, scheduleToCloseTimeout: SCHEDULE_TO_CLOSE };
      const handle = await client.startOperation('waitForRelease', input, options);
      const duplicate = await settle(client.startOperation('waitForRelease', input, options));
      const handler = context.clientFor(NEXUS_NAMESPACES.handler).workflow.getHandle(handlerId);
      await context.waitForIdle(handler, WORKFLOW_TASK_COMPLETED);
      await handler.signal('release', 'by the runner');
      const result = await settle(handle.result());
      return {
        executions: [handlerExecution(handlerId)],
        outcome: { duplicate, result, described: await nexusOperationJson(caller, operationId) },
      };
    },
  ),
  standaloneScenario(
    'nexus-standalone-cancel',
    'A client cancels a running workflow-backed operation: the handler workflow is cancelled and the operation ends CANCELED.',
    async (context, setup, caller) => {
      const operationId = context.workflowId('operation');
      const handlerId = context.workflowId('handler');
      const input: WorkflowOperationInput = { workflowId: handlerId };
      const handle = await serviceClient(setup, caller).startOperation('waitForCancel', input, {
        id: operationId,
        scheduleToCloseTimeout: SCHEDULE_TO_CLOSE,
      });
      const handler = context.clientFor(NEXUS_NAMESPACES.handler).workflow.getHandle(handlerId);
      await context.waitForIdle(handler, WORKFLOW_TASK_COMPLETED);
      await handle.cancel('by the runner');
      await context.waitForIdle(handler, WORKFLOW_CANCEL_REQUESTED);
      await handler.signal('release', 'by the runner');
      const result = await settle(handle.result());
      return {
        executions: [handlerExecution(handlerId)],
        outcome: {
          result,
          handler: await settle(handler.result()),
          described: await nexusOperationJson(caller, operationId),
        },
      };
    },
  ),
];
