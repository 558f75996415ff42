import type { temporal } from '../../common/proto';
import { invalidArgument } from '../../common/errors';
import { describeWorkflow } from '../../engine/describe';
import { findRun } from '../../engine/client-api';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function describeWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IDescribeWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse> {
  const namespace = namespaceOf(deps, request);
  const workflowId = request.execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  return deps.engine.run({ namespaceId: namespace.id, workflowId }, async (tx) =>
    describeWorkflow(deps.engine.ctx, await findRun(tx, namespace, request.execution)),
  );
}
