// PauseActivityExecution, UnpauseActivityExecution, ResetActivityExecution and
// UpdateActivityExecutionOptions (what `temporal activity pause|unpause|reset|update-options` send).
// With a workflow id they are the workflow activity's commands (engine/activity-pause.ts,
// engine/activity-options.ts) for the one activity the activity id names, after the checks of the
// Temporal server's activity validator. Without one they address a standalone activity, whose operator
// commands are off (history.enableStandaloneActivityOperatorCommands): they answer UNIMPLEMENTED.
import { ErrorCode, ServiceError, invalidArgument } from '../../common/errors';
import type { google, temporal } from '../../common/proto';
import { checkRetryPolicy, fieldsOfMask, updateActivityOptions } from '../../engine/activity-options';
import type { ActivityCommandTarget } from '../../engine/activity-operator';
import { pauseActivity, resetActivity, unpauseActivity } from '../../engine/activity-pause';
import {
  DEFAULT_BACKOFF_COEFFICIENT,
  DEFAULT_INITIAL_INTERVAL_MS,
  DEFAULT_MAXIMUM_INTERVAL_FACTOR,
} from '../../engine/retry-policy';
import { ID_LENGTH_MAX, INPUT_SIZE_MAX_BYTES, checkLength, validRunId } from '../../engine/standalone-common';
import { validTaskQueueName } from '../../engine/task-queue-name';
import { durationFromMs, msFromDuration } from '../../common/time';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { RpcHandler } from '../grpc-service';
import { checkPriority, jitterMsOf } from './activity-command';

type V1 = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof V1> = V1[K] extends { prototype: infer M } ? M : never;
type ActivityOptions = temporal.api.activity.v1.IActivityOptions;

const UPDATABLE_FIELDS: ReadonlySet<string> = new Set([
  'taskQueue.name',
  'scheduleToCloseTimeout',
  'scheduleToStartTimeout',
  'startToCloseTimeout',
  'heartbeatTimeout',
  'priority',
  'priority.priorityKey',
  'priority.fairnessKey',
  'priority.fairnessWeight',
  'retryPolicy',
  'retryPolicy.initialInterval',
  'retryPolicy.backoffCoefficient',
  'retryPolicy.maximumInterval',
  'retryPolicy.maximumAttempts',
  'startDelay',
]);

function standaloneCommandsDisabled(): never {
  throw new ServiceError(ErrorCode.Unimplemented, 'Standalone activity operator commands are disabled');
}

/** The fields every one of the four requests has. */
interface ExecutionCommandRequest {
  readonly workflowId?: string | null;
  readonly activityId?: string | null;
  readonly runId?: string | null;
  readonly identity?: string | null;
  readonly requestId?: string | null;
}

/** The validator's checks of the ids; the request id defaults to a new one (so a repeat is not the same request). */
function executionTarget(
  deps: ApiDeps,
  request: ExecutionCommandRequest,
): ActivityCommandTarget & { readonly requestId: string } {
  const requestId = request.requestId || deps.engine.ctx.ids.uuid();
  checkLength('request ID', requestId, ID_LENGTH_MAX);
  const activityId = request.activityId ?? '';
  if (!activityId) throw invalidArgument('activity ID is required');
  checkLength('activity ID', activityId, ID_LENGTH_MAX);
  checkLength('identity', request.identity ?? '', ID_LENGTH_MAX);
  const runId = validRunId(request.runId, 'invalid run id: must be a valid UUID');
  return {
    execution: { workflowId: request.workflowId ?? '', runId },
    selector: { kind: 'id', activityId },
    requestId,
  };
}

async function pauseWorkflowActivity(deps: ApiDeps, request: Req<'PauseActivityExecutionRequest'>): Promise<object> {
  const target = executionTarget(deps, request);
  if (Buffer.byteLength(request.reason ?? '', 'utf8') > INPUT_SIZE_MAX_BYTES) {
    throw invalidArgument('reason exceeds length limit');
  }
  await pauseActivity(deps.engine, namespaceOf(deps, request), {
    ...target,
    identity: request.identity ?? '',
    reason: request.reason ?? '',
  });
  return {};
}

async function unpauseWorkflowActivity(
  deps: ApiDeps,
  request: Req<'UnpauseActivityExecutionRequest'>,
): Promise<object> {
  const target = executionTarget(deps, request);
  const jitterMs = jitterMsOf(request.jitter);
  await unpauseActivity(deps.engine, namespaceOf(deps, request), {
    ...target,
    resetAttempts: false,
    resetHeartbeat: false,
    jitterMs,
  });
  return {};
}

async function resetWorkflowActivity(deps: ApiDeps, request: Req<'ResetActivityExecutionRequest'>): Promise<object> {
  const target = executionTarget(deps, request);
  const jitterMs = jitterMsOf(request.jitter);
  await resetActivity(deps.engine, namespaceOf(deps, request), {
    ...target,
    resetHeartbeat: request.resetHeartbeat ?? false,
    keepPaused: request.keepPaused ?? false,
    restoreOriginalOptions: request.restoreOriginalOptions ?? false,
    jitterMs,
  });
  return {};
}

async function updateWorkflowActivityOptions(
  deps: ApiDeps,
  request: Req<'UpdateActivityExecutionOptionsRequest'>,
): Promise<temporal.api.workflowservice.v1.IUpdateActivityExecutionOptionsResponse> {
  const target = executionTarget(deps, request);
  const paths = request.updateMask?.paths ?? [];
  if (paths.length > 0 && request.restoreOriginal) {
    throw invalidArgument('Both UpdateMask and RestoreOriginal are provided');
  }
  if (!request.restoreOriginal) checkOptionsUpdate(request.activityOptions, request.updateMask);
  const activityOptions = await updateActivityOptions(deps.engine, namespaceOf(deps, request), {
    ...target,
    options: request.activityOptions,
    paths: request.updateMask ? paths : null,
    restoreOriginal: request.restoreOriginal ?? false,
  });
  return { activityOptions };
}

/** The validator's checks of an options update; a whole new retry policy gets the server's defaults. */
function checkOptionsUpdate(
  options: ActivityOptions | null | undefined,
  mask: google.protobuf.IFieldMask | null | undefined,
): void {
  if (!options) throw invalidArgument('ActivityOptions are not provided');
  if (!mask) throw invalidArgument('UpdateMask is not provided');
  const paths = mask.paths ?? [];
  if (paths.length === 0) throw invalidArgument('UpdateMask must specify at least one path');
  for (const path of paths) {
    if (!UPDATABLE_FIELDS.has([...fieldsOfMask([path])][0] ?? '')) {
      throw invalidArgument(`unsupported update_mask path: ${JSON.stringify(path)}`);
    }
  }
  const fields = fieldsOfMask(paths);
  if (fields.has('taskQueue.name')) validTaskQueueName(options.taskQueue);
  if (fields.has('priority')) checkPriority(options.priority);
  const { priority } = options;
  if (fields.has('priority.priorityKey')) checkPriority({ priorityKey: priority?.priorityKey ?? 0 });
  if (fields.has('priority.fairnessKey')) checkPriority({ fairnessKey: priority?.fairnessKey ?? '' });
  if (fields.has('priority.fairnessWeight')) checkPriority({ fairnessWeight: priority?.fairnessWeight ?? 0 });
  if (fields.has('retryPolicy')) {
    options.retryPolicy = withRetryDefaults(options.retryPolicy ?? {});
    checkRetryPolicy(options.retryPolicy);
  }
  checkRetryPolicyFields(options.retryPolicy, fields);
}

/** The checks of the retry policy fields the mask names one by one. */
function checkRetryPolicyFields(
  policy: temporal.api.common.v1.IRetryPolicy | null | undefined,
  fields: ReadonlySet<string>,
): void {
  if (fields.has('retryPolicy.initialInterval') && msFromDuration(policy?.initialInterval) < 0) {
    throw invalidArgument('invalid InitialInterval set on retry policy: negative duration');
  }
  if (fields.has('retryPolicy.backoffCoefficient') && (policy?.backoffCoefficient ?? 0) < 1) {
    throw invalidArgument('BackoffCoefficient cannot be less than 1 on retry policy.');
  }
  if (fields.has('retryPolicy.maximumInterval') && msFromDuration(policy?.maximumInterval) < 0) {
    throw invalidArgument('invalid MaximumInterval set on retry policy: negative duration');
  }
  if (fields.has('retryPolicy.maximumAttempts') && (policy?.maximumAttempts ?? 0) < 0) {
    throw invalidArgument('MaximumAttempts cannot be negative on retry policy.');
  }
}

/** retrypolicy.EnsureDefaults with the server's default activity retry settings. */
function withRetryDefaults(policy: temporal.api.common.v1.IRetryPolicy): temporal.api.common.v1.IRetryPolicy {
  const initialIntervalMs = msFromDuration(policy.initialInterval) || DEFAULT_INITIAL_INTERVAL_MS;
  return {
    ...policy,
    initialInterval: durationFromMs(initialIntervalMs),
    maximumInterval:
      msFromDuration(policy.maximumInterval) > 0
        ? policy.maximumInterval
        : durationFromMs(initialIntervalMs * DEFAULT_MAXIMUM_INTERVAL_FACTOR),
    backoffCoefficient: policy.backoffCoefficient || DEFAULT_BACKOFF_COEFFICIENT,
  };
}

export function activityExecutionCommandHandlers(deps: ApiDeps): Record<string, RpcHandler> {
  return {
    PauseActivityExecution: (r: Req<'PauseActivityExecutionRequest'>) =>
      r.workflowId ? pauseWorkflowActivity(deps, r) : standaloneCommandsDisabled(),
    UnpauseActivityExecution: (r: Req<'UnpauseActivityExecutionRequest'>) =>
      r.workflowId ? unpauseWorkflowActivity(deps, r) : standaloneCommandsDisabled(),
    ResetActivityExecution: (r: Req<'ResetActivityExecutionRequest'>) =>
      r.workflowId ? resetWorkflowActivity(deps, r) : standaloneCommandsDisabled(),
    UpdateActivityExecutionOptions: (r: Req<'UpdateActivityExecutionOptionsRequest'>) =>
      r.workflowId ? updateWorkflowActivityOptions(deps, r) : standaloneCommandsDisabled(),
  };
}
