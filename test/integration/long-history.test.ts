// Goal: histories longer than a page (256 events, as the Temporal server) reach workers in pages: the
// poll response carries the first page and a token, GetWorkflowExecutionHistory with it returns the rest
// up to the task's started event, and the TypeScript SDK replays such a history (workflow tasks with no
// cache, and a query) to the right result. Setup: one in-process server; 300 signals sent to a workflow
// before any worker runs; a raw poll first, then an SDK worker that caches no workflows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

const SIGNALS = 300;
const PAGE = 256;

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env?.stop();
});

test('a history longer than a page is paged to the worker and replayed by the SDK', async () => {
  const workflowId = uniqueId('long');
  const taskQueue = uniqueId('tq');
  const handle = await env.client.workflow.start('counter', { taskQueue, workflowId });
  for (let i = 0; i < SIGNALS; i++) await handle.signal('add', 1);
  const service = env.connection.workflowService;
  const poll = await service.pollWorkflowTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    identity: 'raw',
  });
  assert.equal(poll.history?.events?.length, PAGE);
  assert.ok(poll.nextPageToken && poll.nextPageToken.length > 0, 'the poll response names the rest');
  const rest = await service.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId },
    nextPageToken: poll.nextPageToken,
  });
  const ids = [...(poll.history?.events ?? []), ...(rest.history?.events ?? [])].map((e) => Number(e.eventId));
  assert.deepEqual(
    ids,
    Array.from({ length: ids.length }, (_, i) => i + 1),
    'contiguous from 1',
  );
  assert.equal(ids.at(-1), Number(poll.startedEventId), 'the pages end at the task started event');
  assert.ok(!rest.nextPageToken?.length);
  await service.respondWorkflowTaskFailed({
    namespace: 'default',
    taskToken: poll.taskToken,
    cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED,
    identity: 'raw',
  });
  const total = await env.withWorker(
    async () => {
      const queried = await handle.query<number>('total');
      await handle.signal('done');
      assert.equal(await handle.result(), SIGNALS);
      return queried;
    },
    { taskQueue, maxCachedWorkflows: 0 },
  );
  assert.equal(total, SIGNALS, 'the query replayed the whole history');
});
