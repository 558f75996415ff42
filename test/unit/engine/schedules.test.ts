// Goal: a schedule's actions come due on the engine's wake-ups: an interval schedule takes one action
// per interval, limited actions stop at zero, and after downtime the actions within the catch-up window
// are taken while the older ones are counted as missed; nothing is taken twice across a restart.
// Setup: the engine alone (EngineHarness) on a fake clock; the workflows it starts are never run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness } from '../../helpers/engine-harness';
import { createSchedule, describeSchedule } from '../../../src/engine/schedules';
import { durationFromMs } from '../../../src/common/time';
import { temporal } from '../../../src/common/proto';

const MINUTE_MS = 60_000;
const Overlap = temporal.api.enums.v1.ScheduleOverlapPolicy;

async function create(h: EngineHarness, scheduleId: string, schedule: temporal.api.schedule.v1.ISchedule = {}) {
  await createSchedule(h.engine, h.namespace, {
    namespace: 'default',
    scheduleId,
    requestId: `create-${scheduleId}`,
    schedule: {
      spec: { interval: [{ interval: durationFromMs(MINUTE_MS) }] },
      action: { startWorkflow: { workflowId: scheduleId, workflowType: { name: 'wf' }, taskQueue: { name: 'q' } } },
      policies: { overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, ...schedule.policies },
      ...(schedule.state ? { state: schedule.state } : {}),
    },
  });
}

async function info(h: EngineHarness, scheduleId: string) {
  const described = await describeSchedule(h.engine, h.namespace, { namespace: 'default', scheduleId });
  return { info: described.info ?? {}, state: described.schedule?.state ?? {} };
}

test('an interval schedule takes one action per interval, named by its nominal time', async () => {
  const h = await EngineHarness.start();
  try {
    await create(h, 'every-minute');
    await h.clock.advance(3 * MINUTE_MS);
    const { info: described } = await info(h, 'every-minute');
    assert.equal(Number(described.actionCount), 3);
    const ids = (described.recentActions ?? []).map((a) => a.startWorkflowResult?.workflowId);
    assert.deepEqual(ids, [
      'every-minute-2026-01-01T00:01:00Z',
      'every-minute-2026-01-01T00:02:00Z',
      'every-minute-2026-01-01T00:03:00Z',
    ]);
    assert.equal(described.futureActionTimes?.length, 10);
  } finally {
    await h.stop();
  }
});

test('limited actions stop when none remain', async () => {
  const h = await EngineHarness.start();
  try {
    await create(h, 'limited', { state: { limitedActions: true, remainingActions: 2 as never } });
    await h.clock.advance(5 * MINUTE_MS);
    const { info: described, state } = await info(h, 'limited');
    assert.equal(Number(described.actionCount), 2);
    assert.equal(Number(state.remainingActions), 0);
    assert.equal(described.futureActionTimes?.length, 0);
  } finally {
    await h.stop();
  }
});

test('after downtime, actions within the catch-up window are taken and older ones counted as missed', async () => {
  const h = await EngineHarness.start();
  try {
    await create(h, 'catch-up', { policies: { catchupWindow: durationFromMs(2.5 * MINUTE_MS) } });
    await h.clock.advance(MINUTE_MS);
    assert.equal(Number((await info(h, 'catch-up')).info.actionCount), 1);
    // Down for ten minutes: 00:02 to 00:11 come due meanwhile; 00:09, 00:10, 00:11 are within 2.5 minutes.
    await h.restart(10 * MINUTE_MS + 1000);
    await h.clock.settle();
    const { info: described } = await info(h, 'catch-up');
    assert.equal(Number(described.actionCount), 4);
    assert.equal(Number(described.missedCatchupWindow), 7);
    const ids = (described.recentActions ?? []).map((a) => a.startWorkflowResult?.workflowId);
    assert.deepEqual(ids, [
      'catch-up-2026-01-01T00:01:00Z',
      'catch-up-2026-01-01T00:09:00Z',
      'catch-up-2026-01-01T00:10:00Z',
      'catch-up-2026-01-01T00:11:00Z',
    ]);
    await h.clock.advance(MINUTE_MS);
    assert.equal(Number((await info(h, 'catch-up')).info.actionCount), 5);
  } finally {
    await h.stop();
  }
});
