// AuditService.ListAuditEvents: a page of the audit log, newest first. The page token is the id of the
// last event of the page, as decimal text.
import { invalidArgument } from '../../common/errors';
import type { Store } from '../../store/store';
import type { AuditEventMessage } from './causeway-proto';

export const AUDIT_PAGE_SIZE_DEFAULT = 100;
export const AUDIT_PAGE_SIZE_MAX = 1000;

export async function listAuditEvents(
  store: Store,
  request: { pageSize?: number; nextPageToken?: Uint8Array },
): Promise<{ events: AuditEventMessage[]; nextPageToken: Uint8Array }> {
  const pageSize = request.pageSize ?? 0;
  if (pageSize < 0) throw invalidArgument('page_size must not be negative');
  const limit = Math.min(pageSize === 0 ? AUDIT_PAGE_SIZE_DEFAULT : pageSize, AUDIT_PAGE_SIZE_MAX);
  const tokenText = Buffer.from(request.nextPageToken ?? new Uint8Array()).toString('utf8');
  if (tokenText !== '' && !/^\d{1,15}$/.test(tokenText)) throw invalidArgument('invalid next_page_token');
  const events = await store.listAuditEvents({
    beforeId: tokenText === '' ? undefined : Number(tokenText),
    limit,
  });
  const last = events.length === limit ? events[events.length - 1] : undefined;
  return {
    events: events.map((event) => ({
      id: event.id,
      time: new Date(event.timeMs).toISOString(),
      principal: event.principal,
      action: event.action,
      namespace: event.namespace,
      target: event.target,
      outcome: event.outcome,
      detail: event.detail,
    })),
    nextPageToken: last ? Buffer.from(String(last.id)) : new Uint8Array(),
  };
}
