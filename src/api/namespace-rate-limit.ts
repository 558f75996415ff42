// The Temporal frontend's request rate limit per namespace: frontend.namespaceRPS requests a second in
// each namespace (2,400 per process), with bursts of frontend.namespaceBurstRatio times that (2). A
// request past it is RESOURCE_EXHAUSTED "namespace rate limit exceeded" (cause RPS_LIMIT, scope
// NAMESPACE), which the SDKs retry with backoff. Like the server, the limit covers WorkflowService calls
// that name a namespace; visibility calls and namespace changes have limits of their own on the server
// (frontend.namespaceRPS.visibility, ...namespaceReplicationInducingAPIs), not applied here. Namespaces are
// kept in a bounded map (an idle one forgotten starts again with a full bucket).
import { ErrorCode, ServiceError } from '../common/errors';
import { KeyedTokenBuckets } from '../common/token-bucket';
import { temporal } from '../common/proto';

export interface NamespaceRateLimits {
  readonly rps: number;
  readonly burstRatio: number;
}

export const defaultNamespaceRateLimits: NamespaceRateLimits = { rps: 2400, burstRatio: 2 };

export const NAMESPACES_MAX = 10_000;

/** WorkflowService methods outside this limit: their own limits on the server. */
const OWN_LIMIT_METHODS: ReadonlySet<string> = new Set([
  'CountWorkflowExecutions',
  'ScanWorkflowExecutions',
  'ListOpenWorkflowExecutions',
  'ListClosedWorkflowExecutions',
  'ListWorkflowExecutions',
  'ListArchivedWorkflowExecutions',
  'CountActivityExecutions',
  'ListActivityExecutions',
  'CountNexusOperationExecutions',
  'ListNexusOperationExecutions',
  'GetWorkerTaskReachability',
  'ListSchedules',
  'CountSchedules',
  'ListBatchOperations',
  'ListDeployments',
  'GetDeploymentReachability',
  'ListWorkerDeployments',
  'RegisterNamespace',
  'UpdateNamespace',
  'UpdateWorkerBuildIdCompatibility',
  'UpdateWorkerVersioningRules',
  'SetWorkerDeploymentCurrentVersion',
  'SetWorkerDeploymentRampingVersion',
  'DeleteWorkerDeploymentVersion',
  'UpdateTaskQueueConfig',
]);

export const NAMESPACE_RATE_LIMIT_EXCEEDED = 'namespace rate limit exceeded';

export class NamespaceRateLimiter {
  private readonly buckets: KeyedTokenBuckets;

  constructor(
    limits: NamespaceRateLimits,
    private readonly nowMs: () => number,
    namespacesMax = NAMESPACES_MAX,
  ) {
    this.buckets = new KeyedTokenBuckets(limits.rps, Math.max(1, limits.rps * limits.burstRatio), namespacesMax);
  }

  get namespaceCount(): number {
    return this.buckets.size;
  }

  /** Throws RESOURCE_EXHAUSTED when `method` of WorkflowService in `namespace` is past the limit. */
  admit(method: string, namespace: unknown): void {
    if (typeof namespace !== 'string' || namespace === '' || OWN_LIMIT_METHODS.has(method)) return;
    if (this.buckets.tryTake(namespace, this.nowMs())) return;
    throw new ServiceError(ErrorCode.ResourceExhausted, NAMESPACE_RATE_LIMIT_EXCEEDED, {
      typeName: 'temporal.api.errordetails.v1.ResourceExhaustedFailure',
      value: {
        cause: temporal.api.enums.v1.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT,
        scope: temporal.api.enums.v1.ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE,
      },
    });
  }
}
