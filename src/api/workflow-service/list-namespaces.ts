import type { temporal } from '../../common/proto';
import type { ApiDeps } from '../api-deps';
import { namespaceDescription } from './namespace-description';

export function listNamespaces(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IListNamespacesRequest,
): temporal.api.workflowservice.v1.IListNamespacesResponse {
  const all = deps.namespaces.list().filter((n) => request.namespaceFilter?.includeDeleted || n.state !== 3);
  const offset = request.nextPageToken?.length ? Number(Buffer.from(request.nextPageToken).toString()) || 0 : 0;
  const pageSize = request.pageSize && request.pageSize > 0 ? request.pageSize : 100;
  const page = all.slice(offset, offset + pageSize);
  const next = offset + page.length;
  return {
    namespaces: page.map(namespaceDescription),
    nextPageToken: next < all.length ? Buffer.from(String(next)) : null,
  };
}
