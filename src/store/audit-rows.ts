// The audit_events row of both adapters, and the event it holds.
import type { AuditEvent } from './store';

export interface AuditRow {
  readonly id: number | string;
  readonly time_ms: number;
  readonly principal: string;
  readonly action: string;
  readonly namespace: string;
  readonly target: string;
  readonly outcome: string;
  readonly detail: string;
}

export const AUDIT_COLUMNS = 'id, time_ms, principal, action, namespace, target, outcome, detail';

export function auditEventOfRow(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    timeMs: Number(row.time_ms),
    principal: row.principal,
    action: row.action,
    namespace: row.namespace,
    target: row.target,
    outcome: row.outcome,
    detail: row.detail,
  };
}
