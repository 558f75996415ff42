import type { temporal } from '../../common/proto';
import { invalidArgument, workflowNotFound } from '../../common/errors';
import { queryWorkflow as query } from '../../engine/query-api';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { CallContext } from '../grpc-service';

export async function queryWorkflow(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IQueryWorkflowRequest,
  context: CallContext,
): Promise<temporal.api.workflowservice.v1.IQueryWorkflowResponse> {
  const namespace = namespaceOf(deps, request);
  const workflowId = request.execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  if (!request.query?.queryType) throw invalidArgument('QueryType is not set on request.');
  const runId =
    request.execution?.runId || (await deps.store.getCurrentRunId({ namespaceId: namespace.id, workflowId }));
  if (!runId) throw workflowNotFound(workflowId);
  return query(deps.engine, { namespaceId: namespace.id, workflowId, runId }, request, context.signal);
}
