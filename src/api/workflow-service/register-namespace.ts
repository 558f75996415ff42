import type { temporal } from '../../common/proto';
import { msFromDuration } from '../../common/time';
import type { ApiDeps } from '../api-deps';

export function registerNamespace(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRegisterNamespaceRequest,
): temporal.api.workflowservice.v1.IRegisterNamespaceResponse {
  deps.namespaces.register({
    name: request.namespace ?? '',
    description: request.description ?? '',
    ownerEmail: request.ownerEmail ?? '',
    retentionMs: msFromDuration(request.workflowExecutionRetentionPeriod),
    data: { ...(request.data ?? {}) },
  });
  return {};
}
