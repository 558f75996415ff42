import type { temporal } from '../../common/proto';
import { msFromDuration } from '../../common/time';
import type { ApiDeps } from '../api-deps';
import { validateNamespaceName, validRetentionMs } from '../../engine/namespace-registry';

export async function registerNamespace(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRegisterNamespaceRequest,
): Promise<temporal.api.workflowservice.v1.IRegisterNamespaceResponse> {
  validateNamespaceName(request.namespace ?? '');
  // As the Temporal server: a request without a retention, or with less than an hour, is refused.
  const retentionMs = validRetentionMs(msFromDuration(request.workflowExecutionRetentionPeriod));
  await deps.namespaces.register({
    name: request.namespace ?? '',
    description: request.description ?? '',
    ownerEmail: request.ownerEmail ?? '',
    retentionMs,
    data: { ...(request.data ?? {}) },
  });
  return {};
}
