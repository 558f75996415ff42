// DescribeWorkflowExecution: configuration, execution info, and everything pending in the run.
import { temporal, decodeBase64, long } from '../common/proto';
import {
  NexusCancelStatus,
  NexusOperationStatus,
  type NexusCancelState,
  type NexusOperationState,
} from './mutable-state';
import { durationFromMs, timestampFromMs } from '../common/time';
import type { Workflow } from './workflow';
import type { EngineContext } from './engine-context';
import { isRunning } from './mutable-state';
import { recordOf } from './workflow-record';
import { callbackInfos } from './callbacks';
import { executionInfo } from './execution-info';
import { pendingActivityInfo } from './pending-activity-info';
import { resetPointsToProto } from './reset-points';

const PendingWorkflowTaskState = temporal.api.enums.v1.PendingWorkflowTaskState;

/** As the Temporal server's describe: deadlines, the original start time, whether a cancel was asked. */
function extendedInfo(workflow: Workflow): temporal.api.workflow.v1.IWorkflowExecutionExtendedInfo {
  const s = workflow.state;
  return {
    executionExpirationTime: s.executionExpirationMs > 0 ? timestampFromMs(s.executionExpirationMs) : null,
    runExpirationTime: s.runExpirationMs > 0 ? timestampFromMs(s.runExpirationMs) : null,
    originalStartTime: workflow.startedEvent?.eventTime ?? timestampFromMs(s.startTimeMs),
    cancelRequested: s.cancelRequested,
    // The request ids this run answers: its start's, at WorkflowExecutionStarted, and those later starts
    // attached (USE_EXISTING), at their WorkflowExecutionOptionsUpdated (buffered while a task runs).
    requestIdInfos: Object.fromEntries([
      ...(s.startRequestIds ?? []).map((requestId) => [
        requestId,
        { eventType: RequestIdEventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, eventId: long(1), buffered: false },
      ]),
      ...Object.entries(s.attachedRequestIds ?? {}).map(([requestId, eventId]) => [
        requestId,
        {
          eventType: RequestIdEventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED,
          ...(eventId > 0 ? { eventId: long(eventId), buffered: false } : { buffered: true }),
        },
      ]),
    ]),
  };
}

const RequestIdEventType = temporal.api.enums.v1.EventType;

export function describeWorkflow(
  ctx: EngineContext,
  workflow: Workflow,
): temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse {
  const s = workflow.state;
  const started = workflow.startedEvent?.workflowExecutionStartedEventAttributes;
  const isBlocked = (op: NexusOperationState): boolean => ctx.nexusCircuits.isOpen(s.namespaceId, op.endpoint);
  return {
    executionConfig: {
      taskQueue: { name: s.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowExecutionTimeout: started?.workflowExecutionTimeout ?? durationFromMs(0),
      workflowRunTimeout: started?.workflowRunTimeout ?? durationFromMs(0),
      defaultWorkflowTaskTimeout: durationFromMs(s.workflowTaskTimeoutMs),
      ...(workflow.startedEvent?.userMetadata ? { userMetadata: workflow.startedEvent.userMetadata } : {}),
    },
    workflowExecutionInfo: {
      ...executionInfo(recordOf(workflow, ''), s),
      rootExecution: started?.rootWorkflowExecution ?? { workflowId: s.workflowId, runId: s.runId },
      autoResetPoints: resetPointsToProto(s.autoResetPoints ?? []),
      ...(started?.priority ? { priority: started.priority } : {}),
    },
    pendingActivities: Object.values(s.activities).map((a) => pendingActivityInfo(a, ctx.clock.nowMs())),
    pendingChildren: Object.values(s.children).map((c) => ({
      workflowId: c.workflowId,
      runId: c.runId,
      workflowTypeName: c.workflowType,
      initiatedId: long(c.initiatedEventId),
      parentClosePolicy: c.parentClosePolicy,
    })),
    pendingNexusOperations: isRunning(s)
      ? Object.values(s.nexusOperations).map((op) => pendingNexusOperation(op, isBlocked(op)))
      : [],
    callbacks: callbackInfos(workflow),
    workflowExtendedInfo: extendedInfo(workflow),
    ...(s.workflowTask
      ? {
          pendingWorkflowTask: {
            state:
              s.workflowTask.startedEventId > 0
                ? PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
                : PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
            scheduledTime: timestampFromMs(s.workflowTask.scheduledTimeMs),
            originalScheduledTime: timestampFromMs(s.workflowTask.scheduledTimeMs),
            ...(s.workflowTask.startedTimeMs ? { startedTime: timestampFromMs(s.workflowTask.startedTimeMs) } : {}),
            attempt: s.workflowTask.attempt,
          },
        }
      : {}),
  };
}

const PendingNexusState = temporal.api.enums.v1.PendingNexusOperationState;
const CancellationState = temporal.api.enums.v1.NexusOperationCancellationState;

const CIRCUIT_BREAKER_OPEN_REASON = 'The circuit breaker is open.';

function pendingNexusOperation(
  op: NexusOperationState,
  isCircuitOpen: boolean,
): temporal.api.workflow.v1.IPendingNexusOperationInfo {
  // As the Temporal server: an attempt the circuit breaker holds back shows as blocked, and so does the cancel.
  const isBlocked = isCircuitOpen && op.status === NexusOperationStatus.Scheduled;
  const state = isBlocked
    ? PendingNexusState.PENDING_NEXUS_OPERATION_STATE_BLOCKED
    : op.status === NexusOperationStatus.Started
      ? PendingNexusState.PENDING_NEXUS_OPERATION_STATE_STARTED
      : op.status === NexusOperationStatus.BackingOff
        ? PendingNexusState.PENDING_NEXUS_OPERATION_STATE_BACKING_OFF
        : PendingNexusState.PENDING_NEXUS_OPERATION_STATE_SCHEDULED;
  return {
    endpoint: op.endpoint,
    service: op.service,
    operation: op.operation,
    operationId: op.operationToken,
    operationToken: op.operationToken,
    scheduleToCloseTimeout: durationFromMs(op.scheduleToCloseTimeoutMs),
    scheduleToStartTimeout: durationFromMs(op.scheduleToStartTimeoutMs),
    startToCloseTimeout: durationFromMs(op.startToCloseTimeoutMs),
    scheduledTime: timestampFromMs(op.scheduledTimeMs),
    state,
    attempt: op.attempt,
    scheduledEventId: long(op.scheduledEventId),
    blockedReason: isBlocked ? CIRCUIT_BREAKER_OPEN_REASON : '',
    ...(op.lastAttemptCompleteTimeMs ? { lastAttemptCompleteTime: timestampFromMs(op.lastAttemptCompleteTimeMs) } : {}),
    ...(op.lastAttemptFailure
      ? { lastAttemptFailure: decodeBase64('temporal.api.failure.v1.Failure', op.lastAttemptFailure) }
      : {}),
    ...(op.nextAttemptAtMs ? { nextAttemptScheduleTime: timestampFromMs(op.nextAttemptAtMs) } : {}),
    ...(op.cancel ? { cancellationInfo: cancellationInfo(op.cancel, isCircuitOpen) } : {}),
  };
}

function cancellationInfo(
  cancel: NexusCancelState,
  isCircuitOpen: boolean,
): temporal.api.workflow.v1.INexusOperationCancellationInfo {
  const states: Record<NexusCancelState['status'], number> = {
    [NexusCancelStatus.Blocked]: CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_BLOCKED,
    [NexusCancelStatus.Scheduled]: CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_SCHEDULED,
    [NexusCancelStatus.BackingOff]: CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_BACKING_OFF,
    [NexusCancelStatus.Succeeded]: CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_SUCCEEDED,
    [NexusCancelStatus.Failed]: CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_FAILED,
  };
  const isHeldBack = isCircuitOpen && cancel.status === NexusCancelStatus.Scheduled;
  const blockedReason =
    cancel.status === NexusCancelStatus.Blocked
      ? 'the operation has not started yet'
      : isHeldBack
        ? CIRCUIT_BREAKER_OPEN_REASON
        : '';
  return {
    requestedTime: timestampFromMs(cancel.requestedTimeMs),
    state: isHeldBack ? CancellationState.NEXUS_OPERATION_CANCELLATION_STATE_BLOCKED : states[cancel.status],
    attempt: cancel.attempt,
    ...(blockedReason ? { blockedReason } : {}),
    ...(cancel.lastAttemptCompleteTimeMs
      ? { lastAttemptCompleteTime: timestampFromMs(cancel.lastAttemptCompleteTimeMs) }
      : {}),
    ...(cancel.lastFailure
      ? { lastAttemptFailure: decodeBase64('temporal.api.failure.v1.Failure', cancel.lastFailure) }
      : {}),
    ...(cancel.nextAttemptAtMs ? { nextAttemptScheduleTime: timestampFromMs(cancel.nextAttemptAtMs) } : {}),
  };
}
