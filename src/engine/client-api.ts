// Client-facing operations on runs: start, signal-with-start, signal, request cancel, terminate.
import { validTaskQueueName } from './task-queue-name';
import { checkRequestBlobs, type BlobTarget } from './blob-size';
import { checkStartAttributes } from './attribute-limits';
import { temporal, long } from '../common/proto';
import { invalidArgument, workflowNotFound } from '../common/errors';
import { msFromDuration } from '../common/time';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { normalizeRetryPolicy } from './retry-policy';
import type { RunSpec } from './workflow-start';
import { acceptsEagerStart, startFirstTaskEagerly } from './eager-workflow-start';
import {
  requestCancelWorkflow,
  signalWorkflow,
  startWorkflow,
  terminateWorkflow,
  assertRunning,
} from './workflow-operations';

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

export const WORKFLOW_ID_LENGTH_MAX = 1000;

function validateStart(
  request: StartRequest | temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest,
): void {
  if (!request.workflowId) throw invalidArgument('WorkflowId is not set on request.');
  if (request.workflowId.length > WORKFLOW_ID_LENGTH_MAX) throw invalidArgument('WorkflowId length exceeds limit.');
  if (!request.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
  validTaskQueueName(request.taskQueue);
  for (const [field, value] of [
    ['WorkflowExecutionTimeout', request.workflowExecutionTimeout],
    ['WorkflowRunTimeout', request.workflowRunTimeout],
    ['WorkflowTaskTimeout', request.workflowTaskTimeout],
  ] as const) {
    if (msFromDuration(value) < 0) throw invalidArgument(`Invalid ${field}.`);
  }
  if (request.cronSchedule) throw invalidArgument('CronSchedule is not supported by this server.');
}

export function runSpecFromStart(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: StartRequest & {
    workflowStartDelay?: temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest['workflowStartDelay'];
  },
  nowMs: number,
): RunSpec {
  validateStart(request);
  checkStartAttributes(engine.ctx.config, request.memo, request.searchAttributes);
  const executionTimeoutMs = msFromDuration(request.workflowExecutionTimeout);
  let runTimeoutMs = msFromDuration(request.workflowRunTimeout);
  if (runTimeoutMs === 0 || (executionTimeoutMs > 0 && runTimeoutMs > executionTimeoutMs))
    runTimeoutMs = executionTimeoutMs;
  let taskTimeoutMs = msFromDuration(request.workflowTaskTimeout) || engine.ctx.config.defaultWorkflowTaskTimeoutMs;
  if (runTimeoutMs > 0 && taskTimeoutMs > runTimeoutMs) taskTimeoutMs = runTimeoutMs;
  const runId = engine.ctx.ids.uuid();
  const startDelayMs = msFromDuration(request.workflowStartDelay);
  return {
    namespace,
    workflowId: request.workflowId ?? '',
    runId,
    firstExecutionRunId: runId,
    workflowType: request.workflowType?.name ?? '',
    taskQueue: request.taskQueue?.name ?? '',
    input: request.input ?? null,
    header: request.header ?? null,
    memo: request.memo ?? null,
    searchAttributes: request.searchAttributes ?? null,
    priority: request.priority ?? null,
    userMetadata: request.userMetadata ?? null,
    executionTimeoutMs,
    runTimeoutMs,
    workflowTaskTimeoutMs: taskTimeoutMs,
    executionExpirationMs: executionTimeoutMs > 0 ? nowMs + executionTimeoutMs : 0,
    retryPolicy: request.retryPolicy ? normalizeRetryPolicy(request.retryPolicy, 'RetryPolicy') : null,
    attempt: 1,
    identity: request.identity ?? '',
    requestId: request.requestId || engine.ctx.ids.uuid(),
    startDelayMs,
    parent: null,
    continuedFailure: request.continuedFailure ?? null,
    lastCompletionResult: request.lastCompletionResult ?? null,
    completionCallbacks: request.completionCallbacks ?? [],
    links: linksNotOnCallbacks(request.links ?? [], request.completionCallbacks ?? []),
    requestLinks: request.links ?? [],
    onConflictOptions: 'onConflictOptions' in request ? (request.onConflictOptions ?? null) : null,
  };
}

/**
 * The request's links without those a Nexus completion callback already carries: the Temporal server
 * keeps each such link once, on the callback, and leaves it off the WorkflowExecutionStarted event.
 */
function linksNotOnCallbacks(
  links: readonly temporal.api.common.v1.ILink[],
  callbacks: readonly temporal.api.common.v1.ICallback[],
): temporal.api.common.v1.ILink[] {
  const encode = (link: temporal.api.common.v1.ILink): string =>
    Buffer.from(temporal.api.common.v1.Link.encode(link).finish()).toString('base64');
  const onCallbacks = new Set(
    callbacks.filter((callback) => callback.nexus).flatMap((callback) => (callback.links ?? []).map(encode)),
  );
  return links.filter((link) => !onCallbacks.has(encode(link)));
}

function blobTarget(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  workflowId: string | null | undefined,
  operation: string,
): BlobTarget {
  return { logger: engine.logger, namespace: namespace.name, workflowId: workflowId ?? '', operation };
}

function targetOf(
  namespace: NamespaceRecord,
  workflowId: string | null | undefined,
): { namespaceId: string; workflowId: string } {
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  return { namespaceId: namespace.id, workflowId };
}

export function startWorkflowExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: StartRequest,
): Promise<temporal.api.workflowservice.v1.IStartWorkflowExecutionResponse> {
  validateStart(request);
  checkRequestBlobs(
    engine.ctx.config,
    blobTarget(engine, namespace, request.workflowId, 'StartWorkflowExecution'),
    request.input,
  );
  return engine.run(targetOf(namespace, request.workflowId), async (tx) => {
    const requested = runSpecFromStart(engine, namespace, request, tx.nowMs);
    const eager = acceptsEagerStart(engine, request, requested.startDelayMs);
    const spec = eager ? { ...requested, eagerExecutionAccepted: true } : requested;
    const result = await startWorkflow(engine.ctx, tx, spec, {
      reusePolicy: request.workflowIdReusePolicy ?? 0,
      conflictPolicy: request.workflowIdConflictPolicy ?? 0,
    });
    const created = result.workflow.state.runId === spec.runId;
    const eagerWorkflowTask =
      eager && created ? await startFirstTaskEagerly(engine, tx, result.workflow, request.identity ?? '') : undefined;
    return {
      runId: result.workflow.state.runId,
      started: result.started,
      ...(eagerWorkflowTask ? { eagerWorkflowTask } : {}),
      link:
        result.attachedRequestId !== undefined
          ? requestIdLink(
              namespace.name,
              result.workflow,
              result.attachedRequestId,
              temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED,
            )
          : startedEventLink(namespace.name, result.workflow),
    };
  });
}

/** The link a start returns: the run's WorkflowExecutionStarted event (Nexus handlers pass it on). */
export function startedEventLink(namespace: string, workflow: Workflow): temporal.api.common.v1.ILink {
  return {
    workflowEvent: {
      namespace,
      workflowId: workflow.state.workflowId,
      runId: workflow.state.runId,
      eventRef: { eventId: long(1), eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    },
  };
}

/** The checks of a signal-with-start request (the real frontend validates the whole start even when only a signal is sent). */
export function validateSignalWithStart(
  request: temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest,
): void {
  if (!request.signalName) throw invalidArgument('SignalName is not set on request.');
  validateStart(request);
}

export function signalWithStartWorkflowExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionResponse> {
  validateSignalWithStart(request);
  checkRequestBlobs(
    engine.ctx.config,
    blobTarget(engine, namespace, request.workflowId, 'SignalWithStartWorkflowExecution'),
    request.input,
    request.signalInput,
  );
  return engine.run(targetOf(namespace, request.workflowId), async (tx) => {
    const current = await tx.getCurrent(namespace.id, request.workflowId ?? '');
    const signal = {
      name: request.signalName ?? '',
      input: request.signalInput,
      header: request.header,
      identity: request.identity ?? '',
      links: request.links ?? [],
      ...(request.requestId ? { requestId: request.requestId } : {}),
    };
    if (
      current &&
      current.state.status === temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING &&
      request.workflowIdConflictPolicy !==
        temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING
    ) {
      // A retried request (same request id) does not signal twice: signalWorkflow dedups by it.
      signalWorkflow(engine.ctx, tx, current, signal);
      return {
        runId: current.state.runId,
        started: false,
        signalLink: signalLink(namespace, current, request.requestId),
      };
    }
    // The signal schedules the first workflow task, after its own event.
    const spec: RunSpec = {
      ...runSpecFromStart(engine, namespace, request, tx.nowMs),
      isFirstWorkflowTaskDeferred: true,
    };
    const result = await startWorkflow(engine.ctx, tx, spec, {
      reusePolicy: request.workflowIdReusePolicy ?? 0,
      conflictPolicy: temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING,
    });
    signalWorkflow(engine.ctx, tx, result.workflow, signal);
    return {
      runId: result.workflow.state.runId,
      started: result.started,
      signalLink: signalLink(namespace, result.workflow, request.requestId),
    };
  });
}

/** The run an execution refers to: the given run id, or the current run. Throws NOT_FOUND. */
export async function findRun(
  tx: Transaction,
  namespace: NamespaceRecord,
  execution: temporal.api.common.v1.IWorkflowExecution | null | undefined,
  firstExecutionRunId?: string | null,
): Promise<Workflow> {
  const workflowId = execution?.workflowId ?? '';
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  const runId = execution?.runId ?? '';
  const workflow = runId
    ? await tx.get({ namespaceId: namespace.id, workflowId, runId })
    : await tx.getCurrent(namespace.id, workflowId);
  if (!workflow) throw workflowNotFound(workflowId, runId || undefined);
  if (firstExecutionRunId && workflow.state.firstExecutionRunId !== firstExecutionRunId)
    throw workflowNotFound(workflowId, runId || undefined);
  return workflow;
}

/** A link to the event a request made, by its request id (the Temporal server's RequestIdRef link). */
function requestIdLink(
  namespace: string,
  workflow: Workflow,
  requestId: string,
  eventType: temporal.api.enums.v1.EventType,
): temporal.api.common.v1.ILink {
  return {
    workflowEvent: {
      namespace,
      workflowId: workflow.state.workflowId,
      runId: workflow.state.runId,
      requestIdRef: { requestId, eventType },
    },
  };
}

/** The link a signal's response carries: a request-id reference to the signaled event. */
function signalLink(
  namespace: NamespaceRecord,
  workflow: Workflow,
  requestId: string | null | undefined,
): temporal.api.common.v1.ILink {
  return requestIdLink(
    namespace.name,
    workflow,
    requestId ?? '',
    temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  );
}

export function signalWorkflowExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ISignalWorkflowExecutionRequest,
): Promise<temporal.api.workflowservice.v1.ISignalWorkflowExecutionResponse> {
  if (!request.signalName) throw invalidArgument('SignalName is not set on request.');
  checkRequestBlobs(
    engine.ctx.config,
    blobTarget(engine, namespace, request.workflowExecution?.workflowId, 'SignalWorkflowExecution'),
    request.input,
  );
  return engine.run(targetOf(namespace, request.workflowExecution?.workflowId), async (tx) => {
    const workflow = await findRun(tx, namespace, request.workflowExecution);
    // A retried request (same request id) is applied once, also while a workflow task runs.
    signalWorkflow(engine.ctx, tx, workflow, {
      name: request.signalName ?? '',
      input: request.input,
      header: request.header,
      identity: request.identity ?? '',
      links: request.links ?? [],
      ...(request.requestId ? { requestId: request.requestId } : {}),
    });
    return { link: signalLink(namespace, workflow, request.requestId) };
  });
}

export function requestCancelWorkflowExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionRequest,
): Promise<void> {
  return engine.run(targetOf(namespace, request.workflowExecution?.workflowId), async (tx) => {
    const workflow = await findRun(tx, namespace, request.workflowExecution, request.firstExecutionRunId);
    assertRunning(workflow);
    requestCancelWorkflow(engine.ctx, tx, workflow, { cause: request.reason ?? '', identity: request.identity ?? '' });
  });
}

export function terminateWorkflowExecution(
  engine: HistoryEngine,
  namespace: NamespaceRecord,
  request: temporal.api.workflowservice.v1.ITerminateWorkflowExecutionRequest,
): Promise<void> {
  return engine.run(targetOf(namespace, request.workflowExecution?.workflowId), async (tx) => {
    const workflow = await findRun(tx, namespace, request.workflowExecution, request.firstExecutionRunId);
    terminateWorkflow(engine.ctx, tx, workflow, {
      reason: request.reason ?? '',
      details: request.details,
      identity: request.identity ?? '',
    });
  });
}
