// Writes the audit log: every change to namespaces, search attributes and Nexus endpoints, every
// terminate, delete and reset, and every request refused for its credential or its role. An audited
// request's event is written before the request is served, with outcome "pending", and settled with its
// outcome before the answer is sent; if that first write fails the request is refused, so no change is
// made that the log does not name, even when the process dies between the change and the settling (the
// event then stays "pending": attempted, outcome unknown). A refusal's event, and the settling, that fail
// to be written are logged: the refusal or the change has happened already.
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

/** The outcome of an event whose request is being served (or whose server died while serving it). */
export const AUDIT_PENDING = 'pending';

export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly keepNewest: number = AUDIT_EVENTS_MAX,
  ) {}

  /** Records a finished event (a refusal); a failed write is logged. */
  async record(event: Omit<AuditEventInput, 'timeMs'>): Promise<void> {
    try {
      await this.append(event);
    } catch (error) {
      this.logger.warn('writing the audit log failed', { action: event.action, error: String(error) });
    }
  }

  /** Writes the event of a request about to be served, outcome "pending"; throws if it cannot. */
  async begin(event: Omit<AuditEventInput, 'timeMs' | 'outcome' | 'detail'>): Promise<number> {
    return this.append({ ...event, outcome: AUDIT_PENDING, detail: '' });
  }

  /** Sets the outcome of an event `begin` wrote; a failed write is logged. */
  async settle(id: number, action: string, outcome: string, detail: string): Promise<void> {
    try {
      await this.store.settleAuditEvent({ id, outcome, detail: detail.slice(0, FIELD_LENGTH_MAX) });
    } catch (error) {
      this.logger.warn('settling an audit event failed', { action, id, error: String(error) });
    }
  }

  private append(event: Omit<AuditEventInput, 'timeMs'>): Promise<number> {
    const bounded = Object.fromEntries(
      Object.entries(event).map(([name, value]) => [name, String(value).slice(0, FIELD_LENGTH_MAX)]),
    ) as Omit<AuditEventInput, 'timeMs'>;
    return this.store.appendAuditEvent({
      event: { ...bounded, timeMs: this.clock.nowMs() },
      keepNewest: this.keepNewest,
    });
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
