import type { temporal } from '../../common/proto';
import { invalidArgument } from '../../common/errors';
import { respondQueryTaskCompleted as respond } from '../../engine/query-api';
import { decodeTaskToken } from '../../engine/tasks';
import type { ApiDeps } from '../api-deps';

export function respondQueryTaskCompleted(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest,
): temporal.api.workflowservice.v1.IRespondQueryTaskCompletedResponse {
  const token = decodeTaskToken(request.taskToken);
  if (token.k !== 'qry') throw invalidArgument('Task token is not a query task token.');
  respond(deps.engine, token, request);
  return {};
}
