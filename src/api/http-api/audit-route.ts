// GET /api/v1/causeway/audit: the audit log over HTTP (for the web UI), the AuditService RPC in JSON.
// Query: page_size, next_page_token (base64, as the HTTP API writes bytes). Answer: {events, nextPageToken}.
import { ListAuditEventsRequest, ListAuditEventsResponse } from '../causeway-service/causeway-proto';

export const AUDIT_HTTP_PATH = '/api/v1/causeway/audit';

export function auditRequestOf(url: URL): Uint8Array {
  const pageSize = Number(url.searchParams.get('page_size') ?? url.searchParams.get('pageSize') ?? '0');
  const token = url.searchParams.get('next_page_token') ?? url.searchParams.get('nextPageToken') ?? '';
  return ListAuditEventsRequest.encode({
    pageSize: Number.isInteger(pageSize) ? pageSize : 0,
    nextPageToken: Buffer.from(token, 'base64'),
  }).finish();
}

export function auditJsonOf(bytes: Uint8Array): object {
  return ListAuditEventsResponse.toObject(ListAuditEventsResponse.decode(bytes), {
    longs: String,
    bytes: String,
    defaults: true,
  });
}
