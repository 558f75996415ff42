// The Nexus service of the conformance scenarios: the contract shared by caller workflows
// (conformance/nexus-workflows.ts) and the handler (conformance/nexus-handler.ts).
import * as nexus from 'nexus-rpc';

/** Input of an operation backed by a workflow: the id the handler gives that workflow. */
export interface WorkflowOperationInput {
  readonly workflowId: string;
}

/** Input of an activity-backed operation: the id of the standalone activity the handler starts. */
export interface ActivityOperationInput {
  readonly activityId: string;
}

/** Input of the chain's middle operation: its own workflow id, and where and as what to call next. */
export interface ChainInput {
  readonly workflowId: string;
  readonly endpoint: string;
  readonly leafWorkflowId: string;
}

export const conformanceService = nexus.service('conformance', {
  /** Sync: returns its input. */
  echo: nexus.operation<string, string>(),
  /** Async: starts `waitForRelease`, which completes once the runner signals `release`. */
  waitForRelease: nexus.operation<WorkflowOperationInput, string>(),
  /** Async: starts `waitForCancel`, which ends only when cancelled (and then released) or terminated. */
  waitForCancel: nexus.operation<WorkflowOperationInput, string>(),
  /** Sync: fails with an OperationError (the operation failed; no retry). */
  failOperation: nexus.operation<string, string>(),
  /** Sync: fails with a non-retryable BAD_REQUEST HandlerError. */
  badRequest: nexus.operation<string, string>(),
  /** Sync: fails its first attempt with a retryable INTERNAL HandlerError, then returns its input. */
  failFirstAttempt: nexus.operation<string, string>(),
  /** Async: starts `nexusChainMiddle`, which calls `waitForRelease` on the next endpoint. */
  chain: nexus.operation<ChainInput, string>(),
  /** Sync: signals `release` to the given workflow (a signal-backed operation, with links both ways). */
  signalRelease: nexus.operation<WorkflowOperationInput, string>(),
  /** Sync: signal-with-starts `waitForRelease` with `release`, so the started workflow ends at once. */
  signalWithStartRelease: nexus.operation<WorkflowOperationInput, string>(),
  /** Sync: queries `state` of the given workflow; the result links to that workflow. */
  queryState: nexus.operation<WorkflowOperationInput, string>(),
  /** Async: the update `approve` of the given `approvals` workflow; completes with the update. */
  approve: nexus.operation<WorkflowOperationInput, string>(),
  /** Async: a standalone activity `awaitGate`, which returns once the runner opens its gate. */
  gatedActivity: nexus.operation<ActivityOperationInput, string>(),
});

export type ConformanceOperation = keyof typeof conformanceService.operations;
