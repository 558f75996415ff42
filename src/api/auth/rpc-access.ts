// What each RPC needs, after the Temporal server's per-method API metadata (common/api/metadata.go there):
// its scope (one namespace, named by the request's `namespace` field, or the whole cluster) and its
// access (read, task, write, admin). Causeway adds the `task` level between read and write for the RPCs a
// Worker makes (polls, task answers, heartbeats), so that a worker-role key runs a Worker and nothing
// more. Two changes to the server's table, both stricter: RegisterNamespace is cluster-wide (a new
// namespace has no admin yet), and an RPC this table does not know needs cluster admin.
import { assertNever } from '../../common/assert';
import { Role } from './roles';

export const Access = { Open: 'open', Read: 'read', Task: 'task', Write: 'write', Admin: 'admin' } as const;
export type Access = (typeof Access)[keyof typeof Access];

export const Scope = { Namespace: 'namespace', Cluster: 'cluster' } as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export interface RpcAccess {
  readonly scope: Scope;
  readonly access: Access;
}

export const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
export const OPERATOR_SERVICE = 'temporal.api.operatorservice.v1.OperatorService';
export const HEALTH_SERVICE = 'grpc.health.v1.Health';
export const AUDIT_SERVICE = 'causeway.v1.AuditService';
/** Not a gRPC service: the inbound Nexus HTTP requests, named as the server's API metadata names them. */
export const NEXUS_SERVICE = 'temporal.api.nexusservice.v1.NexusService';

/** Open to anyone, as the server's health check APIs: the SDKs call GetSystemInfo before anything else. */
const OPEN: ReadonlySet<string> = new Set([`${HEALTH_SERVICE}/Check`, `${WORKFLOW_SERVICE}/GetSystemInfo`]);

const WORKFLOW_CLUSTER: Readonly<Record<string, Access>> = {
  RegisterNamespace: Access.Admin,
  ListNamespaces: Access.Read,
  GetSearchAttributes: Access.Read,
  GetClusterInfo: Access.Read,
};

const WORKFLOW_ADMIN: ReadonlySet<string> = new Set(['UpdateNamespace', 'DeprecateNamespace']);

/** What a Worker does: the server calls these writes; here they are the worker role's. */
const WORKFLOW_TASK: ReadonlySet<string> = new Set([
  'PollWorkflowTaskQueue',
  'RespondWorkflowTaskCompleted',
  'RespondWorkflowTaskFailed',
  'PollActivityTaskQueue',
  'RecordActivityTaskHeartbeat',
  'RecordActivityTaskHeartbeatById',
  'RespondActivityTaskCompleted',
  'RespondActivityTaskCompletedById',
  'RespondActivityTaskFailed',
  'RespondActivityTaskFailedById',
  'RespondActivityTaskCanceled',
  'RespondActivityTaskCanceledById',
  'PollNexusTaskQueue',
  'RespondNexusTaskCompleted',
  'RespondNexusTaskFailed',
  'RespondQueryTaskCompleted',
  'ResetStickyTaskQueue',
  'ShutdownWorker',
  'RecordWorkerHeartbeat',
]);

/** Reads that the server marks read-only although their names do not say so. */
const WORKFLOW_READ_POLLS: ReadonlySet<string> = new Set([
  'PollWorkflowExecutionUpdate',
  'PollActivityExecution',
  'PollNexusOperationExecution',
  'PollWorkflowExecutionTimeSkipping',
]);

const READ_NAME = /^(Describe|Get|List|Count|Scan|Query|Fetch|Validate)[A-Z]/;

const OPERATOR: Readonly<Record<string, RpcAccess>> = {
  AddSearchAttributes: { scope: Scope.Namespace, access: Access.Admin },
  RemoveSearchAttributes: { scope: Scope.Namespace, access: Access.Admin },
  ListSearchAttributes: { scope: Scope.Namespace, access: Access.Read },
  DeleteNamespace: { scope: Scope.Namespace, access: Access.Admin },
};

const CLUSTER_ADMIN: RpcAccess = { scope: Scope.Cluster, access: Access.Admin };

export function rpcAccessOf(service: string, method: string): RpcAccess {
  if (OPEN.has(`${service}/${method}`)) return { scope: Scope.Cluster, access: Access.Open };
  switch (service) {
    case WORKFLOW_SERVICE:
      return workflowAccess(method);
    case NEXUS_SERVICE:
      // A Nexus request dispatched to a handler namespace's workers: a write there, as on the server.
      return { scope: Scope.Namespace, access: Access.Write };
    case OPERATOR_SERVICE:
      // Nexus endpoints and remote clusters: cluster admin, as on the server.
      return OPERATOR[method] ?? CLUSTER_ADMIN;
    default:
      return CLUSTER_ADMIN;
  }
}

function workflowAccess(method: string): RpcAccess {
  const cluster = WORKFLOW_CLUSTER[method];
  if (cluster !== undefined) return { scope: Scope.Cluster, access: cluster };
  if (WORKFLOW_ADMIN.has(method)) return { scope: Scope.Namespace, access: Access.Admin };
  if (WORKFLOW_TASK.has(method)) return { scope: Scope.Namespace, access: Access.Task };
  if (WORKFLOW_READ_POLLS.has(method) || READ_NAME.test(method)) return { scope: Scope.Namespace, access: Access.Read };
  return { scope: Scope.Namespace, access: Access.Write };
}

/** The weakest role that may make an RPC of this access (undefined: no role needed). */
export function roleNeeded(access: Access): Role | undefined {
  switch (access) {
    case Access.Open:
      return undefined;
    case Access.Read:
      return Role.Reader;
    case Access.Task:
      return Role.Worker;
    case Access.Write:
      return Role.Writer;
    case Access.Admin:
      return Role.Admin;
    default:
      return assertNever(access);
  }
}
