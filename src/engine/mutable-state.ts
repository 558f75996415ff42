// The mutable state of one workflow run: everything the engine needs to decide what happens next,
// without re-reading history. It is plain JSON (protobuf pieces are base64). The core is one row; each
// entry of the item maps (ITEM_FIELDS) is a row of its own, written only when it changes, so a commit
// writes what it changed and not the whole state. A restart needs nothing but these rows and the
// run's tasks in the outbox.
import type { ScheduleRunState } from './schedule-state';

/** The version of this layout, kept in every persisted core; older layouts are upgraded on load. */
export const MUTABLE_STATE_VERSION = 2;

export interface RetryPolicyState {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0 = unlimited. */
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

// Each entity's states include its terminal ones: a record in a terminal state is removed from the run
// by the transaction that put it there, so persisted records are never in one.

export const WorkflowTaskStatus = {
  Scheduled: 'scheduled',
  Started: 'started',
  Completed: 'completed',
  Failed: 'failed',
  TimedOut: 'timed-out',
} as const;
export type WorkflowTaskStatus = (typeof WorkflowTaskStatus)[keyof typeof WorkflowTaskStatus];

export interface WorkflowTaskState {
  status: WorkflowTaskStatus;
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
  /** The outbox task that hands it to matching (0 once it started). */
  dispatchTaskId: number;
  /** Set while the task is speculative: its Scheduled (and Started) events, base64, not yet in history. */
  speculativeEvents?: string[] | null;
}

export const ActivityStatus = {
  Scheduled: 'scheduled',
  Started: 'started',
  BackingOff: 'backing-off',
  /** Not running, and not dispatched until UnpauseActivity (or ResetActivity) lets it go on. */
  Paused: 'paused',
  Completed: 'completed',
  Failed: 'failed',
  Canceled: 'canceled',
  TimedOut: 'timed-out',
} as const;
export type ActivityStatus = (typeof ActivityStatus)[keyof typeof ActivityStatus];

/** Who paused an activity (PauseActivity), and when. */
export interface ActivityPause {
  timeMs: number;
  identity: string;
  reason: string;
  /** The request id of the PauseActivity that paused it: the same request again is no error. */
  requestId: string;
}

/** temporal.api.common.v1.Priority, as plain JSON. */
export interface ActivityPriority {
  priorityKey?: number;
  fairnessKey?: string;
  fairnessWeight?: number;
}

export interface ActivityState {
  status: ActivityStatus;
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
  /** The ActivityTaskCancelRequested event, 0 = none. */
  cancelRequestedEventId: number;
  /** Set while backing off before the next attempt. */
  retryAtMs: number;
  /** The outbox task that hands the current attempt to matching (0 once it started). */
  dispatchTaskId: number;
  /**
   * Set while paused: always in status `paused`, and on a `started` attempt that runs on (the worker
   * learns it from its heartbeats; when the attempt fails, no retry follows until an unpause).
   */
  pause?: ActivityPause;
  /** ResetActivity of a running attempt: its heartbeats say so (`activity_reset`) until the attempt ends. */
  hasPendingReset?: boolean;
  /** ResetActivity or UnpauseActivity asked for the heartbeat details to go when the next attempt starts. */
  shouldClearHeartbeat?: boolean;
  /** When a worker last reported a failed attempt (RespondActivityTaskFailed), 0 or absent = never. */
  lastAttemptCompleteTimeMs?: number;
  /**
   * The priority the activity was scheduled with, or that UpdateActivityOptions gave it (null: none).
   * Absent: none, or a record from before this field (its scheduled event has it).
   */
  priority?: ActivityPriority | null;
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  fireAtMs: number;
}

export interface ChildState {
  initiatedEventId: number;
  /** 0 until the child run exists (negative while ChildWorkflowExecutionStarted is buffered). */
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

export const NexusOperationStatus = {
  Scheduled: 'scheduled',
  BackingOff: 'backing-off',
  Started: 'started',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Canceled: 'canceled',
  TimedOut: 'timed-out',
} as const;
export type NexusOperationStatus = (typeof NexusOperationStatus)[keyof typeof NexusOperationStatus];

export const NexusCancelStatus = {
  /** Requested before the operation started: it is sent once the operation has a token. */
  Blocked: 'blocked',
  Scheduled: 'scheduled',
  BackingOff: 'backing-off',
  Succeeded: 'succeeded',
  Failed: 'failed',
} as const;
export type NexusCancelStatus = (typeof NexusCancelStatus)[keyof typeof NexusCancelStatus];

export interface NexusCancelState {
  status: NexusCancelStatus;
  requestedEventId: number;
  requestedTimeMs: number;
  attempt: number;
  nextAttemptAtMs: number;
  lastAttemptCompleteTimeMs: number;
  /** Encoded Failure (base64). */
  lastFailure: string | null;
}

/** A Nexus operation the workflow scheduled and that has not reached a terminal event yet. */
export interface NexusOperationState {
  status: NexusOperationStatus;
  scheduledEventId: number;
  endpoint: string;
  endpointId: string;
  service: string;
  operation: string;
  requestId: string;
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
  operationToken: string;
  cancel: NexusCancelState | null;
}

/** A standalone Nexus operation (one started by a client): what its run keeps beside the operation item. */
export interface StandaloneOperationState {
  readonly operationId: string;
  readonly identity: string;
  /** The operation item when the run closed (the item itself goes with the close). */
  closed: NexusOperationState | null;
  /** How it ended: an encoded Payload (result) or Failure (base64), for Poll and Describe. */
  outcome: { readonly result?: string; readonly failure?: string } | null;
  cancel: {
    readonly requestId: string;
    readonly reason: string;
    readonly identity: string;
    readonly timeMs: number;
  } | null;
  terminateRequestId: string;
}

/** A standalone activity (one started by a client): what its run keeps beside the activity item. */
export interface StandaloneActivityState {
  readonly activityId: string;
  readonly identity: string;
  readonly startDelayMs: number;
  /** The activity item when the run closed (the item itself goes with the close). */
  closed: ActivityState | null;
  /** How it ended: an encoded Payloads (result) or Failure (base64) with its retry state, for Poll and Describe. */
  outcome: { readonly result?: string; readonly failure?: string; readonly retryState?: number } | null;
  cancel: {
    readonly requestId: string;
    readonly reason: string;
    readonly identity: string;
    readonly timeMs: number;
  } | null;
  terminateRequestId: string;
  heartbeatCount: number;
  lastStartedTimeMs: number;
  lastAttemptCompleteTimeMs: number;
  /** The SDK of the worker that started the latest attempt (its client-name and client-version headers). */
  sdkName?: string;
  sdkVersion?: string;
}

/** Who a poll came from, by its gRPC headers `client-name` and `client-version`. */
export interface WorkerSdk {
  readonly name: string;
  readonly version: string;
}

export const CallbackStatus = {
  Standby: 'standby',
  Scheduled: 'scheduled',
  BackingOff: 'backing-off',
  Succeeded: 'succeeded',
  Failed: 'failed',
} as const;
export type CallbackStatus = (typeof CallbackStatus)[keyof typeof CallbackStatus];

/** A completion callback attached to the run (a Nexus caller waiting for its close). */
export interface CallbackState {
  status: CallbackStatus;
  id: string;
  /** Encoded temporal.api.common.v1.Callback (base64). */
  callback: string;
  registrationTimeMs: number;
  attempt: number;
  lastAttemptCompleteTimeMs: number;
  /** Encoded Failure (base64) of the last failed attempt. */
  lastAttemptFailure: string | null;
  nextAttemptAtMs: number;
  /** An update's callback (an update-backed Nexus operation): it fires when that update completes. */
  updateId?: string;
  /** The request that attached an update's callback (its link names the request). */
  requestId?: string;
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

/** The item maps of the mutable state, each persisted entry by entry. */
export interface MutableStateItems {
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  children: Record<string, ChildState>;
  externalRequests: Record<string, ExternalRequestState>;
  nexusOperations: Record<string, NexusOperationState>;
  updates: Record<string, UpdateRecord>;
  callbacks: Record<string, CallbackState>;
  /** Request ids of signals already applied (retried signals are applied once). */
  signalRequestIds: Record<string, true>;
  /** Events waiting for the running workflow task to finish, by provisional id (base64 HistoryEvent). */
  bufferedEvents: Record<string, string>;
}

/** Field name -> the item kind its rows are stored under. */
export const ITEM_KINDS = {
  activities: 'activity',
  timers: 'timer',
  children: 'child',
  externalRequests: 'external',
  nexusOperations: 'nexus',
  updates: 'update',
  callbacks: 'callback',
  signalRequestIds: 'signal',
  bufferedEvents: 'buffered',
} as const satisfies Record<keyof MutableStateItems, string>;

export type ItemField = keyof MutableStateItems;
export const ITEM_FIELDS = Object.keys(ITEM_KINDS) as ItemField[];

export interface MutableStateCore {
  stateVersion: number;
  /** Auto-reset points of the execution chain. */
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
  /**
   * When a delete request (DeleteWorkflowExecution and its standalone twins) wants the closed run gone;
   * absent or 0: at the end of its namespace's retention.
   */
  deleteAtMs?: number;
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
  parent: ParentState | null;
  cancelRequested: boolean;
  /** The last provisional id given to a buffered event (negative; counts down, never reused). */
  lastProvisionalId: number;
  /** Signals applied to this run (the Temporal server's signal count, for its per-run limit). */
  signalCount: number;
  /** Start request ids seen for this run (request-id dedup). */
  startRequestIds: string[];
  /** Request ids attached to this run by later starts (USE_EXISTING), at their WorkflowExecutionOptionsUpdated event. */
  attachedRequestIds?: Record<string, number>;
  /** Set when the run is a standalone Nexus operation's (engine/standalone-nexus.ts): it has no workflow tasks. */
  standalone?: StandaloneOperationState;
  /** Set when the run is a standalone activity's (engine/standalone-activity.ts): it has no workflow tasks. */
  standaloneActivity?: StandaloneActivityState;
  /** Set when the run is a schedule's (engine/schedules.ts): it has no workflow tasks. */
  schedule?: ScheduleRunState;
  /** Encoded Memo / SearchAttributes (base64), null when empty. */
  memo: string | null;
  searchAttributes: string | null;
  /** WorkflowExecutionStarted fields carried to a continued run. */
  retryPolicy: RetryPolicyState | null;
  attempt: number;
  historySizeBytes: number;
}

export type MutableState = MutableStateCore & MutableStateItems;

export function emptyItems(): MutableStateItems {
  return {
    activities: {},
    timers: {},
    children: {},
    externalRequests: {},
    nexusOperations: {},
    updates: {},
    callbacks: {},
    signalRequestIds: {},
    bufferedEvents: {},
  };
}

/** A standalone Nexus operation's or activity's run: it has no workflow to run. */
export function isStandalone(state: MutableStateCore): boolean {
  return state.standalone !== undefined || state.standaloneActivity !== undefined || state.schedule !== undefined;
}

export function isRunning(state: MutableStateCore): boolean {
  return state.status === 1;
}
