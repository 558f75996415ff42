// OperatorService Create/Update/Delete/Get/ListNexusEndpoints. The caller-namespace allowlist is a
// Causeway extension carried in the `causeway-allow-namespaces` gRPC metadata header (comma-separated);
// on update, leaving the header out keeps the stored list, and an empty value removes it.
import type { temporal } from '../../common/proto';
import { longToNumber } from '../../common/time';
import type { ApiDeps } from '../api-deps';
import type { CallContext } from '../grpc-service';
import { invalidArgument } from '../../common/errors';

export const ALLOW_NAMESPACES_HEADER = 'causeway-allow-namespaces';

function allowlistFrom(context: CallContext): string[] | null | undefined {
  const values = context.metadata.get(ALLOW_NAMESPACES_HEADER);
  if (values.length === 0) return undefined;
  const list = values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return list.length > 0 ? list : null;
}

export async function createNexusEndpoint(
  deps: ApiDeps,
  request: temporal.api.operatorservice.v1.ICreateNexusEndpointRequest,
  context: CallContext,
): Promise<temporal.api.operatorservice.v1.ICreateNexusEndpointResponse> {
  return { endpoint: await deps.nexus.endpoints.create(request.spec, allowlistFrom(context) ?? null) };
}

export async function updateNexusEndpoint(
  deps: ApiDeps,
  request: temporal.api.operatorservice.v1.IUpdateNexusEndpointRequest,
  context: CallContext,
): Promise<temporal.api.operatorservice.v1.IUpdateNexusEndpointResponse> {
  return {
    endpoint: await deps.nexus.endpoints.update(
      request.id ?? '',
      longToNumber(request.version),
      request.spec,
      allowlistFrom(context),
    ),
  };
}

export async function deleteNexusEndpoint(
  deps: ApiDeps,
  request: temporal.api.operatorservice.v1.IDeleteNexusEndpointRequest,
): Promise<temporal.api.operatorservice.v1.IDeleteNexusEndpointResponse> {
  await deps.nexus.endpoints.delete(request.id ?? '', longToNumber(request.version));
  return {};
}

export function getNexusEndpoint(
  deps: ApiDeps,
  request: temporal.api.operatorservice.v1.IGetNexusEndpointRequest,
): temporal.api.operatorservice.v1.IGetNexusEndpointResponse {
  if (!request.id) throw invalidArgument('endpoint ID not set');
  return { endpoint: deps.nexus.endpoints.describe(request.id) };
}

export function listNexusEndpoints(
  deps: ApiDeps,
  request: temporal.api.operatorservice.v1.IListNexusEndpointsRequest,
): temporal.api.operatorservice.v1.IListNexusEndpointsResponse {
  return deps.nexus.endpoints.list(request.pageSize ?? 0, request.nextPageToken, request.name);
}
