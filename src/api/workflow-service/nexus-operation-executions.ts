// The standalone Nexus operation RPCs (engine/standalone-nexus.ts): start, describe, poll, list, count,
// cancel, terminate and delete.
import type { temporal } from '../../common/proto';
import {
  deleteNexusOperationExecution as deleteRun,
  requestCancelNexusOperationExecution as requestCancel,
  startNexusOperationExecution as start,
  terminateNexusOperationExecution as terminate,
} from '../../engine/standalone-nexus';
import {
  countNexusOperationExecutions as count,
  describeNexusOperationExecution as describe,
  listNexusOperationExecutions as list,
  pollNexusOperationExecution as poll,
} from '../../engine/standalone-nexus-views';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { CallContext, RpcHandler } from '../grpc-service';

type V1 = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof V1> = V1[K] extends { prototype: infer M } ? M : never;

export function nexusOperationExecutionHandlers(deps: ApiDeps): Record<string, RpcHandler> {
  return {
    StartNexusOperationExecution: (r: Req<'StartNexusOperationExecutionRequest'>) =>
      start(deps.engine, namespaceOf(deps, r), r),
    DescribeNexusOperationExecution: (r: Req<'DescribeNexusOperationExecutionRequest'>, c: CallContext) =>
      describe(deps.engine, namespaceOf(deps, r), r, c.signal),
    PollNexusOperationExecution: (r: Req<'PollNexusOperationExecutionRequest'>, c: CallContext) =>
      poll(deps.engine, namespaceOf(deps, r), r, c.signal),
    ListNexusOperationExecutions: (r: Req<'ListNexusOperationExecutionsRequest'>) =>
      list(deps.store, namespaceOf(deps, r), r),
    CountNexusOperationExecutions: (r: Req<'CountNexusOperationExecutionsRequest'>) =>
      count(deps.store, namespaceOf(deps, r), r),
    RequestCancelNexusOperationExecution: async (r: Req<'RequestCancelNexusOperationExecutionRequest'>) => {
      await requestCancel(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    TerminateNexusOperationExecution: async (r: Req<'TerminateNexusOperationExecutionRequest'>) => {
      await terminate(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    DeleteNexusOperationExecution: async (r: Req<'DeleteNexusOperationExecutionRequest'>) => {
      await deleteRun(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
  };
}
