// GET /api/v1/causeway/nexus-endpoint-access?ids=A&ids=B: the caller-namespace allowlists of Nexus endpoints
// (docs/security.md) over HTTP, for the web UI: the NexusEndpointAccessService RPC in JSON,
// `{endpoints: [{id, isRestricted, allowedCallerNamespaces}]}`. Lists are written with the
// causeway-allow-namespaces header of the endpoint create and update routes.
import { GetNexusEndpointAccessRequest, GetNexusEndpointAccessResponse } from '../causeway-service/causeway-proto';

export const ENDPOINT_ACCESS_HTTP_PATH = '/api/v1/causeway/nexus-endpoint-access';

export function endpointAccessRequestOf(url: URL): Uint8Array {
  return GetNexusEndpointAccessRequest.encode({ ids: url.searchParams.getAll('ids') }).finish();
}

export function endpointAccessJsonOf(bytes: Uint8Array): object {
  return GetNexusEndpointAccessResponse.toObject(GetNexusEndpointAccessResponse.decode(bytes), {
    defaults: true,
    arrays: true,
  });
}
