// DescribeNamespaceResponse from a namespace record; shared by Describe, List, Register and Update.
import { temporal } from '../../common/proto';
import { durationFromMs } from '../../common/time';
import type { NamespaceRecord } from '../../store/store';
import { CLUSTER_NAME } from './get-cluster-info';

export function namespaceDescription(
  record: NamespaceRecord,
): temporal.api.workflowservice.v1.IDescribeNamespaceResponse {
  return {
    namespaceInfo: {
      name: record.name,
      state: record.state,
      description: record.description,
      ownerEmail: record.ownerEmail,
      data: record.data,
      id: record.id,
      capabilities: { eagerWorkflowStart: true, syncUpdate: true, asyncUpdate: true },
      supportsSchedules: true,
    },
    config: {
      workflowExecutionRetentionTtl: durationFromMs(record.retentionMs),
      historyArchivalState: temporal.api.enums.v1.ArchivalState.ARCHIVAL_STATE_DISABLED,
      visibilityArchivalState: temporal.api.enums.v1.ArchivalState.ARCHIVAL_STATE_DISABLED,
      customSearchAttributeAliases: {},
    },
    replicationConfig: {
      activeClusterName: CLUSTER_NAME,
      clusters: [{ clusterName: CLUSTER_NAME }],
      state: temporal.api.enums.v1.ReplicationState.REPLICATION_STATE_NORMAL,
    },
    isGlobalNamespace: false,
  };
}
