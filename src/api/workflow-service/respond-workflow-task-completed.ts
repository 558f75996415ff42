import { SYSTEM_ENDPOINT } from '../../engine/system-nexus';
import type { temporal } from '../../common/proto';
import { invalidArgument } from '../../common/errors';
import { completeWorkflowTask } from '../../engine/workflow-task-api';
import { decodeTaskToken } from '../../engine/tasks';
import type { ApiDeps } from '../api-deps';

export async function respondWorkflowTaskCompleted(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): Promise<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedResponse> {
  const token = decodeTaskToken(request.taskToken);
  if (token.k !== 'wft') throw invalidArgument('Task token is not a workflow task token.');
  // An endpoint created through another cluster member a moment ago: read the endpoints before the
  // command is judged (as the Temporal server's registry reads through on a miss).
  const endpoints = deps.nexus.endpoints;
  const named = (request.commands ?? []).map((command) => command.scheduleNexusOperationCommandAttributes?.endpoint);
  if (named.some((name) => name && name !== SYSTEM_ENDPOINT && !endpoints.findByName(name))) await endpoints.refresh();
  return completeWorkflowTask(deps.engine, token, request);
}
