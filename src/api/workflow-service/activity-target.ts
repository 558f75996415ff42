// Resolves the target of an activity response RPC: a task token, or namespace + workflow id + activity id.
import { invalidArgument } from '../../common/errors';
import type { ActivityTarget } from '../../engine/activity-task-api';
import { decodeTaskToken } from '../../engine/tasks';
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
  if (!request.workflowId) throw invalidArgument('WorkflowId is not set on request.');
  if (!request.activityId) throw invalidArgument('ActivityId is not set on request.');
  return {
    kind: 'id',
    key: { namespaceId: namespace.id, workflowId: request.workflowId, runId: request.runId ?? '' },
    activityId: request.activityId,
  };
}
