// Eager activity dispatch, as the Temporal server does it: a ScheduleActivityTask command with
// request_eager_execution (which the SDKs send only for an activity on the workflow's own task queue,
// when the worker has a slot free) is not handed to matching; the workflow task's completion starts the
// attempt at once and returns it in RespondWorkflowTaskCompletedResponse.activity_tasks, to the worker
// that completed the task. If that worker never runs it, the attempt's start-to-close timeout retries it
// through matching like any other. The server's system.enableActivityEagerExecution turns it off.
import type { temporal } from '../common/proto';
import { activityTaskToken, startActivityTask, findActivityById } from './activities';
import type { EngineContext } from './engine-context';
import { ActivityStatus, isRunning } from './mutable-state';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';

type ActivityTask = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;

/** Starts the activities scheduled eagerly by this workflow task (if still scheduled) and returns their tasks. */
export async function startEagerActivities(
  ctx: EngineContext,
  tx: Transaction,
  workflow: Workflow,
  activityIds: readonly string[],
  identity: string,
): Promise<ActivityTask[]> {
  const s = workflow.state;
  if (activityIds.length === 0 || !isRunning(s)) return [];
  const namespace = ctx.namespaces.findById(s.namespaceId)?.name ?? '';
  const tasks: ActivityTask[] = [];
  for (const activityId of activityIds) {
    // Cancelled by a later command of the same task, it is gone (or no longer merely scheduled).
    const activity = findActivityById(workflow, activityId);
    if (!activity || activity.status !== ActivityStatus.Scheduled || activity.dispatchTaskId !== 0) continue;
    const scheduled = (await tx.event(workflow, activity.scheduledEventId))?.activityTaskScheduledEventAttributes;
    tasks.push(
      startActivityTask(workflow, activity, scheduled, {
        identity,
        requestId: ctx.ids.uuid(),
        nowMs: tx.nowMs,
        namespace,
        taskToken: activityTaskToken(workflow, activity),
        sdk: { name: '', version: '' },
      }),
    );
  }
  return tasks;
}
