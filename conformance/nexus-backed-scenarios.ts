// Nexus conformance scenarios whose operations are backed by Temporal calls other than a workflow
// start (the SDKs' TemporalOperationHandler): a signal and a signal-with-start (sync, with links both
// ways), a query (sync, linked to the queried workflow), an update (async, completed by the update's
// completion callback) and a standalone activity (async, completed when the activity closes).
//
// As in nexus-scenarios.ts nothing may race a workflow task: the update completes and the activity
// returns only once the runner has seen the caller and the handler idle.
import { isWaitingAt, openGate } from './activity-gates';
import { activityExecutionJson, eventually } from './describe-json';
import type { ConformanceOperation, WorkflowOperationInput } from './nexus-service';
import {
  LONG_TIMEOUTS,
  NEXUS_NAMESPACES,
  OPERATION_STARTED,
  WORKFLOW_TASK_COMPLETED,
  callerExecution,
  handlerScenario,
  startCall,
} from './nexus-setup';
import { settle, type Scenario } from './scenario';

const UPDATE_ACCEPTED = 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED';
const UPDATE_COMPLETED = 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED';

/**
 * The caller runs `operation` on a `waitForRelease` workflow that the runner started (or, for
 * signal-with-start, that the operation starts); caller and target histories are recorded.
 */
function targetScenario(
  name: string,
  description: string,
  operation: ConformanceOperation,
  isStartedByRunner: boolean,
): Scenario {
  return handlerScenario(name, description, async (context, setup) => {
    const workflowId = context.workflowId();
    const targetId = context.workflowId('target');
    const handler = context.clientFor(NEXUS_NAMESPACES.handler);
    if (isStartedByRunner) {
      const target = await handler.workflow.start('waitForRelease', {
        taskQueue: setup.handlerTaskQueues[0] ?? '',
        workflowId: targetId,
      });
      await context.waitForIdle(target, WORKFLOW_TASK_COMPLETED);
    }
    const input: WorkflowOperationInput = { workflowId: targetId };
    const caller = await startCall(setup, workflowId, operation, input, LONG_TIMEOUTS);
    const callerOutcome = await settle(caller.result());
    const target = handler.workflow.getHandle(targetId);
    // A query leaves the target waiting: the runner releases it once the caller has its answer.
    if (operation === 'queryState') await target.signal('release', 'by the runner');
    return {
      executions: [
        callerExecution(workflowId),
        { label: 'target', workflowId: targetId, namespace: NEXUS_NAMESPACES.handler },
      ],
      outcome: { caller: callerOutcome, target: await settle(target.result()) },
    };
  });
}

export const nexusBackedScenarios: readonly Scenario[] = [
  targetScenario(
    'nexus-signal-backed',
    'A sync operation signals a running workflow: the Signaled event links to the caller, the caller completes with the response link.',
    'signalRelease',
    true,
  ),
  targetScenario(
    'nexus-signal-with-start-backed',
    'A sync operation signal-with-starts a workflow: its Started and Signaled events link to the caller.',
    'signalWithStartRelease',
    false,
  ),
  targetScenario(
    'nexus-query-backed',
    'A sync operation queries a running workflow: the caller completes with the answer and a link to the queried workflow.',
    'queryState',
    true,
  ),
  handlerScenario(
    'nexus-update-backed',
    'An async operation backed by an update: UpdateAccepted carries the callback links; the update completion completes the caller.',
    async (context, setup) => {
      const workflowId = context.workflowId();
      const targetId = context.workflowId('target');
      const handler = context.clientFor(NEXUS_NAMESPACES.handler);
      const target = await handler.workflow.start('approvals', {
        taskQueue: setup.handlerTaskQueues[0] ?? '',
        workflowId: targetId,
      });
      await context.waitForIdle(target, WORKFLOW_TASK_COMPLETED);
      const input: WorkflowOperationInput = { workflowId: targetId };
      const caller = await startCall(setup, workflowId, 'approve', input, LONG_TIMEOUTS);
      await context.waitForIdle(caller, OPERATION_STARTED);
      await context.waitForIdle(target, UPDATE_ACCEPTED);
      await target.signal('release', 'by the runner');
      const callerOutcome = await settle(caller.result());
      await context.waitForIdle(target, UPDATE_COMPLETED);
      await target.signal('finish');
      return {
        executions: [
          callerExecution(workflowId),
          { label: 'target', workflowId: targetId, namespace: NEXUS_NAMESPACES.handler },
        ],
        outcome: { caller: callerOutcome, target: await settle(target.result()) },
      };
    },
  ),
  handlerScenario(
    'nexus-activity-backed',
    'An async operation backed by a standalone activity: Started links to the activity, whose close completes the caller; describe of the activity.',
    async (context, setup) => {
      const workflowId = context.workflowId();
      const activityId = context.workflowId('activity');
      const caller = await startCall(setup, workflowId, 'gatedActivity', { activityId }, LONG_TIMEOUTS);
      await context.waitForIdle(caller, OPERATION_STARTED);
      await eventually(() => isWaitingAt(activityId), `activity ${activityId} never reached its gate`);
      openGate(activityId);
      const callerOutcome = await settle(caller.result());
      const handler = context.clientFor(NEXUS_NAMESPACES.handler);
      return {
        executions: [callerExecution(workflowId)],
        outcome: { caller: callerOutcome, activity: await activityExecutionJson(handler, activityId) },
      };
    },
  ),
];
