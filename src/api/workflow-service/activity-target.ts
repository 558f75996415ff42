// Resolves the target of an activity response RPC: a task token, or namespace + workflow id + activity id
// (no workflow id: a standalone activity, by its activity id and run id).
import { invalidArgument } from '../../common/errors';
import type { ActivityTarget } from '../../engine/activity-task-api';
import { decodeTaskToken } from '../../engine/tasks';
import { activityWorkflowId } from '../../engine/standalone-activity';
import { type ApiDeps, namespaceOf } from '../api-deps';

export function activityTargetFromToken(taskToken: Uint8Array | null | undefined): ActivityTarget {
  const token = decodeTaskToken(taskToken);
  if (token.k !== 'act') throw invalidArgument('Task token is not an activity task token.');
  return { kind: 'token', token };
}

export function activityTargetFromIds(
  deps: ApiDeps,
  request: { namespace?: string | null; workflowId?: string | null; runId?: string | null; activityId?: string | null },
): ActivityTarget {
  const namespace = namespaceOf(deps, request);
  if (!request.activityId) throw invalidArgument('ActivityId is not set on request.');
  // No workflow id: a standalone activity, whose run the run id names (empty: its latest run).
  const workflowId = request.workflowId || activityWorkflowId(request.activityId);
  return {
    kind: 'id',
    key: { namespaceId: namespace.id, workflowId, runId: request.runId ?? '' },
    activityId: request.activityId,
  };
}
