// Creating a run: the normalized start parameters every path shares (client start, signal-with-start,
// child workflows, continue-as-new, workflow retry), and the first events of a new history.
import {
  type Header,
  type Memo,
  type Payloads,
  type SearchAttributes,
  type Failure,
  EventType,
  encodeBase64,
  temporal,
  long,
} from '../common/proto';
import { durationFromMs, timestampFromMs } from '../common/time';
import type { NamespaceRecord } from '../store/store';
import {
  MUTABLE_STATE_VERSION,
  emptyItems,
  type MutableState,
  type ParentState,
  type ResetPointState,
  type RetryPolicyState,
} from './mutable-state';
import { resetPointsToProto } from './reset-points';
import { retryPolicyToProto } from './retry-policy';
import { decodeSearchAttributes, withSearchAttributeTypes } from './search-attributes';
import { Workflow } from './workflow';
import { scheduleWorkflowTask } from './workflow-tasks';
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import { addCompletionCallbacks, checkCallbackLimits } from './callbacks';

/** temporal.api.enums.v1.ContinueAsNewInitiator */
export const ContinueAsNewInitiator = { Workflow: 1, Retry: 2, CronSchedule: 3 } as const;

export interface RunSpec {
  readonly namespace: NamespaceRecord;
  readonly workflowId: string;
  readonly runId: string;
  readonly firstExecutionRunId: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  readonly input?: Payloads | null | undefined;
  readonly header?: Header | null | undefined;
  readonly memo?: Memo | null | undefined;
  readonly searchAttributes?: SearchAttributes | null | undefined;
  /** The start's priority (WorkflowExecutionStarted.priority) and summary and details (the event's user metadata). */
  readonly priority?: temporal.api.common.v1.IPriority | null | undefined;
  readonly userMetadata?: temporal.api.sdk.v1.IUserMetadata | null | undefined;
  readonly executionTimeoutMs: number;
  readonly runTimeoutMs: number;
  readonly workflowTaskTimeoutMs: number;
  /** Absolute; carried across runs of one execution chain. 0 = none. */
  readonly executionExpirationMs: number;
  readonly retryPolicy: RetryPolicyState | null;
  readonly attempt: number;
  readonly identity: string;
  readonly requestId: string;
  readonly startDelayMs: number;
  readonly parent: ParentState | null;
  readonly continuedExecutionRunId?: string;
  readonly initiator?: number;
  readonly continuedFailure?: Failure | null | undefined;
  readonly lastCompletionResult?: Payloads | null | undefined;
  readonly completionCallbacks: readonly temporal.api.common.v1.ICallback[];
  readonly links: readonly temporal.api.common.v1.ILink[];
  /** USE_EXISTING with these options attaches the request to the running run instead (see attachToRun). */
  readonly onConflictOptions?: temporal.api.workflow.v1.IOnConflictOptions | null;
  /** Every link of the request (`links` leaves out those its callbacks carry), for attachToRun. */
  readonly requestLinks?: readonly temporal.api.common.v1.ILink[];
  readonly rootExecution?: temporal.api.common.v1.IWorkflowExecution | null;
  /**
   * Leaves the first workflow task to whoever creates the run: signal-with-start appends its signal
   * first, so the history reads Started, Signaled, WorkflowTaskScheduled as on the Temporal server.
   */
  readonly isFirstWorkflowTaskDeferred?: boolean;
  /** Auto-reset points inherited from the previous run of the chain. */
  readonly prevAutoResetPoints?: readonly ResetPointState[];
  /** The start asked for its first workflow task in the response, and gets it (eager workflow start). */
  readonly eagerExecutionAccepted?: boolean;
}

/** The root of a new run for visibility: its parent's root (or parent) for a child, else itself. */
function rootOf(spec: RunSpec, workflowId: string, runId: string): { rootWorkflowId: string; rootRunId: string } {
  const root = spec.parent ? (spec.rootExecution ?? spec.parent) : { workflowId, runId };
  return { rootWorkflowId: root.workflowId ?? workflowId, rootRunId: root.runId ?? runId };
}

export function createRun(ctx: EngineContext, tx: Transaction, requested: RunSpec, nowMs: number): Workflow {
  checkCallbackLimits(ctx.config, undefined, requested.completionCallbacks.length);
  const spec: RunSpec = {
    ...requested,
    searchAttributes: withSearchAttributeTypes(requested.searchAttributes, requested.namespace.searchAttributes),
  };
  const state = initialState(spec, nowMs);
  const workflow = new Workflow(
    state,
    {
      memo:
        spec.memo?.fields && Object.keys(spec.memo.fields).length > 0
          ? temporal.api.common.v1.Memo.encode(spec.memo).finish()
          : null,
      searchAttributes: decodeSearchAttributes(spec.searchAttributes, spec.namespace.searchAttributes),
      parentWorkflowId: spec.parent?.workflowId ?? null,
      parentRunId: spec.parent?.runId ?? null,
      ...rootOf(spec, state.workflowId, state.runId),
    },
    undefined,
    { version: 0, nextEventId: 1, wakeupAtMs: 0, coreJson: '' },
    tx.allocateTaskId,
  );
  workflow.append(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    'workflowExecutionStartedEventAttributes',
    startedAttributes(spec),
    nowMs,
    spec.links.length > 0 || spec.userMetadata
      ? {
          ...(spec.links.length > 0 ? { links: spec.links } : {}),
          ...(spec.userMetadata ? { userMetadata: spec.userMetadata } : {}),
        }
      : undefined,
  );
  addCompletionCallbacks(workflow, spec.completionCallbacks, nowMs);
  workflow.markCurrent();
  if (spec.startDelayMs <= 0 && spec.isFirstWorkflowTaskDeferred !== true) scheduleWorkflowTask(ctx, workflow, nowMs);
  return workflow;
}

function initialState(spec: RunSpec, nowMs: number): MutableState {
  return {
    ...emptyItems(),
    stateVersion: MUTABLE_STATE_VERSION,
    namespaceId: spec.namespace.id,
    workflowId: spec.workflowId,
    runId: spec.runId,
    firstExecutionRunId: spec.firstExecutionRunId,
    workflowType: spec.workflowType,
    taskQueue: spec.taskQueue,
    status: temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTimeMs: nowMs,
    executionTimeMs: nowMs + Math.max(0, spec.startDelayMs),
    closeTimeMs: 0,
    nextEventId: 1,
    lastCompletedStartedEventId: 0,
    lastCompletedWorkflowTaskEventId: 0,
    workflowTaskTimeoutMs: spec.workflowTaskTimeoutMs,
    runExpirationMs: spec.runTimeoutMs > 0 ? nowMs + spec.runTimeoutMs + Math.max(0, spec.startDelayMs) : 0,
    executionExpirationMs: spec.executionExpirationMs,
    firstWorkflowTaskAtMs: spec.startDelayMs > 0 ? nowMs + spec.startDelayMs : 0,
    workflowTask: null,
    stickyTaskQueue: '',
    stickyScheduleToStartTimeoutMs: 0,
    parent: spec.parent,
    cancelRequested: false,
    lastProvisionalId: 0,
    signalCount: 0,
    startRequestIds: spec.requestId ? [spec.requestId] : [],
    memo:
      spec.memo?.fields && Object.keys(spec.memo.fields).length > 0
        ? encodeBase64('temporal.api.common.v1.Memo', spec.memo)
        : null,
    searchAttributes:
      spec.searchAttributes?.indexedFields && Object.keys(spec.searchAttributes.indexedFields).length > 0
        ? encodeBase64('temporal.api.common.v1.SearchAttributes', spec.searchAttributes)
        : null,
    retryPolicy: spec.retryPolicy,
    attempt: spec.attempt,
    historySizeBytes: 0,
    ...(spec.prevAutoResetPoints && spec.prevAutoResetPoints.length > 0
      ? { autoResetPoints: spec.prevAutoResetPoints.map((point) => ({ ...point })) }
      : {}),
  };
}

function startedAttributes(spec: RunSpec): temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes {
  const parent = spec.parent;
  return {
    workflowType: { name: spec.workflowType },
    taskQueue: { name: spec.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: spec.input ?? null,
    // As the Temporal server writes them: no execution timeout field when there is none, and a run
    // timeout field for a child or a new run (the server fills the command's default) or when set.
    ...(spec.executionTimeoutMs > 0 ? { workflowExecutionTimeout: durationFromMs(spec.executionTimeoutMs) } : {}),
    ...(spec.runTimeoutMs > 0 || parent || spec.continuedExecutionRunId
      ? { workflowRunTimeout: durationFromMs(spec.runTimeoutMs) }
      : {}),
    workflowTaskTimeout: durationFromMs(spec.workflowTaskTimeoutMs),
    originalExecutionRunId: spec.runId,
    identity: spec.identity,
    firstExecutionRunId: spec.firstExecutionRunId,
    attempt: spec.attempt,
    header: spec.header ?? null,
    memo: spec.memo ?? null,
    searchAttributes: spec.searchAttributes ?? null,
    workflowId: spec.workflowId,
    ...(spec.retryPolicy ? { retryPolicy: retryPolicyToProto(spec.retryPolicy) } : {}),
    ...(spec.priority ? { priority: spec.priority } : {}),
    ...(spec.executionExpirationMs > 0
      ? { workflowExecutionExpirationTime: timestampFromMs(spec.executionExpirationMs) }
      : {}),
    // The Temporal server writes a zero backoff for a first run, and none for a continued run without one.
    ...(spec.startDelayMs > 0 || !spec.continuedExecutionRunId
      ? { firstWorkflowTaskBackoff: durationFromMs(spec.startDelayMs) }
      : {}),
    ...(spec.continuedExecutionRunId ? { continuedExecutionRunId: spec.continuedExecutionRunId } : {}),
    ...(spec.eagerExecutionAccepted ? { eagerExecutionAccepted: true } : {}),
    ...(spec.initiator ? { initiator: spec.initiator } : {}),
    ...(spec.continuedFailure ? { continuedFailure: spec.continuedFailure } : {}),
    ...(spec.lastCompletionResult ? { lastCompletionResult: spec.lastCompletionResult } : {}),
    ...(spec.completionCallbacks.length > 0 ? { completionCallbacks: [...spec.completionCallbacks] } : {}),
    ...(spec.prevAutoResetPoints && spec.prevAutoResetPoints.length > 0
      ? { prevAutoResetPoints: resetPointsToProto(spec.prevAutoResetPoints) }
      : {}),
    ...(parent
      ? {
          parentWorkflowNamespace: parent.namespace,
          parentWorkflowNamespaceId: parent.namespaceId,
          parentWorkflowExecution: { workflowId: parent.workflowId, runId: parent.runId },
          parentInitiatedEventId: long(parent.initiatedEventId),
        }
      : {}),
    // The Temporal server records the root only in a child's history; a workflow without a parent is its own root.
    ...(parent
      ? { rootWorkflowExecution: spec.rootExecution ?? { workflowId: parent.workflowId, runId: parent.runId } }
      : {}),
  };
}
