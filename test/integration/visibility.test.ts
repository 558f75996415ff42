// Goal: ListWorkflowExecutions and CountWorkflowExecutions answer the visibility query language through the
// SDK's client.workflow.list / count: system attributes, AND / OR / parentheses, ORDER BY, GROUP BY
// ExecutionStatus, custom search attributes sent untyped by the SDK, and INVALID_ARGUMENT for bad queries.
// Setup: one in-process server with custom search attributes; one task queue holds a fixed set of runs
// (completed, failed, terminated, running) that every query is scoped to.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ServiceError, type WorkflowExecutionInfo } from '@temporalio/client';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';

interface Runs {
  taskQueue: string;
  beforeStart: Date;
  completed: string[];
  failed: string;
  terminated: string;
  running: string;
}

async function list(env: TestEnv, query: string, pageSize?: number): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const execution of env.client.workflow.list({ query, ...(pageSize ? { pageSize } : {}) }))
    found.push(execution);
  return found;
}

async function ids(env: TestEnv, query: string): Promise<string[]> {
  return (await list(env, query)).map((e) => e.workflowId).sort();
}

describe('visibility', () => {
  let env: TestEnv;
  let runs: Runs;
  before(async () => {
    env = await startTestEnv({
      searchAttributes: {
        CustomKeyword: 'Keyword',
        CustomDatetime: 'Datetime',
        CustomKeywordList: 'KeywordList',
        CustomInt: 'Int',
      },
    });
    const taskQueue = uniqueId('tq');
    const beforeStart = new Date(Date.now() - 1000);
    runs = await env.withWorker(
      async () => {
        const completed = [uniqueId('done'), uniqueId('done')];
        for (const workflowId of completed) {
          await env.client.workflow.execute('greeting', { taskQueue, workflowId, args: ['v'] });
        }
        const failed = uniqueId('failed');
        await env.client.workflow
          .execute('failing', { taskQueue, workflowId: failed, args: ['x'] })
          .catch(() => undefined);
        const terminated = uniqueId('terminated');
        await (await env.client.workflow.start('waitForever', { taskQueue, workflowId: terminated })).terminate('test');
        const running = uniqueId('running');
        await env.client.workflow.start('waitForever', {
          taskQueue,
          workflowId: running,
          searchAttributes: {
            CustomKeyword: ['tagged'],
            CustomDatetime: [new Date('2030-01-02T03:04:05Z')],
            CustomKeywordList: ['red', 'green'],
            CustomInt: [42],
          },
        });
        return { taskQueue, beforeStart, completed, failed, terminated, running };
      },
      { taskQueue },
    );
  });
  after(async () => {
    await env?.stop();
  });

  test('filters on WorkflowId, WorkflowType, ExecutionStatus and TaskQueue', async () => {
    const tq = `TaskQueue = '${runs.taskQueue}'`;
    await eventually(async () => (await ids(env, tq)).length === 5);
    assert.deepEqual(await ids(env, `WorkflowId = '${runs.failed}'`), [runs.failed]);
    assert.deepEqual(await ids(env, `WorkflowType = 'greeting' AND ${tq}`), [...runs.completed].sort());
    assert.deepEqual(await ids(env, `ExecutionStatus = 'Running' AND ${tq}`), [runs.running]);
    assert.deepEqual(await ids(env, `ExecutionStatus = 'Completed' AND ${tq}`), [...runs.completed].sort());
    const [info] = await list(env, `WorkflowId = '${runs.running}'`);
    assert.equal(info?.type, 'waitForever');
    assert.equal(info?.status.name, 'RUNNING');
    assert.equal(info?.taskQueue, runs.taskQueue);
  });

  test('BuildIds holds "unversioned" and the build id of each worker that completed a workflow task', async () => {
    const [completed] = runs.completed;
    const described = await env.client.workflow.getHandle(completed ?? '').describe();
    const buildIds = described.searchAttributes['BuildIds'] as string[] | undefined;
    assert.equal(buildIds?.[0], 'unversioned');
    assert.ok(buildIds?.[1]?.startsWith('unversioned:'), `BuildIds: ${JSON.stringify(buildIds)}`);
    const tq = `TaskQueue = '${runs.taskQueue}'`;
    assert.deepEqual(
      await ids(env, `BuildIds = 'unversioned' AND WorkflowType = 'greeting' AND ${tq}`),
      [...runs.completed].sort(),
    );
    assert.deepEqual(
      await ids(env, `BuildIds = '${buildIds?.[1] ?? ''}' AND ExecutionStatus = 'Completed' AND ${tq}`),
      [...runs.completed].sort(),
    );
  });

  test('AND, OR and parentheses combine as in SQL', async () => {
    const tq = `TaskQueue = '${runs.taskQueue}'`;
    assert.deepEqual(
      await ids(env, `${tq} AND (ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated')`),
      [runs.failed, runs.terminated].sort(),
    );
    // Without parentheses AND binds tighter: every Terminated run in the namespace matches the right side.
    assert.deepEqual(
      await ids(env, `(${tq} AND ExecutionStatus = 'Failed') OR WorkflowId = '${runs.running}'`),
      [runs.failed, runs.running].sort(),
    );
    assert.deepEqual(
      await ids(env, `${tq} AND WorkflowType != 'greeting' AND ExecutionStatus != 'Running'`),
      [runs.failed, runs.terminated].sort(),
    );
  });

  test('StartTime and CloseTime compare with RFC 3339 times', async () => {
    const tq = `TaskQueue = '${runs.taskQueue}'`;
    assert.equal((await ids(env, `${tq} AND StartTime > '${runs.beforeStart.toISOString()}'`)).length, 5);
    assert.deepEqual(await ids(env, `${tq} AND StartTime < '${runs.beforeStart.toISOString()}'`), []);
    const closed = await ids(env, `${tq} AND CloseTime > '${runs.beforeStart.toISOString()}'`);
    assert.deepEqual(closed, [...runs.completed, runs.failed, runs.terminated].sort());
    const [running] = await list(env, `WorkflowId = '${runs.running}'`);
    assert.equal(running?.closeTime, undefined);
  });

  test('ORDER BY sorts, and pages follow the order', async () => {
    const tq = `TaskQueue = '${runs.taskQueue}'`;
    const ascending = await list(env, `${tq} ORDER BY StartTime ASC`, 2);
    assert.equal(ascending.length, 5);
    const times = ascending.map((e) => e.startTime.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(ascending[0]?.workflowId, runs.completed[0]);
    assert.equal(ascending[4]?.workflowId, runs.running);
    const descending = await list(env, `${tq} ORDER BY StartTime DESC`, 2);
    assert.deepEqual(
      descending.map((e) => e.workflowId),
      ascending.map((e) => e.workflowId).reverse(),
    );
    const byId = await list(env, `${tq} ORDER BY WorkflowId`);
    assert.deepEqual(
      byId.map((e) => e.workflowId),
      byId.map((e) => e.workflowId).sort(),
    );
  });

  test('count, with GROUP BY ExecutionStatus', async () => {
    const tq = `TaskQueue = '${runs.taskQueue}'`;
    assert.equal((await env.client.workflow.count(tq)).count, 5);
    assert.equal((await env.client.workflow.count(`${tq} AND ExecutionStatus = 'Completed'`)).count, 2);
    const grouped = await env.client.workflow.count(`${tq} GROUP BY ExecutionStatus`);
    assert.equal(grouped.count, 5);
    const byStatus = Object.fromEntries(grouped.groups.map((g) => [String(g.groupValues[0]), g.count]));
    assert.deepEqual(byStatus, { Completed: 2, Failed: 1, Terminated: 1, Running: 1 });
  });

  test('RootWorkflowId and RootRunId name the top of a chain of children (the UI counts a tree by them)', async () => {
    const parentId = uniqueId('root');
    const runId = await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('parent', { taskQueue, workflowId: parentId, args: ['r'] });
      await handle.result();
      return handle.firstExecutionRunId;
    });
    const root = `RootWorkflowId = '${parentId}' AND RootRunId = '${runId}'`;
    assert.deepEqual(await ids(env, root), [parentId, `${parentId}-child`].sort());
    const grouped = await env.client.workflow.count(`${root} GROUP BY ExecutionStatus`);
    assert.equal(grouped.count, 2);
    assert.deepEqual(
      grouped.groups.map((g) => [String(g.groupValues[0]), g.count]),
      [['Completed', 2]],
    );
    assert.deepEqual(await ids(env, `RootWorkflowId = '${parentId}-child'`), [], 'a child is not a root');
  });

  test('custom search attributes sent untyped by the SDK are queryable', async () => {
    const tq = `TaskQueue = '${runs.taskQueue}'`;
    assert.deepEqual(await ids(env, `CustomKeyword = 'tagged' AND ${tq}`), [runs.running]);
    assert.deepEqual(await ids(env, `CustomInt = 42 AND ${tq}`), [runs.running]);
    assert.deepEqual(await ids(env, `CustomInt > 41 AND ${tq}`), [runs.running]);
    assert.deepEqual(await ids(env, `CustomDatetime > '2030-01-01T00:00:00Z' AND ${tq}`), [runs.running]);
    assert.deepEqual(await ids(env, `CustomDatetime < '2030-01-01T00:00:00Z' AND ${tq}`), []);
    assert.deepEqual(await ids(env, `CustomKeywordList = 'green' AND ${tq}`), [runs.running]);
    assert.deepEqual(await ids(env, `CustomKeyword IS NULL AND ${tq}`).then((found) => found.length), 4);
    const [info] = await list(env, `WorkflowId = '${runs.running}'`);
    assert.deepEqual(info?.searchAttributes['CustomKeyword'], ['tagged']);
  });

  test('search attributes upserted by a workflow are queryable, and an empty value removes one', async () => {
    await env.withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('upsertingSearchAttributes', {
        taskQueue,
        workflowId: uniqueId(),
        args: ['upserted'],
      });
      const scope = `WorkflowId = '${handle.workflowId}'`;
      await eventually(
        async () => (await ids(env, `${scope} AND CustomKeyword = 'upserted' AND CustomInt IS NULL`)).length === 1,
      );
      const description = await handle.describe();
      assert.deepEqual(description.searchAttributes['CustomKeyword'], ['upserted']);
      assert.equal(description.searchAttributes['CustomInt'], undefined);
      await handle.signal('done');
      await handle.result();
    });
  });

  test('a bad query is INVALID_ARGUMENT', async () => {
    for (const query of [
      'WorkflowId = ',
      'NoSuchAttribute = 1',
      "ExecutionStatus = 'Sleeping'",
      'WorkflowId = 1 GROUP BY WorkflowType',
    ]) {
      for (const call of [() => env.client.workflow.count(query), () => list(env, query)]) {
        const error = await call().catch((e: unknown) => e);
        assert.ok(error instanceof ServiceError, `${query}: ${String(error)}`);
        assert.equal(
          (error.cause as { code?: number }).code,
          GrpcStatus.INVALID_ARGUMENT,
          `${query}: ${String(error.cause)}`,
        );
      }
    }
  });
});
