// Goal: a mutable state item changed without being marked is caught before it is written (it would be
// lost: commits write only marked items), and a marked change is written and read back. Setup: the engine
// alone (EngineHarness, which turns verification on) with one run that has a pending timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness, startTimer } from '../../helpers/engine-harness';

test('an unmarked item change fails the commit; a marked one is written', async () => {
  const h = await EngineHarness.start();
  try {
    const key = await h.startWorkflow('tracking');
    await h.runWorkflowTask(key, [startTimer('t1', 60_000)]);
    await assert.rejects(
      h.engine.run(key, async (tx) => {
        const workflow = await tx.get(key);
        const timer = workflow?.state.timers['t1'];
        if (timer) timer.fireAtMs += 1;
      }),
      /changed without being marked/,
    );
    await h.engine.run(key, async (tx) => {
      const workflow = await tx.get(key);
      const timer = workflow?.state.timers['t1'];
      if (!workflow || !timer) return;
      timer.fireAtMs = 1;
      workflow.changed('timers', 't1');
    });
    const stored = await h.store.getExecution({ key });
    assert.equal(JSON.parse(stored?.items.find((i) => i.kind === 'timer')?.data ?? '{}').fireAtMs, 1);
  } finally {
    await h.stop();
  }
});
