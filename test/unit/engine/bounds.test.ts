// Goal: every queue, cache and map of the engine has a bound, and reaching it loses nothing: the run
// cache forgets runs beyond its capacity (they are read again), the task processor leaves tasks beyond
// its memory in the store and reads them later, the wake-up queue does the same for wake-ups beyond its
// window, a shard's writer queue refuses work past its length, and a run refuses signals, activities
// and children past the per-run limits. Setup: the engine alone (EngineHarness) with small bounds and a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness, scheduleActivity, startChild, startTimer } from '../../helpers/engine-harness';
import { temporal } from '../../../src/common/proto';
import type { RunKey } from '../../../src/engine/tasks';
import { signalWorkflowExecution } from '../../../src/engine/client-api';
import { SHARD_QUEUE_MAX } from '../../../src/engine/shard';
import { ErrorCode, ServiceError } from '../../../src/common/errors';

test('the run cache holds at most its capacity; forgotten runs are read again', async () => {
  const h = await EngineHarness.start({ config: { runCacheMax: 32 } });
  try {
    const keys = [];
    for (let i = 0; i < 100; i++) keys.push(await h.startWorkflow(`cached-${i}`));
    assert.ok(h.engine.cachedRuns <= 32, `${h.engine.cachedRuns} runs cached`);
    assert.ok(
      (await h.describe(keys[0] as (typeof keys)[number])).workflowExecutionInfo,
      'a forgotten run is read from the store',
    );
  } finally {
    await h.stop();
  }
});

test('tasks beyond the processor memory wait in the store and all run', async () => {
  const h = await EngineHarness.start({
    engine: { shardCount: 1, taskProcessor: { tasksInMemoryMax: 4, readPageSize: 2 } },
  });
  try {
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await h.startWorkflow(`queued-${i}`)).runId);
    await h.clock.settle();
    const offered = new Set(
      h.offered.filter((o) => o.kind === 'workflow').map((o) => ('key' in o.task ? o.task.key.runId : '')),
    );
    assert.equal(offered.size, 20, 'every workflow task was dispatched');
    for (const id of ids) assert.ok(offered.has(id));
  } finally {
    await h.stop();
  }
});

test('tasks written before a restart are read back and run', async () => {
  const h = await EngineHarness.start({ engine: { taskProcessor: { tasksInMemoryMax: 3, readPageSize: 2 } } });
  try {
    for (let i = 0; i < 10; i++) await h.startWorkflow(`restart-${i}`);
    await h.restart();
    assert.equal(h.offered.filter((o) => o.kind === 'workflow').length, 10, 'dispatch tasks survive the restart');
  } finally {
    await h.stop();
  }
});

test('wake-ups beyond the in-memory window wait in the store; each fires at its time', async () => {
  const h = await EngineHarness.start({ engine: { shardCount: 1, wakeups: { inMemoryMax: 5, lookAheadMs: 10_000 } } });
  try {
    const keys = [];
    for (let i = 0; i < 30; i++) {
      const key = await h.startWorkflow(`timer-${i}`);
      await h.runWorkflowTask(key, [startTimer('t', 1000 * (i + 1))]);
      keys.push(key);
    }
    for (let i = 0; i < 30; i++) {
      await h.clock.advance(1000);
      const fired = [];
      for (const key of keys) if ((await h.eventTypes(key)).includes('TIMER_FIRED')) fired.push(key.workflowId);
      assert.equal(fired.length, i + 1, `after ${i + 1} s`);
    }
  } finally {
    await h.stop();
  }
});

test("a shard's writer queue refuses work past its length with RESOURCE_EXHAUSTED", async () => {
  const h = await EngineHarness.start();
  try {
    const shard = h.engine.shardOf(h.namespace.id, 'any');
    let release: () => void = () => undefined;
    const blocker = shard.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = Array.from({ length: SHARD_QUEUE_MAX - 1 }, () => shard.run(() => undefined));
    await assert.rejects(
      shard.run(() => undefined),
      (error: unknown) => error instanceof ServiceError && error.code === ErrorCode.ResourceExhausted,
    );
    release();
    await blocker;
    await Promise.all(queued);
  } finally {
    await h.stop();
  }
});

test('a run takes no more signals than history.maximumSignalsPerExecution', async () => {
  const h = await EngineHarness.start({ config: { signalsPerExecutionMax: 3 } });
  try {
    const key = await h.startWorkflow('many-signals');
    const signal = (): Promise<unknown> =>
      signalWorkflowExecution(h.engine, h.namespace, { namespace: 'default', workflowExecution: key, signalName: 's' });
    for (let i = 0; i < 3; i++) await signal();
    await assert.rejects(signal(), /exceeded workflow execution limit for signal events/);
  } finally {
    await h.stop();
  }
});

test('a run holds no more pending activities and children than their limits: the task that asks fails', async () => {
  const h = await EngineHarness.start({ config: { pendingActivitiesMax: 2, pendingChildrenMax: 1 } });
  const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
  const lastFailedCause = async (key: RunKey): Promise<number | null | undefined> =>
    (await h.history(key)).filter((e) => e.workflowTaskFailedEventAttributes).at(-1)?.workflowTaskFailedEventAttributes
      ?.cause;
  try {
    const activities = await h.startWorkflow('many-activities');
    await h.runWorkflowTask(activities, [scheduleActivity('a1'), scheduleActivity('a2'), scheduleActivity('a3')]);
    assert.equal(await lastFailedCause(activities), Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED);
    assert.ok(!(await h.eventTypes(activities)).includes('ACTIVITY_TASK_SCHEDULED'), 'no activity was scheduled');
    const children = await h.startWorkflow('many-children');
    await h.runWorkflowTask(children, [startChild('child-1'), startChild('child-2')]);
    assert.equal(
      await lastFailedCause(children),
      Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_CHILD_WORKFLOWS_LIMIT_EXCEEDED,
    );
  } finally {
    await h.stop();
  }
});
