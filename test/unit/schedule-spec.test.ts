// Goal: schedule specs compute the Temporal server's times: cron strings (fields, names, steps, @hourly,
// @every with phase, CRON_TZ=), calendars, intervals with phase, time zones across DST, start/end time,
// excludes and deterministic jitter; bad specs fail with the server's words. Setup: pure functions on
// fixed instants; no clock, no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalizeSpec, compileSpec, jitterOf } from '../../src/engine/schedule-spec';
import { parseCronString } from '../../src/engine/schedule-calendar';
import { durationFromMs, timestampFromMs } from '../../src/common/time';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000', '');

function times(spec: Parameters<typeof compileSpec>[0], fromIso: string, count: number): string[] {
  const compiled = compileSpec(spec);
  const out: string[] = [];
  let after = at(fromIso);
  for (let i = 0; i < count; i += 1) {
    const next = compiled.nextTime('sched', after);
    if (!next) break;
    out.push(iso(next.nominalMs));
    after = next.nominalMs;
  }
  return out;
}

test('cron strings: five fields, steps, lists and names', () => {
  assert.deepEqual(times({ cronString: ['*/15 9-10 * * MON-FRI'] }, '2026-01-02T09:40:00Z', 4), [
    '2026-01-02T09:45:00Z',
    '2026-01-02T10:00:00Z',
    '2026-01-02T10:15:00Z',
    '2026-01-02T10:30:00Z',
  ]);
  // 2026-01-03 is a Saturday: the next weekday is Monday the 5th.
  assert.deepEqual(times({ cronString: ['0 9 * * mon-fri'] }, '2026-01-02T10:00:00Z', 1), ['2026-01-05T09:00:00Z']);
  assert.deepEqual(times({ cronString: ['0 0 1 jan,jul *'] }, '2026-02-01T00:00:00Z', 2), [
    '2026-07-01T00:00:00Z',
    '2027-01-01T00:00:00Z',
  ]);
  // Sunday as 7.
  assert.deepEqual(times({ cronString: ['0 12 * * 7'] }, '2026-01-01T00:00:00Z', 1), ['2026-01-04T12:00:00Z']);
});

test('predefined cron strings, seconds and years', () => {
  assert.deepEqual(times({ cronString: ['@hourly'] }, '2026-01-01T00:30:00Z', 2), [
    '2026-01-01T01:00:00Z',
    '2026-01-01T02:00:00Z',
  ]);
  assert.deepEqual(times({ cronString: ['@yearly'] }, '2026-06-01T00:00:00Z', 1), ['2027-01-01T00:00:00Z']);
  assert.deepEqual(times({ cronString: ['30 0 0 1 1 * 2030'] }, '2026-01-01T00:00:00Z', 2), ['2030-01-01T00:00:30Z']);
});

test('@every intervals with phase, and interval specs', () => {
  assert.deepEqual(parseCronString('@every 14h/3h').interval, { intervalMs: 14 * 3_600_000, phaseMs: 3 * 3_600_000 });
  assert.deepEqual(times({ cronString: ['@every 90s'] }, '2026-01-01T00:00:00Z', 2), [
    '2026-01-01T00:01:30Z',
    '2026-01-01T00:03:00Z',
  ]);
  assert.deepEqual(
    times(
      { interval: [{ interval: durationFromMs(3_600_000), phase: durationFromMs(300_000) }] },
      '2026-01-01T00:10:00Z',
      2,
    ),
    ['2026-01-01T01:05:00Z', '2026-01-01T02:05:00Z'],
  );
});

test('time zones: CRON_TZ and timezone_name, across a DST change', () => {
  assert.deepEqual(times({ cronString: ['CRON_TZ=America/New_York 0 9 * * *'] }, '2026-03-07T00:00:00Z', 3), [
    '2026-03-07T14:00:00Z',
    // DST starts on 8 March 2026 in New York: 09:00 is 13:00 UTC from then.
    '2026-03-08T13:00:00Z',
    '2026-03-09T13:00:00Z',
  ]);
  assert.equal(canonicalizeSpec({ cronString: ['TZ=Europe/Paris 0 9 * * *'] }).timezoneName, 'Europe/Paris');
  // 02:30 does not exist on the day clocks go forward; that day is skipped.
  assert.deepEqual(
    times({ calendar: [{ hour: '2', minute: '30' }], timezoneName: 'America/New_York' }, '2026-03-07T12:00:00Z', 2),
    ['2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z'],
  );
  // 01:30 happens twice on the day clocks go back (1 November 2026): both copies match.
  assert.deepEqual(
    times({ calendar: [{ hour: '1', minute: '30' }], timezoneName: 'America/New_York' }, '2026-11-01T00:00:00Z', 3),
    ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-02T06:30:00Z'],
  );
});

test('start and end time bound the times; excludes skip them', () => {
  const spec = {
    interval: [{ interval: durationFromMs(86_400_000) }],
    startTime: timestampFromMs(at('2026-01-03T00:00:00Z')),
    endTime: timestampFromMs(at('2026-01-05T00:00:00Z')),
  };
  assert.deepEqual(times(spec, '2026-01-01T00:00:00Z', 5), [
    '2026-01-03T00:00:00Z',
    '2026-01-04T00:00:00Z',
    '2026-01-05T00:00:00Z',
  ]);
  assert.deepEqual(
    times(
      { cronString: ['0 0 * * *'], excludeCalendar: [{ dayOfWeek: 'sat,sun', hour: '*', minute: '*', second: '*' }] },
      '2026-01-02T12:00:00Z',
      1,
    ),
    ['2026-01-05T00:00:00Z'],
  );
});

test('jitter is deterministic per schedule and time, and below the next nominal time', () => {
  const compiled = compileSpec({ interval: [{ interval: durationFromMs(60_000) }], jitter: durationFromMs(3_600_000) });
  const first = compiled.nextTime('a', at('2026-01-01T00:00:00Z'));
  const again = compiled.nextTime('a', at('2026-01-01T00:00:00Z'));
  assert.deepEqual(first, again);
  assert.ok(first && first.actualMs >= first.nominalMs && first.actualMs < first.nominalMs + 60_000);
  const jitters = new Set(['a', 'b', 'c', 'd', 'e'].map((seed) => jitterOf(seed, at('2026-01-01T00:00:00Z'), 60_000)));
  assert.ok(jitters.size > 1);
});

test('invalid specs fail with the server messages', () => {
  assert.throws(() => compileSpec({ cronString: ['* * *'] }), /^SpecError: CronString does not have 5-7 fields$/);
  assert.throws(() => compileSpec({ cronString: ['61 * * * *'] }), /Minute is not in range \[0-59\]/);
  assert.throws(() => compileSpec({ cronString: ['1-2-3 * * * *'] }), /Minute has too many dashes/);
  assert.throws(() => compileSpec({ cronString: ['*/0 * * * *'] }), /Minute has invalid Step/);
  assert.throws(() => compileSpec({ cronString: ['x * * * *'] }), /Minute is not in range/);
  assert.throws(() => compileSpec({ cronString: ['@every'] }), /CronString does not have interval after @every/);
  assert.throws(() => compileSpec({ cronString: ['@every nope'] }), /time: invalid duration "nope"/);
  assert.throws(
    () => compileSpec({ structuredCalendar: [{ hour: [{ start: 25 }] }] }),
    /invalid calendar spec: Hour Start is not in range \[0-23\]/,
  );
  assert.throws(() => compileSpec({ interval: [{ interval: durationFromMs(10) }] }), /interval is too small/);
  assert.throws(
    () => compileSpec({ interval: [{ interval: durationFromMs(60_000), phase: durationFromMs(60_000) }] }),
    /phase cannot be greater than Interval/,
  );
  assert.throws(() => compileSpec({ timezoneName: 'Mars/Olympus' }), /unknown time zone Mars\/Olympus/);
  assert.throws(
    () => compileSpec({ cronString: ['TZ=UTC 0 * * * *', 'TZ=Asia/Tokyo 0 * * * *'] }),
    /conflicting timezone names/,
  );
});
