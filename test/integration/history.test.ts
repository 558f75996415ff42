// Goal: GetWorkflowExecutionHistory pages with contiguous event ids, long-polls for new events, filters to
// the close event; every long poll (history, workflow and activity task queues) answers empty before the
// caller's deadline. Setup: one in-process server whose long polls expire after 1 s (dynamic config), raw
// RPCs through connection.workflowService.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

const EventType = temporal.api.enums.v1.EventType;
const CLOSE_EVENT = temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
const LONG_POLL_MS = 1000;
const CALLER_DEADLINE_MS = 5000;

describe('workflow history', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      dynamicConfig: { 'matching.longPollExpirationInterval': '1s', 'history.longPollExpirationInterval': '1s' },
    });
  });
  after(async () => {
    await env?.stop();
  });

  function history(
    request: Partial<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest>,
  ): Promise<temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse> {
    return env.connection.withDeadline(Date.now() + CALLER_DEADLINE_MS, () =>
      env.connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', ...request }),
    );
  }

  test('pages of maximumPageSize follow nextPageToken with contiguous event ids', async () => {
    const workflowId = uniqueId();
    await env.withWorker((taskQueue) =>
      env.client.workflow.execute('manyTimers', { taskQueue, workflowId, args: [5] }),
    );
    const ids: number[] = [];
    let nextPageToken: Uint8Array | undefined;
    let pages = 0;
    do {
      const page = await history({ execution: { workflowId }, maximumPageSize: 3, nextPageToken });
      const events = page.history?.events ?? [];
      assert.ok(events.length > 0 && events.length <= 3, `page of ${events.length} events`);
      ids.push(...events.map((e) => Number(e.eventId)));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      pages += 1;
      assert.ok(pages < 100, 'paging does not end');
    } while (nextPageToken);
    assert.ok(ids.length > 6, `only ${ids.length} events`);
    assert.deepEqual(
      ids,
      Array.from({ length: ids.length }, (_, i) => i + 1),
    );
    const all = await history({ execution: { workflowId } });
    assert.equal(all.history?.events?.length, ids.length);
    const firstPage = await history({ execution: { workflowId }, maximumPageSize: 3 });
    const mismatch = await history({
      execution: { workflowId, runId: '00000000-0000-0000-0000-000000000000' },
      nextPageToken: firstPage.nextPageToken,
    }).then(
      () => assert.fail('a token of another run was accepted'),
      (e: { code?: number; details?: string }) => e,
    );
    assert.equal(mismatch.code, GrpcStatus.INVALID_ARGUMENT);
    assert.match(String(mismatch.details), /does not match the NextPageToken/);
    assert.equal(all.nextPageToken?.length ?? 0, 0);
    assert.equal(all.history?.events?.at(-1)?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });

  test('a long poll with waitNewEvent returns when a new event arrives', async () => {
    const handle = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
    });
    const execution = { workflowId: handle.workflowId };
    const first = await history({ execution, waitNewEvent: true });
    const known = first.history?.events ?? [];
    assert.deepEqual(
      known.map((e) => e.eventType),
      [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED],
    );
    assert.ok(first.nextPageToken?.length, 'a running workflow keeps a token for the long poll');
    const waiting = history({ execution, waitNewEvent: true, nextPageToken: first.nextPageToken });
    const signalledAt = Date.now();
    setTimeout(() => void handle.signal('add', 1), 100);
    const next = await waiting;
    assert.ok(Date.now() - signalledAt < LONG_POLL_MS, 'the long poll answered only at its expiry');
    const events = next.history?.events ?? [];
    assert.equal(Number(events[0]?.eventId), known.length + 1);
    assert.equal(events[0]?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    await handle.terminate();
  });

  test('the CLOSE_EVENT filter returns exactly the close event', async () => {
    const workflowId = uniqueId();
    await env.withWorker((taskQueue) =>
      env.client.workflow.execute('greeting', { taskQueue, workflowId, args: ['close'] }),
    );
    for (const waitNewEvent of [false, true]) {
      const response = await history({ execution: { workflowId }, historyEventFilterType: CLOSE_EVENT, waitNewEvent });
      const events = response.history?.events ?? [];
      assert.equal(events.length, 1);
      assert.equal(events[0]?.eventType, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
      const all = await history({ execution: { workflowId } });
      assert.equal(Number(events[0]?.eventId), all.history?.events?.length);
      assert.equal(response.nextPageToken?.length ?? 0, 0);
    }
    const open = await env.client.workflow.start('waitForever', { taskQueue: uniqueId('tq'), workflowId: uniqueId() });
    const pending = await history({ execution: { workflowId: open.workflowId }, historyEventFilterType: CLOSE_EVENT });
    assert.equal(pending.history?.events?.length ?? 0, 0, 'an open workflow has no close event yet');
    assert.equal(pending.nextPageToken?.length ?? 0, 0, 'without waitNewEvent there is nothing to continue');
    await open.terminate();
  });

  test('history long polls answer empty at the server expiry, before the caller deadline', async () => {
    const handle = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
    });
    const execution = { workflowId: handle.workflowId };
    const first = await history({ execution, waitNewEvent: true });
    for (const request of [
      { execution, waitNewEvent: true, nextPageToken: first.nextPageToken },
      { execution, waitNewEvent: true, historyEventFilterType: CLOSE_EVENT },
    ]) {
      const startedAt = Date.now();
      const response = await history(request);
      const elapsedMs = Date.now() - startedAt;
      assert.equal(response.history?.events?.length ?? 0, 0);
      assert.ok(response.nextPageToken?.length, 'an expired long poll returns a token to continue with');
      assert.ok(
        elapsedMs >= LONG_POLL_MS - 100 && elapsedMs < CALLER_DEADLINE_MS - 1000,
        `answered after ${elapsedMs} ms`,
      );
    }
    await handle.terminate();
  });

  test('task queue polls answer empty at the server expiry, before the caller deadline', async () => {
    const service = env.connection.workflowService;
    const taskQueue = { name: uniqueId('tq') };
    const polls: [string, () => Promise<{ taskToken?: Uint8Array | null }>][] = [
      ['workflow', () => service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue, identity: 'test' })],
      ['activity', () => service.pollActivityTaskQueue({ namespace: 'default', taskQueue, identity: 'test' })],
    ];
    await Promise.all(
      polls.map(async ([kind, poll]) => {
        const startedAt = Date.now();
        const response = await env.connection.withDeadline(Date.now() + CALLER_DEADLINE_MS, poll);
        const elapsedMs = Date.now() - startedAt;
        assert.equal(response.taskToken?.length ?? 0, 0, `${kind} poll returned a task`);
        assert.ok(
          elapsedMs >= LONG_POLL_MS - 100 && elapsedMs < CALLER_DEADLINE_MS - 1000,
          `${kind} poll answered after ${elapsedMs} ms`,
        );
      }),
    );
  });

  test('a long poll whose caller deadline comes before the server expiry answers empty before that deadline', async () => {
    const service = env.connection.workflowService;
    const handle = await env.client.workflow.start('waitForever', {
      taskQueue: uniqueId('tq'),
      workflowId: uniqueId(),
    });
    const first = await history({ execution: { workflowId: handle.workflowId }, waitNewEvent: true });
    const taskQueue = { name: uniqueId('tq') };
    const shortDeadlineMs = 900;
    const polls: [
      string,
      () => Promise<{ taskToken?: Uint8Array | null; history?: { events?: unknown[] | null } | null }>,
    ][] = [
      ['workflow', () => service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue, identity: 'test' })],
      ['activity', () => service.pollActivityTaskQueue({ namespace: 'default', taskQueue, identity: 'test' })],
      [
        'history',
        () =>
          service.getWorkflowExecutionHistory({
            namespace: 'default',
            execution: { workflowId: handle.workflowId },
            waitNewEvent: true,
            nextPageToken: first.nextPageToken,
          }),
      ],
    ];
    await Promise.all(
      polls.map(async ([kind, poll]) => {
        const response = await env.connection.withDeadline(Date.now() + shortDeadlineMs, poll);
        assert.equal(response.taskToken?.length ?? 0, 0, `${kind} poll returned a task`);
        assert.equal(response.history?.events?.length ?? 0, 0, `${kind} poll returned events`);
      }),
    );
    await handle.terminate();
  });
});
