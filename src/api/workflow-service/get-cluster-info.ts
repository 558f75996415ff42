import type { temporal } from '../../common/proto';
import { Long } from '../../common/proto';
import type { ApiDeps } from '../api-deps';

export const CLUSTER_NAME = 'active';

export function getClusterInfo(deps: ApiDeps): temporal.api.workflowservice.v1.IGetClusterInfoResponse {
  return {
    supportedClients: {},
    serverVersion: deps.config.serverVersion,
    clusterId: 'causeway',
    clusterName: CLUSTER_NAME,
    historyShardCount: deps.engine.shardCount,
    persistenceStore: 'sqlite',
    visibilityStore: 'sqlite',
    failoverVersionIncrement: Long.fromNumber(10),
    initialFailoverVersion: Long.fromNumber(1),
  };
}
