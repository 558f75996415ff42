import type { temporal } from '../../common/proto';
import { invalidArgument, workflowNotFound } from '../../common/errors';
import { describeWorkflow } from '../../engine/describe';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function describeWorkflowExecution(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IDescribeWorkflowExecutionRequest,
): temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse {
  const namespace = namespaceOf(deps, request);
  const workflowId = request.execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const runId = request.execution?.runId || deps.engine.currentRunId(namespace.id, workflowId);
  const workflow = runId ? deps.engine.load({ namespaceId: namespace.id, workflowId, runId }) : undefined;
  if (!workflow) throw workflowNotFound(workflowId, request.execution?.runId || undefined);
  return describeWorkflow(workflow);
}
