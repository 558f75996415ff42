// Goal: DescribeTaskQueue reports what the Temporal server reports: the workers polling a task queue
// per type (workflow, activity; with their identities and last poll times), its backlog (stats and the
// legacy status), in the legacy form and the enhanced one (per type under the unversioned build id); an
// empty name is INVALID_ARGUMENT. Setup: one server; a TypeScript SDK worker on a fresh task queue, and a
// workflow started on a queue nobody polls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';

const TaskQueueType = temporal.api.enums.v1.TaskQueueType;
const Mode = temporal.api.enums.v1.DescribeTaskQueueMode;

describe('DescribeTaskQueue', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('pollers per type, the backlog, legacy and enhanced forms', async () => {
    const describe = (request: temporal.api.workflowservice.v1.IDescribeTaskQueueRequest) =>
      env.connection.workflowService.describeTaskQueue({ namespace: 'default', ...request });
    await env.withWorker(
      async (taskQueue) => {
        const workflowPollers = await eventually(async () => {
          const response = await describe({
            taskQueue: { name: taskQueue },
            taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          return response.pollers?.some((poller) => poller.identity === 'describe-worker')
            ? response.pollers
            : undefined;
        });
        assert.ok(Number(workflowPollers[0]?.lastAccessTime?.seconds) > 0);
        const activity = await eventually(async () => {
          const response = await describe({
            taskQueue: { name: taskQueue },
            taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
          });
          return response.pollers?.length ? response : undefined;
        });
        assert.equal(activity.pollers?.[0]?.identity, 'describe-worker');
        const enhanced = await describe({
          taskQueue: { name: taskQueue },
          apiMode: Mode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED,
          reportPollers: true,
          reportStats: true,
        });
        const types = enhanced.versionsInfo?.['']?.typesInfo ?? {};
        assert.deepEqual(
          Object.keys(types).sort(),
          [String(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW), String(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)].sort(),
        );
        assert.equal(types[String(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)]?.pollers?.[0]?.identity, 'describe-worker');
        assert.equal(Number(types[String(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)]?.stats?.approximateBacklogCount), 0);
      },
      { identity: 'describe-worker' },
    );

    // Nobody polls: the workflow task waits in the backlog.
    const idle = uniqueId('idle');
    await env.client.workflow.start('waitForever', { taskQueue: idle, workflowId: uniqueId() });
    const backlog = await eventually(async () => {
      const response = await describe({ taskQueue: { name: idle }, reportStats: true, includeTaskQueueStatus: true });
      return Number(response.stats?.approximateBacklogCount) === 1 ? response : undefined;
    });
    assert.equal(Number(backlog.taskQueueStatus?.backlogCountHint), 1);
    assert.deepEqual(backlog.pollers, []);
    await assert.rejects(describe({ taskQueue: { name: '' } }), /TaskQueue is not set on request|task queue/i);
  });
});
