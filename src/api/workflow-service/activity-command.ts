// What the four operator commands on a workflow's activities check first, as the Temporal frontend
// does: the workflow id, which activities (by id, by type, or all of them), and the run id.
import { invalidArgument } from '../../common/errors';
import type { google, temporal } from '../../common/proto';
import { msFromDuration } from '../../common/time';
import type { ActivityCommandTarget, ActivitySelector } from '../../engine/activity-operator';
import { validRunId } from '../../engine/standalone-common';

const FAIRNESS_KEY_LENGTH_MAX = 64;

/** The fields the four requests share; `activity` is their oneof (id, type, match_all or unpause_all). */
interface ActivityCommandRequest {
  readonly execution?: temporal.api.common.v1.IWorkflowExecution | null;
  readonly activity?: string;
  readonly id?: string | null;
  readonly type?: string | null;
}

export function activityCommandTarget(request: ActivityCommandRequest): ActivityCommandTarget {
  if (!request.execution?.workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const selector = selectorOf(request);
  validRunId(request.execution.runId, 'RunId is not valid UUID.');
  return { execution: request.execution, selector };
}

function selectorOf(request: ActivityCommandRequest): ActivitySelector {
  switch (request.activity) {
    case 'id':
      return { kind: 'id', activityId: request.id ?? '' };
    case 'type':
      return { kind: 'type', activityType: request.type ?? '' };
    case 'matchAll':
    case 'unpauseAll':
      return { kind: 'all' };
    default:
      throw invalidArgument('Either Activity.Id or Activity.Type should be set on request.');
  }
}

/**
 * The jitter of an unpause or reset. The server takes a random offset below it (a negative one breaks
 * its random source: it answers INTERNAL); here a negative jitter is INVALID_ARGUMENT.
 */
export function jitterMsOf(jitter: google.protobuf.IDuration | null | undefined): number {
  const ms = msFromDuration(jitter);
  if (ms < 0) throw invalidArgument('invalid jitter: negative duration');
  return ms;
}

/** The frontend's priority check (common/priorities), in its words. */
export function checkPriority(priority: temporal.api.common.v1.IPriority | null | undefined): void {
  if (!priority) return;
  if ((priority.priorityKey ?? 0) < 0) throw invalidArgument("priority key can't be negative");
  if (Buffer.byteLength(priority.fairnessKey ?? '', 'utf8') > FAIRNESS_KEY_LENGTH_MAX) {
    throw invalidArgument('fairness key length exceeds limit');
  }
  if ((priority.fairnessWeight ?? 0) < 0) throw invalidArgument('must be greater than zero');
}
