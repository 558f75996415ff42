// Which process must serve a request: the one that owns the shard of its workflow id, or of its task
// queue (matching lives with that shard), or that dispatched the Nexus task it answers. Everything else
// but system and cluster info (namespaces, visibility, search attributes, Nexus endpoints) goes to the
// holder of the registry shard, whose caches the engine reads: a write and the reads after it meet one
// cache, whichever process they came through. Read from the decoded request only; a request too
// malformed to route is served locally, where it gets its proper error.
import { decodeTaskToken, type TaskToken } from '../../engine/tasks';
import { standaloneWorkflowId } from '../../engine/standalone-nexus';
import { activityWorkflowId } from '../../engine/standalone-activity';
import { scheduleWorkflowId } from '../../engine/schedule-state';

export type RouteKey =
  /** The shard of a workflow id; `namespace` is a name, or the id if `isNamespaceId`. */
  | { readonly kind: 'run'; readonly namespace: string; readonly isNamespaceId: boolean; readonly workflowId: string }
  | { readonly kind: 'task-queue'; readonly namespace: string; readonly taskQueue: string }
  /** The process that dispatched a Nexus task (named in its token). */
  | { readonly kind: 'member'; readonly memberId: string }
  /** The process that holds the shards (changes to what its caches hold, such as Nexus endpoints). */
  | { readonly kind: 'registry' };

/* eslint-disable @typescript-eslint/no-explicit-any -- requests are decoded protobuf messages of many types */
type Request = any;

function run(request: Request, workflowId: unknown): RouteKey | undefined {
  if (typeof workflowId !== 'string' || workflowId === '' || typeof request.namespace !== 'string') return undefined;
  return { kind: 'run', namespace: request.namespace, isNamespaceId: false, workflowId };
}

function taskQueue(request: Request, name: unknown): RouteKey | undefined {
  if (typeof name !== 'string' || name === '' || typeof request.namespace !== 'string') return undefined;
  return { kind: 'task-queue', namespace: request.namespace, taskQueue: name };
}

function token(request: Request): RouteKey | undefined {
  let decoded: TaskToken;
  try {
    decoded = decodeTaskToken(request.taskToken);
  } catch {
    return undefined;
  }
  if (decoded.k === 'nx') return decoded.m ? { kind: 'member', memberId: decoded.m } : undefined;
  return { kind: 'run', namespace: decoded.ns, isNamespaceId: true, workflowId: decoded.w };
}

const registry = (): RouteKey => ({ kind: 'registry' });
const byExecution = (request: Request): RouteKey | undefined => run(request, request.workflowExecution?.workflowId);
const byWorkflowId = (request: Request): RouteKey | undefined => run(request, request.workflowId);
const byTaskQueue = (request: Request): RouteKey | undefined => taskQueue(request, request.taskQueue?.name);
/** A standalone Nexus operation: the shard of its run's workflow id. */
const byOperationId = (request: Request): RouteKey | undefined =>
  typeof request.operationId === 'string' && request.operationId !== ''
    ? run(request, standaloneWorkflowId(request.operationId))
    : undefined;

/** A standalone activity, or (the *ById RPCs) a workflow's activity when a workflow id is given. */
const byActivityId = (request: Request): RouteKey | undefined =>
  typeof request.workflowId === 'string' && request.workflowId !== ''
    ? run(request, request.workflowId)
    : typeof request.activityId === 'string' && request.activityId !== ''
      ? run(request, activityWorkflowId(request.activityId))
      : undefined;

/** A schedule: the shard of its run's workflow id. */
const byScheduleId = (request: Request): RouteKey | undefined =>
  typeof request.scheduleId === 'string' && request.scheduleId !== ''
    ? run(request, scheduleWorkflowId(request.scheduleId))
    : undefined;

const routes: Readonly<Record<string, (request: Request) => RouteKey | undefined>> = {
  StartWorkflowExecution: byWorkflowId,
  SignalWithStartWorkflowExecution: byWorkflowId,
  ExecuteMultiOperation: (request) => run(request, request.operations?.[0]?.startWorkflow?.workflowId),
  SignalWorkflowExecution: byExecution,
  RequestCancelWorkflowExecution: byExecution,
  TerminateWorkflowExecution: byExecution,
  DescribeWorkflowExecution: (request) => run(request, request.execution?.workflowId),
  GetWorkflowExecutionHistory: (request) => run(request, request.execution?.workflowId),
  GetWorkflowExecutionHistoryReverse: (request) => run(request, request.execution?.workflowId),
  QueryWorkflow: (request) => run(request, request.execution?.workflowId),
  ResetStickyTaskQueue: (request) => run(request, request.execution?.workflowId),
  ResetWorkflowExecution: byExecution,
  DeleteWorkflowExecution: byExecution,
  UpdateWorkflowExecution: byExecution,
  PollWorkflowExecutionUpdate: (request) => run(request, request.updateRef?.workflowExecution?.workflowId),
  UpdateActivityOptions: (request) => run(request, request.execution?.workflowId),
  PauseActivity: (request) => run(request, request.execution?.workflowId),
  UnpauseActivity: (request) => run(request, request.execution?.workflowId),
  ResetActivity: (request) => run(request, request.execution?.workflowId),
  RecordActivityTaskHeartbeatById: byActivityId,
  RespondActivityTaskCompletedById: byActivityId,
  RespondActivityTaskFailedById: byActivityId,
  RespondActivityTaskCanceledById: byActivityId,
  RespondWorkflowTaskCompleted: token,
  RespondWorkflowTaskFailed: token,
  RecordActivityTaskHeartbeat: token,
  RespondActivityTaskCompleted: token,
  RespondActivityTaskFailed: token,
  RespondActivityTaskCanceled: token,
  RespondQueryTaskCompleted: token,
  RespondNexusTaskCompleted: token,
  RespondNexusTaskFailed: token,
  PollWorkflowTaskQueue: byTaskQueue,
  PollActivityTaskQueue: byTaskQueue,
  PollNexusTaskQueue: byTaskQueue,
  DescribeTaskQueue: byTaskQueue,
  ShutdownWorker: (request) => taskQueue(request, request.stickyTaskQueue),
  StartNexusOperationExecution: byOperationId,
  DescribeNexusOperationExecution: byOperationId,
  PollNexusOperationExecution: byOperationId,
  RequestCancelNexusOperationExecution: byOperationId,
  TerminateNexusOperationExecution: byOperationId,
  DeleteNexusOperationExecution: byOperationId,
  StartActivityExecution: byActivityId,
  CreateSchedule: byScheduleId,
  DescribeSchedule: byScheduleId,
  UpdateSchedule: byScheduleId,
  PatchSchedule: byScheduleId,
  DeleteSchedule: byScheduleId,
  ListScheduleMatchingTimes: byScheduleId,
  DescribeActivityExecution: byActivityId,
  PollActivityExecution: byActivityId,
  RequestCancelActivityExecution: byActivityId,
  TerminateActivityExecution: byActivityId,
  DeleteActivityExecution: byActivityId,
  PauseActivityExecution: byActivityId,
  UnpauseActivityExecution: byActivityId,
  ResetActivityExecution: byActivityId,
  UpdateActivityExecutionOptions: byActivityId,
};

/** Served by whichever process receives them: they describe that process. */
const LOCAL_METHODS = new Set(['GetSystemInfo', 'GetClusterInfo', 'Check']);

/** Where `method` must be served for this request; undefined: here. */
export function routeOf(method: string, request: Request): RouteKey | undefined {
  if (LOCAL_METHODS.has(method)) return undefined;
  const route = routes[method];
  return route ? route(request) : registry();
}

/** Whether requests of this method are ever forwarded (the rest are always served where they arrive). */
export function isRouted(method: string): boolean {
  return !LOCAL_METHODS.has(method);
}
