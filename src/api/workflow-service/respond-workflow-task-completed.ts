import type { temporal } from '../../common/proto';
import { invalidArgument } from '../../common/errors';
import { completeWorkflowTask } from '../../engine/workflow-task-api';
import { decodeTaskToken } from '../../engine/tasks';
import type { ApiDeps } from '../api-deps';

export function respondWorkflowTaskCompleted(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): Promise<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedResponse> {
  const token = decodeTaskToken(request.taskToken);
  if (token.k !== 'wft') throw invalidArgument('Task token is not a workflow task token.');
  return completeWorkflowTask(deps.engine, token, request);
}
