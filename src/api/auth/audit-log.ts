// Writes the audit log: every change to namespaces, search attributes and Nexus endpoints, every
// terminate, delete and reset, and every request refused for its credential or its role. The event is
// in the store before the answer is sent. A write that fails is logged and the request still answered:
// the change it records has been made already.
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import type { AuditEventInput, Store } from '../../store/store';

/** Events kept; older ones are forgotten as new ones come. */
export const AUDIT_EVENTS_MAX = 100_000;
const FIELD_LENGTH_MAX = 1000;

/** The RPCs whose every call is recorded, whatever its outcome. */
export const AUDITED_RPCS: ReadonlySet<string> = new Set([
  'RegisterNamespace',
  'UpdateNamespace',
  'DeprecateNamespace',
  'DeleteNamespace',
  'AddSearchAttributes',
  'RemoveSearchAttributes',
  'CreateNexusEndpoint',
  'UpdateNexusEndpoint',
  'DeleteNexusEndpoint',
  'AddOrUpdateRemoteCluster',
  'RemoveRemoteCluster',
  'TerminateWorkflowExecution',
  'DeleteWorkflowExecution',
  'ResetWorkflowExecution',
  'TerminateActivityExecution',
  'DeleteActivityExecution',
  'ResetActivity',
  'ResetActivityExecution',
  'TerminateNexusOperationExecution',
  'DeleteNexusOperationExecution',
  'StartBatchOperation',
]);

export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly keepNewest: number = AUDIT_EVENTS_MAX,
  ) {}

  async record(event: Omit<AuditEventInput, 'timeMs'>): Promise<void> {
    const bounded = Object.fromEntries(
      Object.entries(event).map(([name, value]) => [name, String(value).slice(0, FIELD_LENGTH_MAX)]),
    ) as Omit<AuditEventInput, 'timeMs'>;
    try {
      await this.store.appendAuditEvent({
        event: { ...bounded, timeMs: this.clock.nowMs() },
        keepNewest: this.keepNewest,
      });
    } catch (error) {
      this.logger.warn('writing the audit log failed', { action: event.action, error: String(error) });
    }
  }
}

interface AuditedRequest {
  readonly namespace?: unknown;
  readonly workflowExecution?: { readonly workflowId?: unknown } | null;
  readonly execution?: { readonly workflowId?: unknown } | null;
  readonly activityId?: unknown;
  readonly operationId?: unknown;
  readonly id?: unknown;
  readonly spec?: { readonly name?: unknown } | null;
  readonly searchAttributes?: unknown;
  readonly jobId?: unknown;
}

/** What a request is aimed at, in a few words: its workflow, activity, operation, endpoint or namespace. */
export function auditTargetOf(method: string, request: unknown): string {
  const r = (request ?? {}) as AuditedRequest;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return (
    text(r.workflowExecution?.workflowId) ??
    text(r.execution?.workflowId) ??
    text(r.activityId) ??
    text(r.operationId) ??
    text(r.spec?.name) ??
    text(r.id) ??
    text(r.jobId) ??
    (method.endsWith('SearchAttributes') && typeof r.searchAttributes === 'object' && r.searchAttributes !== null
      ? Object.keys(r.searchAttributes).join(',')
      : undefined) ??
    text(r.namespace) ??
    ''
  );
}
