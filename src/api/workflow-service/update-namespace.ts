import { type temporal, Long } from '../../common/proto';
import { msFromDuration } from '../../common/time';
import { type ApiDeps, namespaceOf } from '../api-deps';
import { namespaceDescription } from './namespace-description';
import { validRetentionMs } from '../../engine/namespace-registry';

export async function updateNamespace(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IUpdateNamespaceRequest,
): Promise<temporal.api.workflowservice.v1.IUpdateNamespaceResponse> {
  const record = { ...namespaceOf(deps, request) };
  const info = request.updateInfo;
  if (info?.description) record.description = info.description;
  if (info?.ownerEmail) record.ownerEmail = info.ownerEmail;
  if (info?.data) record.data = { ...record.data, ...info.data };
  const retention = request.config?.workflowExecutionRetentionTtl;
  if (retention) record.retentionMs = validRetentionMs(msFromDuration(retention));
  const updated = await deps.namespaces.update(record);
  const description = namespaceDescription(updated);
  return {
    namespaceInfo: description.namespaceInfo ?? null,
    config: description.config ?? null,
    replicationConfig: description.replicationConfig ?? null,
    failoverVersion: Long.fromNumber(0),
    isGlobalNamespace: false,
  };
}
