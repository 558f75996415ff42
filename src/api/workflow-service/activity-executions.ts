// The standalone activity RPCs (engine/standalone-activity.ts): start, describe, poll, list, count,
// cancel, terminate and delete. Pause, Unpause, Reset and UpdateOptions (activity-execution-commands.ts)
// serve a workflow's activity, and of a standalone one answer UNIMPLEMENTED, as the server does with its
// operator commands off.
import type { temporal } from '../../common/proto';
import {
  deleteActivityExecution as deleteRun,
  requestCancelActivityExecution as requestCancel,
  startActivityExecution as start,
  terminateActivityExecution as terminate,
} from '../../engine/standalone-activity';
import {
  countActivityExecutions as count,
  describeActivityExecution as describe,
  listActivityExecutions as list,
  pollActivityExecution as poll,
} from '../../engine/standalone-activity-views';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { CallContext, RpcHandler } from '../grpc-service';
import { activityExecutionCommandHandlers } from './activity-execution-commands';

type V1 = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof V1> = V1[K] extends { prototype: infer M } ? M : never;

export function activityExecutionHandlers(deps: ApiDeps): Record<string, RpcHandler> {
  return {
    StartActivityExecution: (r: Req<'StartActivityExecutionRequest'>) => start(deps.engine, namespaceOf(deps, r), r),
    DescribeActivityExecution: (r: Req<'DescribeActivityExecutionRequest'>, c: CallContext) =>
      describe(deps.engine, namespaceOf(deps, r), r, c.signal),
    PollActivityExecution: (r: Req<'PollActivityExecutionRequest'>, c: CallContext) =>
      poll(deps.engine, namespaceOf(deps, r), r, c.signal),
    ListActivityExecutions: (r: Req<'ListActivityExecutionsRequest'>) => list(deps.store, namespaceOf(deps, r), r),
    CountActivityExecutions: (r: Req<'CountActivityExecutionsRequest'>) => count(deps.store, namespaceOf(deps, r), r),
    RequestCancelActivityExecution: async (r: Req<'RequestCancelActivityExecutionRequest'>) => {
      await requestCancel(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    TerminateActivityExecution: async (r: Req<'TerminateActivityExecutionRequest'>) => {
      await terminate(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    DeleteActivityExecution: async (r: Req<'DeleteActivityExecutionRequest'>) => {
      await deleteRun(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    ...activityExecutionCommandHandlers(deps),
  };
}
