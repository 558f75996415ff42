// The Nexus handler of the conformance scenarios, registered on the handler workers that Nexus
// scenarios start. Workflow-backed operations start conformance workflows by name, so this file does
// not import workflow code.
import * as nexus from 'nexus-rpc';
import * as temporalNexus from '@temporalio/nexus';
import { conformanceService, type ChainInput, type WorkflowOperationInput } from './nexus-service';

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
});
