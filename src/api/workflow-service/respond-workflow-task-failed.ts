import type { temporal } from '../../common/proto';
import { invalidArgument } from '../../common/errors';
import { failWorkflowTaskFromWorker } from '../../engine/workflow-task-api';
import { decodeTaskToken } from '../../engine/tasks';
import type { ApiDeps } from '../api-deps';

export async function respondWorkflowTaskFailed(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest,
): Promise<temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedResponse> {
  const token = decodeTaskToken(request.taskToken);
  if (token.k !== 'wft') throw invalidArgument('Task token is not a workflow task token.');
  await failWorkflowTaskFromWorker(deps.engine, token, request);
  return {};
}
