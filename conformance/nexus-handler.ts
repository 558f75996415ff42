// The Nexus handler of the conformance scenarios, registered on the handler workers that Nexus
// scenarios start. Workflow-backed operations start conformance workflows by name, so this file does
// not import workflow code.
import * as nexus from 'nexus-rpc';
import * as temporalNexus from '@temporalio/nexus';
import {
  conformanceService,
  type ActivityOperationInput,
  type ChainInput,
  type WorkflowOperationInput,
} from './nexus-service';

/** What the signal-backed operations send with `release`. */
const RELEASE_BY_OPERATION = 'by a Nexus operation';

/** Inputs whose first attempt has failed; bounded by the scenarios of one run (one entry each). */
const failedOnce = new Set<string>();

export const conformanceServiceHandler = nexus.serviceHandler(conformanceService, {
  echo: (_ctx, input: string): Promise<string> => Promise.resolve(input),
  waitForRelease: new temporalNexus.WorkflowRunOperationHandler<WorkflowOperationInput, string>((ctx, input) =>
    temporalNexus.startWorkflow(ctx, 'waitForRelease', { args: [], workflowId: input.workflowId }),
  ),
  waitForCancel: new temporalNexus.WorkflowRunOperationHandler<WorkflowOperationInput, string>((ctx, input) =>
    temporalNexus.startWorkflow(ctx, 'waitForCancel', { args: [], workflowId: input.workflowId }),
  ),
  failOperation: (_ctx, message: string): Promise<string> =>
    Promise.reject(new nexus.OperationError('failed', message)),
  badRequest: (_ctx, message: string): Promise<string> =>
    Promise.reject(new nexus.HandlerError('BAD_REQUEST', message)),
  failFirstAttempt: (_ctx, input: string): Promise<string> => {
    if (failedOnce.has(input)) return Promise.resolve(`succeeded after a failed attempt: ${input}`);
    failedOnce.add(input);
    return Promise.reject(new nexus.HandlerError('INTERNAL', 'first attempt fails on purpose'));
  },
  chain: new temporalNexus.WorkflowRunOperationHandler<ChainInput, string>((ctx, input) =>
    temporalNexus.startWorkflow(ctx, 'nexusChainMiddle', {
      args: [input.endpoint, input.leafWorkflowId],
      workflowId: input.workflowId,
    }),
  ),
  signalRelease: new temporalNexus.TemporalOperationHandler<WorkflowOperationInput, string>({
    start: async (_ctx, client, input) => {
      await client.getWorkflowHandle(input.workflowId).signal('release', RELEASE_BY_OPERATION);
      return temporalNexus.TemporalOperationResult.sync('signalled');
    },
  }),
  signalWithStartRelease: new temporalNexus.TemporalOperationHandler<WorkflowOperationInput, string>({
    start: async (_ctx, client, input) => {
      await client.signalWithStartWorkflow<() => Promise<string>, [string]>('waitForRelease', {
        workflowId: input.workflowId,
        args: [],
        signal: 'release',
        signalArgs: [RELEASE_BY_OPERATION],
      });
      return temporalNexus.TemporalOperationResult.sync('signal-with-started');
    },
  }),
  queryState: new temporalNexus.TemporalOperationHandler<WorkflowOperationInput, string>({
    start: async (_ctx, client, input) =>
      temporalNexus.TemporalOperationResult.sync(
        await client.getWorkflowHandle(input.workflowId).query<string>('state'),
      ),
  }),
  approve: new temporalNexus.TemporalOperationHandler<WorkflowOperationInput, string>({
    start: async (_ctx, client, input) =>
      await client.getWorkflowHandle(input.workflowId).update<string, [string]>('approve', { args: ['the caller'] }),
  }),
  gatedActivity: new temporalNexus.TemporalOperationHandler<ActivityOperationInput, string>({
    start: async (_ctx, client, input) =>
      await client.startActivity('awaitGate', {
        id: input.activityId,
        args: [input.activityId],
        startToCloseTimeout: '30s',
      }),
  }),
});
