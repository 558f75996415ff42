// DescribeTaskQueue: the workers polling a task queue and its backlog, as the Temporal server reports
// them. The legacy form answers for one task queue type (`pollers`, `taskQueueStatus` when asked, `stats`
// when asked); the enhanced form (api_mode ENHANCED) answers per type under the unversioned build id
// (`versionsInfo[""].typesInfo`). A poller is reported for 5 minutes after its last poll, as the Temporal
// server keeps its poller history. Causeway's matching keeps no add or dispatch rates: they read 0.
import { temporal, long } from '../../common/proto';
import { durationFromMs, timestampFromMs } from '../../common/time';
import { validTaskQueueName } from '../../engine/task-queue-name';
import type { TaskQueueKind } from '../../matching/matching-service';
import { type ApiDeps, namespaceOf } from '../api-deps';

const TaskQueueType = temporal.api.enums.v1.TaskQueueType;
const Mode = temporal.api.enums.v1.DescribeTaskQueueMode;

/** How long a poller is reported after its last poll (the Temporal server's pollerHistoryTTL). */
export const POLLER_HISTORY_MS = 5 * 60 * 1000;

const KIND_OF_TYPE: Readonly<Record<number, TaskQueueKind>> = {
  [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW]: 'workflow',
  [TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]: 'activity',
  [TaskQueueType.TASK_QUEUE_TYPE_NEXUS]: 'nexus',
};

type Request = temporal.api.workflowservice.v1.IDescribeTaskQueueRequest;
type Response = temporal.api.workflowservice.v1.IDescribeTaskQueueResponse;

export function describeTaskQueue(deps: ApiDeps, request: Request): Response {
  const namespace = namespaceOf(deps, request);
  const name = validTaskQueueName(request.taskQueue);
  const nowMs = deps.clock.nowMs();
  const of = (type: number) => {
    const queue = deps.matching.find(namespace.id, name, KIND_OF_TYPE[type] ?? 'workflow');
    const pollers: temporal.api.taskqueue.v1.IPollerInfo[] = (queue?.pollersSince(nowMs - POLLER_HISTORY_MS) ?? []).map(
      (poller) => ({
        identity: poller.identity,
        lastAccessTime: timestampFromMs(poller.lastAccessMs),
        ratePerSecond: 100_000,
      }),
    );
    const backlog = queue?.backlogCount ?? 0;
    const stats: temporal.api.taskqueue.v1.ITaskQueueStats = {
      approximateBacklogCount: long(backlog),
      approximateBacklogAge: durationFromMs(0),
      tasksAddRate: 0,
      tasksDispatchRate: 0,
    };
    return { pollers, backlog, stats };
  };
  if (request.apiMode === Mode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED) {
    const types =
      request.taskQueueTypes && request.taskQueueTypes.length > 0
        ? request.taskQueueTypes
        : [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY];
    const typesInfo: Record<string, temporal.api.taskqueue.v1.ITaskQueueTypeInfo> = {};
    for (const type of types) {
      const described = of(type);
      typesInfo[String(type)] = {
        ...(request.reportPollers ? { pollers: described.pollers } : {}),
        ...(request.reportStats ? { stats: described.stats } : {}),
      };
    }
    return { versionsInfo: { '': { typesInfo } } };
  }
  const described = of(request.taskQueueType || TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
  return {
    pollers: described.pollers,
    ...(request.reportStats ? { stats: described.stats } : {}),
    ...(request.includeTaskQueueStatus
      ? {
          taskQueueStatus: {
            backlogCountHint: long(described.backlog),
            readLevel: long(0),
            ackLevel: long(0),
            ratePerSecond: 100_000,
            taskIdBlock: { startId: long(1), endId: long(100_000) },
          },
        }
      : {}),
  };
}
