// The schedule RPCs (engine/schedules.ts): create, describe, list, count, update, patch, delete and the
// matching times of a schedule's spec.
import type { temporal } from '../../common/proto';
import {
  createSchedule,
  deleteSchedule,
  describeSchedule,
  listScheduleMatchingTimes,
  patchSchedule,
  updateSchedule,
} from '../../engine/schedules';
import { countSchedules, listSchedules } from '../../engine/schedule-list';
import { type ApiDeps, namespaceOf } from '../api-deps';
import type { RpcHandler } from '../grpc-service';

type V1 = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof V1> = V1[K] extends { prototype: infer M } ? M : never;

export function scheduleHandlers(deps: ApiDeps): Record<string, RpcHandler> {
  return {
    CreateSchedule: (r: Req<'CreateScheduleRequest'>) => createSchedule(deps.engine, namespaceOf(deps, r), r),
    DescribeSchedule: (r: Req<'DescribeScheduleRequest'>) => describeSchedule(deps.engine, namespaceOf(deps, r), r),
    ListSchedules: (r: Req<'ListSchedulesRequest'>) =>
      listSchedules(deps.store, namespaceOf(deps, r), r, deps.engine.ctx.clock.nowMs()),
    CountSchedules: (r: Req<'CountSchedulesRequest'>) => countSchedules(deps.store, namespaceOf(deps, r), r),
    UpdateSchedule: async (r: Req<'UpdateScheduleRequest'>) => {
      await updateSchedule(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    PatchSchedule: async (r: Req<'PatchScheduleRequest'>) => {
      await patchSchedule(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    DeleteSchedule: async (r: Req<'DeleteScheduleRequest'>) => {
      await deleteSchedule(deps.engine, namespaceOf(deps, r), r);
      return {};
    },
    ListScheduleMatchingTimes: (r: Req<'ListScheduleMatchingTimesRequest'>) =>
      listScheduleMatchingTimes(deps.engine, namespaceOf(deps, r), r),
  };
}
