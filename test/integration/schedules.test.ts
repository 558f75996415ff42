// Goal: schedules behave for the official TypeScript SDK's client.schedule as on the Temporal server:
// create, describe (canonical spec, info, memo, search attributes), list, update, pause/unpause with
// notes, trigger, backfill, the overlap policies with running workflows, actions of an interval spec,
// delete, and the server's errors. Setup: one in-process server; workflows from test/fixtures run on a
// worker per test; time is real (the shortest spec is one second), waits poll with eventually().
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';
import { long, type temporal } from '../../src/common/proto';

const CLI_PATH = process.env['TEMPORAL_CLI'] ?? '/tmp/temporal-1.9.1';
const CLI_TIMEOUT_MS = 30_000;

// Once a year: nothing fires by itself while a test runs.
const YEARLY = { cronExpressions: ['0 0 1 1 *'] };

describe('schedules', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('create, describe, list, update, pause and unpause, delete', async () => {
    const scheduleId = uniqueId('sched');
    const handle = await env.client.schedule.create({
      scheduleId,
      spec: { cronExpressions: ['CRON_TZ=America/New_York 30 9 * * MON-FRI'], jitter: '1m' },
      action: { type: 'startWorkflow', workflowType: 'greeting', args: ['x'], taskQueue: 'nobody', workflowId: 'wf' },
      memo: { owner: 'team-a' },
      state: { paused: true, note: 'created paused' },
    });
    const described = await handle.describe();
    assert.equal(described.scheduleId, scheduleId);
    assert.equal(described.spec.timezone, 'America/New_York');
    const [calendar] = described.spec.calendars ?? [];
    assert.deepEqual(calendar?.hour, [{ start: 9, end: 9, step: 1 }]);
    assert.deepEqual(calendar?.minute, [{ start: 30, end: 30, step: 1 }]);
    assert.deepEqual(calendar?.dayOfWeek, [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }]);
    assert.equal(described.state.paused, true);
    assert.equal(described.state.note, 'created paused');
    assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
    assert.deepEqual(described.memo, { owner: 'team-a' });
    assert.equal(described.info.recentActions.length, 0);
    assert.equal(described.info.nextActionTimes.length, 0);
    assert.ok(described.info.createdAt instanceof Date);

    const listed = await eventually(async () => {
      for await (const entry of env.client.schedule.list()) if (entry.scheduleId === scheduleId) return entry;
      return undefined;
    });
    assert.equal(listed.state.paused, true);
    assert.deepEqual(listed.memo, { owner: 'team-a' });
    assert.equal(listed.action?.workflowType, 'greeting');
    const counted = await env.connection.workflowService.countSchedules({
      namespace: 'default',
      query: `ScheduleId = '${scheduleId}'`,
    });
    assert.equal(Number(counted.count), 1);

    await handle.unpause('back on');
    const unpaused = await handle.describe();
    assert.equal(unpaused.state.paused, false);
    assert.equal(unpaused.state.note, 'back on');
    assert.equal(unpaused.info.nextActionTimes.length, 10);
    await handle.pause('off again');
    assert.equal((await handle.describe()).state.note, 'off again');

    await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every: '2h', offset: '5m' }] } }));
    const updated = await handle.describe();
    assert.deepEqual(
      updated.spec.intervals?.map((iv) => [iv.every, iv.offset]),
      [[7_200_000, 300_000]],
    );
    assert.ok(updated.info.lastUpdatedAt instanceof Date);

    await handle.delete();
    await assert.rejects(handle.describe(), ScheduleNotFoundError);
    await assert.rejects(handle.delete(), ScheduleNotFoundError);
  });

  test('bad input gets the server errors', async () => {
    const scheduleId = uniqueId('sched');
    const options = {
      scheduleId,
      spec: YEARLY,
      action: { type: 'startWorkflow', workflowType: 'greeting', taskQueue: 'nobody' },
    } as const;
    await env.client.schedule.create(options);
    await assert.rejects(env.client.schedule.create(options), ScheduleAlreadyRunning);
    await assert.rejects(
      env.client.schedule.create({ ...options, scheduleId: uniqueId('bad'), spec: { cronExpressions: ['* * *'] } }),
      /^TypeError: CronString does not have 5-7 fields$/,
    );
    // Straight over gRPC: the whole message as the server words it.
    const raw = (spec: temporal.api.schedule.v1.IScheduleSpec, overlapPolicy = 0) =>
      env.connection.workflowService.createSchedule({
        namespace: 'default',
        scheduleId: uniqueId('bad'),
        requestId: uniqueId('req'),
        schedule: {
          spec,
          action: { startWorkflow: { workflowId: 'w', workflowType: { name: 'greeting' }, taskQueue: { name: 'q' } } },
          policies: { overlapPolicy },
        },
      });
    await assert.rejects(raw({ structuredCalendar: [{ hour: [{ start: 30 }] }] }), {
      code: 3,
      details: 'Invalid schedule spec: invalid calendar spec: Hour Start is not in range [0-23]',
    });
    await assert.rejects(raw({ cronString: ['0 0 31 2 * 1999'] }), {
      code: 3,
      details: 'Invalid schedule spec: Year is not in range [2000-2100]',
    });
    await assert.rejects(raw({}, 42), { code: 3 });
    await assert.rejects(
      env.client.schedule.create({ ...options, scheduleId: uniqueId('bad'), spec: { timezone: 'Nowhere/Land' } }),
      /^TypeError: unknown time zone Nowhere\/Land$/,
    );
    await assert.rejects(env.client.schedule.getHandle(uniqueId('missing')).describe(), ScheduleNotFoundError);
    await env.client.schedule.getHandle(scheduleId).delete();
  });

  test('trigger starts the workflow at once, with the schedule search attributes; backfill takes past times', async () => {
    await env.withWorker(async (taskQueue) => {
      const scheduleId = uniqueId('sched');
      const handle = await env.client.schedule.create({
        scheduleId,
        spec: { cronExpressions: ['*/15 * * * *'] },
        action: { type: 'startWorkflow', workflowType: 'greeting', args: ['sched'], taskQueue, workflowId: scheduleId },
        policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
        state: { paused: true },
      });
      await handle.trigger();
      const [action] = await eventually(async () => {
        const recent = (await handle.describe()).info.recentActions;
        return recent.length === 1 ? recent : undefined;
      });
      assert.ok(action);
      const workflowId = action.action.workflow.workflowId;
      assert.match(workflowId, new RegExp(`^${scheduleId}-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
      assert.equal(await env.client.workflow.getHandle(workflowId).result(), 'Hello, sched!');
      const started = await env.client.workflow.getHandle(workflowId).describe();
      assert.equal(started.searchAttributes['TemporalScheduledById']?.[0], scheduleId);

      await handle.backfill({
        start: new Date('2026-01-01T00:00:00Z'),
        end: new Date('2026-01-01T01:00:00Z'),
        overlap: ScheduleOverlapPolicy.ALLOW_ALL,
      });
      const described = await eventually(async () => {
        const d = await handle.describe();
        return d.info.numActionsTaken === 6 ? d : undefined;
      });
      const ids = described.info.recentActions.map((a) => a.action.workflow.workflowId).slice(1);
      assert.deepEqual(ids, [
        `${scheduleId}-2026-01-01T00:00:00Z`,
        `${scheduleId}-2026-01-01T00:15:00Z`,
        `${scheduleId}-2026-01-01T00:30:00Z`,
        `${scheduleId}-2026-01-01T00:45:00Z`,
        `${scheduleId}-2026-01-01T01:00:00Z`,
      ]);
      await handle.delete();
    });
  });

  test('overlap policies with a running workflow: skip, buffer one, terminate other, allow all', async () => {
    await env.withWorker(async (taskQueue) => {
      const scheduleId = uniqueId('sched');
      const handle = await env.client.schedule.create({
        scheduleId,
        spec: YEARLY,
        action: { type: 'startWorkflow', workflowType: 'waitForever', taskQueue, workflowId: scheduleId },
        state: { paused: true },
      });
      const running = async (count: number) =>
        eventually(async () => {
          const d = await handle.describe();
          return d.info.runningActions.length === count ? d : undefined;
        });
      await handle.trigger();
      const first = await running(1);
      await handle.trigger(ScheduleOverlapPolicy.SKIP);
      await eventually(async () => ((await handle.describe()).info.numActionsSkippedOverlap === 1 ? true : undefined));
      await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
      await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
      const buffered = await eventually(async () => {
        const d = await handle.describe();
        return d.info.numActionsSkippedOverlap === 2 ? d : undefined;
      });
      assert.equal(buffered.info.runningActions.length, 1);
      await handle.trigger(ScheduleOverlapPolicy.TERMINATE_OTHER);
      const after = await eventually(async () => {
        const d = await handle.describe();
        // A trigger's workflow id names its second, so compare run ids.
        const runId = d.info.runningActions[0]?.workflow.firstExecutionRunId;
        return d.info.runningActions.length === 1 &&
          runId !== first.info.runningActions[0]?.workflow.firstExecutionRunId
          ? d
          : undefined;
      });
      const firstRun = first.info.runningActions[0]?.workflow;
      const terminated = await env.client.workflow
        .getHandle(firstRun?.workflowId ?? '', firstRun?.firstExecutionRunId)
        .describe();
      assert.equal(terminated.status.name, 'TERMINATED');
      assert.ok(after.info.numActionsTaken >= 2);
      // Two past years, both started beside the running one.
      await handle.backfill({
        start: new Date('2025-01-01T00:00:00Z'),
        end: new Date('2026-01-01T00:00:00Z'),
        overlap: ScheduleOverlapPolicy.ALLOW_ALL,
      });
      await running(3);
      await handle.delete();
    });
  });

  test('an interval spec takes its actions as time passes, each once, at whole seconds', async () => {
    await env.withWorker(async (taskQueue) => {
      const scheduleId = uniqueId('sched');
      const handle = await env.client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: '1s' }] },
        action: { type: 'startWorkflow', workflowType: 'greeting', args: ['tick'], taskQueue, workflowId: scheduleId },
        policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
      });
      const described = await eventually(
        async () => {
          const d = await handle.describe();
          return d.info.numActionsTaken >= 3 ? d : undefined;
        },
        { timeoutMs: 15_000 },
      );
      const times = described.info.recentActions.map((a) => a.scheduledAt.getTime());
      assert.equal(new Set(times).size, times.length);
      for (const t of times) assert.equal(t % 1000, 0);
      const nowS = Math.floor(Date.now() / 1000);
      const matching: temporal.api.workflowservice.v1.IListScheduleMatchingTimesResponse =
        await env.connection.workflowService.listScheduleMatchingTimes({
          namespace: 'default',
          scheduleId,
          startTime: { seconds: long(nowS) },
          endTime: { seconds: long(nowS + 5) },
        });
      assert.equal(matching.startTime?.length, 5);
      await handle.delete();
    });
  });

  test(
    'the temporal CLI creates, describes, lists, toggles, triggers, backfills and deletes a schedule',
    { skip: existsSync(CLI_PATH) ? false : `the temporal CLI is not at ${CLI_PATH} (set TEMPORAL_CLI to its path)` },
    async () => {
      const cli = (args: readonly string[]) =>
        new Promise<{ code: number; output: string }>((resolve) => {
          execFile(
            CLI_PATH,
            ['schedule', ...args, '--address', env.server.address, '--namespace', 'default'],
            { timeout: CLI_TIMEOUT_MS },
            (error, stdout, stderr) =>
              resolve({
                code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
                output: stdout + stderr,
              }),
          );
        });
      const ok = async (args: readonly string[]): Promise<string> => {
        const result = await cli(args);
        assert.equal(result.code, 0, `${args.join(' ')}: ${result.output}`);
        return result.output;
      };
      await env.withWorker(async (taskQueue) => {
        const scheduleId = uniqueId('cli');
        const ids = ['--schedule-id', scheduleId];
        await ok([
          'create',
          ...ids,
          '--cron',
          '0 0 1 1 *',
          '--workflow-id',
          scheduleId,
          '--task-queue',
          taskQueue,
          '--type',
          'greeting',
          '--input',
          '"cli"',
          '--overlap-policy',
          'AllowAll',
          '--paused',
        ]);
        const described = JSON.parse(await ok(['describe', ...ids, '--output', 'json'])) as {
          schedule?: { state?: { paused?: boolean } };
        };
        assert.equal(described.schedule?.state?.paused, true);
        assert.match(await ok(['list']), new RegExp(scheduleId));
        await ok(['toggle', ...ids, '--unpause', '--reason', 'from the cli']);
        const handle = env.client.schedule.getHandle(scheduleId);
        const unpaused = await handle.describe();
        assert.equal(unpaused.state.paused, false);
        assert.equal(unpaused.state.note, 'from the cli');
        assert.equal(unpaused.policies.overlap, ScheduleOverlapPolicy.ALLOW_ALL);
        await ok(['toggle', ...ids, '--pause', '--reason', 'hold']);
        assert.equal((await handle.describe()).state.paused, true);
        await ok(['trigger', ...ids]);
        await ok([
          'backfill',
          ...ids,
          '--start-time',
          '2024-01-01T00:00:00Z',
          '--end-time',
          '2025-01-01T00:00:00Z',
          '--overlap-policy',
          'AllowAll',
        ]);
        const taken = await eventually(async () => {
          const d = await handle.describe();
          return d.info.numActionsTaken === 3 ? d : undefined;
        });
        const workflowIds = taken.info.recentActions.map((a) => a.action.workflow.workflowId);
        assert.ok(workflowIds.includes(`${scheduleId}-2024-01-01T00:00:00Z`), workflowIds.join());
        assert.ok(workflowIds.includes(`${scheduleId}-2025-01-01T00:00:00Z`), workflowIds.join());
        await ok(['delete', ...ids]);
        const missing = await cli(['describe', ...ids]);
        assert.notEqual(missing.code, 0);
        assert.match(missing.output, /schedule not found/);
      });
    },
  );
});
