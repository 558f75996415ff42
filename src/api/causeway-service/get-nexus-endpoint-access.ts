// NexusEndpointAccessService.GetNexusEndpointAccess: the caller-namespace allowlist of each endpoint
// named, from the registry (the same cache GetNexusEndpoint reads).
import { invalidArgument } from '../../common/errors';
import type { ApiDeps } from '../api-deps';
import type { NexusEndpointAccessMessage } from './causeway-proto';

export const ENDPOINT_ACCESS_IDS_MAX = 1000;

export function getNexusEndpointAccess(
  deps: ApiDeps,
  request: { ids?: string[] },
): { endpoints: NexusEndpointAccessMessage[] } {
  const ids = request.ids ?? [];
  if (ids.length > ENDPOINT_ACCESS_IDS_MAX) throw invalidArgument(`at most ${ENDPOINT_ACCESS_IDS_MAX} ids`);
  const endpoints: NexusEndpointAccessMessage[] = [];
  for (const id of ids) {
    // An unknown id is NOT_FOUND, as in GetNexusEndpoint.
    const record = deps.nexus.endpoints.get(id);
    endpoints.push({
      id,
      isRestricted: record.allowedCallerNamespaces !== null,
      allowedCallerNamespaces: record.allowedCallerNamespaces ?? [],
    });
  }
  return { endpoints };
}
