// The mutable state of one workflow run: everything the engine needs to decide what happens next,
// without re-reading history. It is plain JSON (protobuf pieces are base64) and is persisted with every
// history append, so a restart rebuilds timers and task queues from it alone.

export interface RetryPolicyState {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0 = unlimited. */
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export interface WorkflowTaskState {
  scheduledEventId: number;
  /** 0 until a worker picks it up. */
  startedEventId: number;
  attempt: number;
  scheduledTimeMs: number;
  startedTimeMs: number;
  /** Queue it is dispatched to: the sticky queue or the normal one. */
  taskQueue: string;
  isSticky: boolean;
  startToCloseTimeoutMs: number;
  requestId: string;
  /** Set while the task is speculative: its Scheduled (and Started) events, base64, not yet in history. */
  speculativeEvents?: string[] | null;
}

export interface ActivityState {
  activityId: string;
  activityType: string;
  scheduledEventId: number;
  taskQueue: string;
  attempt: number;
  firstScheduledTimeMs: number;
  currentAttemptScheduledTimeMs: number;
  /** 0 while not running. */
  startedTimeMs: number;
  startedIdentity: string;
  /**
   * Build id the worker stamped on its completion or failure of this attempt; the lazily written
   * started event carries it as `workerVersion` (the Temporal server writes none on a timeout).
   */
  startedBuildId?: string;
  requestId: string;
  scheduleToStartTimeoutMs: number;
  scheduleToCloseTimeoutMs: number;
  startToCloseTimeoutMs: number;
  heartbeatTimeoutMs: number;
  retryPolicy: RetryPolicyState;
  lastHeartbeatTimeMs: number;
  /** Encoded Payloads (base64). */
  heartbeatDetails: string | null;
  /** Encoded Failure (base64) of the last failed attempt. */
  lastFailure: string | null;
  lastWorkerIdentity: string;
  cancelRequested: boolean;
  /** Set while backing off before the next attempt. */
  retryAtMs: number;
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  fireAtMs: number;
}

export interface ChildState {
  initiatedEventId: number;
  /** 0 until the child run exists. */
  startedEventId: number;
  namespace: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  /** temporal.api.enums.v1.ParentClosePolicy */
  parentClosePolicy: number;
  /** The child start has been tried (started or failed). */
  isStartResolved: boolean;
}

export interface ExternalRequestState {
  initiatedEventId: number;
  kind: 'signal' | 'cancel';
  namespace: string;
  workflowId: string;
  runId: string;
}

export interface ParentState {
  namespace: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

export interface UpdateRecord {
  acceptedEventId: number;
  completedEventId: number;
}

export const NexusOperationStatus = { Scheduled: 'scheduled', BackingOff: 'backing-off', Started: 'started' } as const;
export type NexusOperationStatus = (typeof NexusOperationStatus)[keyof typeof NexusOperationStatus];

export const NexusCancelStatus = {
  Pending: 'pending',
  Scheduled: 'scheduled',
  BackingOff: 'backing-off',
  Succeeded: 'succeeded',
  Failed: 'failed',
} as const;
export type NexusCancelStatus = (typeof NexusCancelStatus)[keyof typeof NexusCancelStatus];

export interface NexusCancelState {
  requestedEventId: number;
  requestedTimeMs: number;
  status: NexusCancelStatus;
  attempt: number;
  nextAttemptAtMs: number;
  lastAttemptCompleteTimeMs: number;
  /** Encoded Failure (base64). */
  lastFailure: string | null;
}

/** A Nexus operation the workflow scheduled and that has not reached a terminal event yet. */
export interface NexusOperationState {
  scheduledEventId: number;
  endpoint: string;
  endpointId: string;
  service: string;
  operation: string;
  requestId: string;
  status: NexusOperationStatus;
  scheduledTimeMs: number;
  scheduleToCloseTimeoutMs: number;
  scheduleToStartTimeoutMs: number;
  startToCloseTimeoutMs: number;
  startedTimeMs: number;
  attempt: number;
  lastAttemptCompleteTimeMs: number;
  /** Encoded Failure (base64) of the last failed attempt. */
  lastAttemptFailure: string | null;
  nextAttemptAtMs: number;
  blockedReason: string;
  operationToken: string;
  cancel: NexusCancelState | null;
}

/** One auto-reset point (see reset-points.ts); times in ms, 0 = unset. */
export interface ResetPointState {
  buildId: string;
  binaryChecksum: string;
  runId: string;
  firstWorkflowTaskCompletedId: number;
  createTimeMs: number;
  expireTimeMs: number;
  resettable: boolean;
}

export interface MutableState {
  /** Auto-reset points of the execution chain; absent in records written before they were kept. */
  autoResetPoints?: ResetPointState[];
  namespaceId: string;
  workflowId: string;
  runId: string;
  firstExecutionRunId: string;
  workflowType: string;
  taskQueue: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus */
  status: number;
  startTimeMs: number;
  executionTimeMs: number;
  closeTimeMs: number;
  nextEventId: number;
  /** previous_started_event_id: the started event of the last completed workflow task. */
  lastCompletedStartedEventId: number;
  lastCompletedWorkflowTaskEventId: number;
  workflowTaskTimeoutMs: number;
  /** Absolute deadlines; 0 = none. */
  runExpirationMs: number;
  executionExpirationMs: number;
  /** When the first workflow task may be scheduled (start delay / retry backoff); 0 = already done. */
  firstWorkflowTaskAtMs: number;
  workflowTask: WorkflowTaskState | null;
  stickyTaskQueue: string;
  stickyScheduleToStartTimeoutMs: number;
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  children: Record<string, ChildState>;
  externalRequests: Record<string, ExternalRequestState>;
  parent: ParentState | null;
  cancelRequested: boolean;
  /** Encoded events waiting for the running workflow task to finish (base64 HistoryEvent). */
  bufferedEvents: string[];
  updates: Record<string, UpdateRecord>;
  /** Start request ids seen for this run (request-id dedup). */
  startRequestIds: string[];
  /** Encoded Memo / SearchAttributes (base64), null when empty. */
  memo: string | null;
  searchAttributes: string | null;
  /** WorkflowExecutionStarted fields carried to a continued run. */
  retryPolicy: RetryPolicyState | null;
  attempt: number;
  /** Nexus completion callbacks attached at start (base64 temporal.api.common.v1.Callback). */
  completionCallbacks: string[];
  nexusOperations: Record<string, NexusOperationState>;
  historySizeBytes: number;
}

export function isRunning(state: MutableState): boolean {
  return state.status === 1;
}
