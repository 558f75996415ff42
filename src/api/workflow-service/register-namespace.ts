import type { temporal } from '../../common/proto';
import { msFromDuration } from '../../common/time';
import type { ApiDeps } from '../api-deps';

export async function registerNamespace(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRegisterNamespaceRequest,
): Promise<temporal.api.workflowservice.v1.IRegisterNamespaceResponse> {
  await deps.namespaces.register({
    name: request.namespace ?? '',
    description: request.description ?? '',
    ownerEmail: request.ownerEmail ?? '',
    retentionMs: msFromDuration(request.workflowExecutionRetentionPeriod),
    data: { ...(request.data ?? {}) },
  });
  return {};
}
