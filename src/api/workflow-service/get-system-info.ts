import type { temporal } from '../../common/proto';
import type { ApiDeps } from '../api-deps';

// Capabilities that the 1.24 SDKs read, advertised as the real server does for what Causeway supports.
export function getSystemInfo(deps: ApiDeps): temporal.api.workflowservice.v1.IGetSystemInfoResponse {
  return {
    serverVersion: deps.config.serverVersion,
    capabilities: {
      signalAndQueryHeader: true,
      internalErrorDifferentiation: true,
      activityFailureIncludeHeartbeat: true,
      supportsSchedules: true,
      encodedFailureAttributes: true,
      // On, as in the Temporal server: SDK workers then stamp their build id on polls and completions,
      // which histories record as `workerVersion` (without it they send the deprecated binary checksum).
      buildIdBasedVersioning: true,
      upsertMemo: true,
      eagerWorkflowStart: true,
      sdkMetadata: true,
      countGroupByExecutionStatus: true,
      nexus: true,
    },
  };
}
