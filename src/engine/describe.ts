// DescribeWorkflowExecution: configuration, execution info, and everything pending in the run.
import { temporal, decodeBase64, long } from '../common/proto';
import { durationFromMs, timestampFromMs } from '../common/time';
import type { Workflow } from './workflow';
import { executionInfo } from './execution-info';
import { retryPolicyToProto } from './retry-policy';

const PendingActivityState = temporal.api.enums.v1.PendingActivityState;
const PendingWorkflowTaskState = temporal.api.enums.v1.PendingWorkflowTaskState;

export function describeWorkflow(workflow: Workflow): temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse {
  const s = workflow.state;
  const started = workflow.events[0]?.workflowExecutionStartedEventAttributes;
  return {
    executionConfig: {
      taskQueue: { name: s.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowExecutionTimeout: started?.workflowExecutionTimeout ?? durationFromMs(0),
      workflowRunTimeout: started?.workflowRunTimeout ?? durationFromMs(0),
      defaultWorkflowTaskTimeout: durationFromMs(s.workflowTaskTimeoutMs),
    },
    workflowExecutionInfo: { ...executionInfo(workflow.toRecord(), s), ...(started?.rootWorkflowExecution ? { rootExecution: started.rootWorkflowExecution } : {}) },
    pendingActivities: Object.values(s.activities).map((a) => ({
      activityId: a.activityId,
      activityType: { name: a.activityType },
      state: a.cancelRequested ? PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
        : a.startedTimeMs > 0 ? PendingActivityState.PENDING_ACTIVITY_STATE_STARTED : PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
      ...(a.heartbeatDetails ? { heartbeatDetails: decodeBase64('temporal.api.common.v1.Payloads', a.heartbeatDetails) } : {}),
      ...(a.lastHeartbeatTimeMs ? { lastHeartbeatTime: timestampFromMs(a.lastHeartbeatTimeMs) } : {}),
      ...(a.startedTimeMs ? { lastStartedTime: timestampFromMs(a.startedTimeMs) } : {}),
      attempt: a.attempt,
      maximumAttempts: a.retryPolicy.maximumAttempts,
      scheduledTime: timestampFromMs(a.currentAttemptScheduledTimeMs),
      ...(a.retryAtMs ? { nextAttemptScheduleTime: timestampFromMs(a.retryAtMs) } : {}),
      ...(a.scheduleToCloseTimeoutMs ? { expirationTime: timestampFromMs(a.firstScheduledTimeMs + a.scheduleToCloseTimeoutMs) } : {}),
      ...(a.lastFailure ? { lastFailure: decodeBase64('temporal.api.failure.v1.Failure', a.lastFailure) } : {}),
      lastWorkerIdentity: a.startedIdentity || a.lastWorkerIdentity,
      activityOptions: {
        taskQueue: { name: a.taskQueue },
        scheduleToCloseTimeout: durationFromMs(a.scheduleToCloseTimeoutMs),
        scheduleToStartTimeout: durationFromMs(a.scheduleToStartTimeoutMs),
        startToCloseTimeout: durationFromMs(a.startToCloseTimeoutMs),
        heartbeatTimeout: durationFromMs(a.heartbeatTimeoutMs),
        retryPolicy: retryPolicyToProto(a.retryPolicy),
      },
    })),
    pendingChildren: Object.values(s.children).map((c) => ({
      workflowId: c.workflowId, runId: c.runId, workflowTypeName: c.workflowType, initiatedId: long(c.initiatedEventId), parentClosePolicy: c.parentClosePolicy,
    })),
    ...(s.workflowTask
      ? {
          pendingWorkflowTask: {
            state: s.workflowTask.startedEventId > 0 ? PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED : PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
            scheduledTime: timestampFromMs(s.workflowTask.scheduledTimeMs),
            originalScheduledTime: timestampFromMs(s.workflowTask.scheduledTimeMs),
            ...(s.workflowTask.startedTimeMs ? { startedTime: timestampFromMs(s.workflowTask.startedTimeMs) } : {}),
            attempt: s.workflowTask.attempt,
          },
        }
      : {}),
  };
}
