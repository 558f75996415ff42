// When a schedule's actions come due. A spec is first canonicalized as the server does it (calendars
// and cron strings become structured calendars and intervals, a cron string's zone becomes the spec's),
// then compiled; `nextTime` is the earliest matching second after a time, within start/end time, not
// excluded, and its jittered time: the nominal time plus a deterministic share (a hash of the schedule
// and the nominal time) of the jitter, never past the following nominal time.
import type { temporal } from '../common/proto';
import { fnv1a32 } from '../common/hash';
import { msFromDuration, msFromTimestamp, durationFromMs } from '../common/time';
import {
  CALENDAR_YEAR_MAX,
  parseCronString,
  structuredFromCalendar,
  validateStructuredCalendar,
} from './schedule-calendar';
import { SpecError } from './schedule-spec-error';
import { loadZone, type Zone } from './schedule-zone';

type ScheduleSpec = temporal.api.schedule.v1.IScheduleSpec;
type StructuredCalendar = temporal.api.schedule.v1.IStructuredCalendarSpec;
type Range = temporal.api.schedule.v1.IRange;

const SECOND_MS = 1000;
/** A bound on the search past excluded times (the server's warn threshold: a day of seconds). */
const EXCLUDED_SKIPS_MAX = 86_400;

/** The spec as the server keeps it: structured calendars and intervals only, the zone resolved. */
export function canonicalizeSpec(input: ScheduleSpec): ScheduleSpec {
  const spec: ScheduleSpec = {
    ...input,
    structuredCalendar: [...(input.structuredCalendar ?? [])],
    excludeStructuredCalendar: [...(input.excludeStructuredCalendar ?? [])],
    interval: [...(input.interval ?? [])],
  };
  for (const calendar of input.calendar ?? []) spec.structuredCalendar?.push(structuredFromCalendar(calendar));
  for (const calendar of input.excludeCalendar ?? [])
    spec.excludeStructuredCalendar?.push(structuredFromCalendar(calendar));
  let cronZone: string | null = null;
  for (const text of input.cronString ?? []) {
    const parsed = parseCronString(text);
    if (cronZone !== null && cronZone !== parsed.timezoneName) throw new SpecError('conflicting timezone names');
    cronZone = parsed.timezoneName;
    if (parsed.calendar) spec.structuredCalendar?.push(parsed.calendar);
    if (parsed.interval)
      spec.interval?.push({
        interval: durationFromMs(parsed.interval.intervalMs),
        ...(parsed.interval.phaseMs > 0 ? { phase: durationFromMs(parsed.interval.phaseMs) } : {}),
      });
  }
  if (cronZone) {
    if ((spec.timezoneName && spec.timezoneName !== cronZone) || (spec.timezoneData?.length ?? 0) > 0)
      throw new SpecError('conflicting timezone names');
    spec.timezoneName = cronZone;
  }
  spec.calendar = [];
  spec.excludeCalendar = [];
  spec.cronString = [];
  for (const calendar of spec.structuredCalendar ?? []) validateStructuredCalendar(calendar);
  for (const interval of spec.interval ?? []) {
    const intervalMs = msFromDuration(interval.interval);
    const phaseMs = msFromDuration(interval.phase);
    if (intervalMs < SECOND_MS) throw new SpecError('interval is too small');
    if (phaseMs < 0) throw new SpecError('phase is negative');
    if (phaseMs >= intervalMs) throw new SpecError('phase cannot be greater than Interval');
  }
  if ((spec.timezoneData?.length ?? 0) > 0) throw new SpecError('timezone_data is not supported');
  loadZone(spec.timezoneName ?? '');
  return spec;
}

type Matcher = (value: number) => boolean;

function matcherOf(ranges: Range[] | null | undefined, isEmptyAll: boolean): Matcher {
  const values = new Set<number>();
  for (const range of ranges ?? []) {
    const start = range.start ?? 0;
    const end = Math.max(range.end ?? 0, start);
    const step = range.step || 1;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  if (isEmptyAll && values.size === 0) return () => true;
  return (v) => values.has(v);
}

interface CompiledCalendar {
  readonly year: Matcher;
  readonly month: Matcher;
  readonly dayOfMonth: Matcher;
  readonly dayOfWeek: Matcher;
  readonly hour: Matcher;
  readonly minute: Matcher;
  readonly second: Matcher;
}

function compileCalendar(calendar: StructuredCalendar): CompiledCalendar {
  return {
    year: matcherOf(calendar.year, true),
    month: matcherOf(calendar.month, false),
    dayOfMonth: matcherOf(calendar.dayOfMonth, false),
    dayOfWeek: matcherOf(calendar.dayOfWeek, false),
    hour: matcherOf(calendar.hour, false),
    minute: matcherOf(calendar.minute, false),
    second: matcherOf(calendar.second, false),
  };
}

function wallMatches(calendar: CompiledCalendar, wallMs: number): boolean {
  const d = new Date(wallMs);
  return (
    calendar.year(d.getUTCFullYear()) &&
    calendar.month(d.getUTCMonth() + 1) &&
    calendar.dayOfMonth(d.getUTCDate()) &&
    calendar.dayOfWeek(d.getUTCDay()) &&
    calendar.hour(d.getUTCHours()) &&
    calendar.minute(d.getUTCMinutes()) &&
    calendar.second(d.getUTCSeconds())
  );
}

/** The first wall time at or after `wallMs` matching the calendar (fields tried outside in), or 0. */
function nextWallMatch(calendar: CompiledCalendar, fromWallMs: number): number {
  const d = new Date(fromWallMs);
  let [y, mo, day, h, mi, s] = [
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  for (;;) {
    const n = new Date(Date.UTC(y, mo, day, h, mi, s));
    [y, mo, day, h, mi, s] = [
      n.getUTCFullYear(),
      n.getUTCMonth(),
      n.getUTCDate(),
      n.getUTCHours(),
      n.getUTCMinutes(),
      n.getUTCSeconds(),
    ];
    if (y > CALENDAR_YEAR_MAX) return 0;
    if (!calendar.year(y)) {
      [y, mo, day, h, mi, s] = [y + 1, 0, 1, 0, 0, 0];
    } else if (!calendar.month(mo + 1)) {
      [mo, day, h, mi, s] = [mo + 1, 1, 0, 0, 0];
    } else if (!calendar.dayOfMonth(day) || !calendar.dayOfWeek(n.getUTCDay())) {
      [day, h, mi, s] = [day + 1, 0, 0, 0];
    } else if (!calendar.hour(h)) {
      [h, mi, s] = [h + 1, 0, 0];
    } else if (!calendar.minute(mi)) {
      [mi, s] = [mi + 1, 0];
    } else if (!calendar.second(s)) {
      s += 1;
    } else {
      return n.getTime();
    }
  }
}

export interface NextTime {
  /** The matching time, before jitter. */
  readonly nominalMs: number;
  /** When the action is taken: the nominal time plus jitter. */
  readonly actualMs: number;
}

export class CompiledSpec {
  private readonly zone: Zone;
  private readonly calendars: CompiledCalendar[];
  private readonly excludes: CompiledCalendar[];
  private readonly intervals: { intervalS: number; phaseS: number }[];
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly jitterMs: number;

  constructor(readonly spec: ScheduleSpec) {
    this.zone = loadZone(spec.timezoneName ?? '');
    this.calendars = (spec.structuredCalendar ?? []).map(compileCalendar);
    this.excludes = (spec.excludeStructuredCalendar ?? []).map(compileCalendar);
    this.intervals = (spec.interval ?? []).map((iv) => ({
      intervalS: Math.max(Math.floor(msFromDuration(iv.interval) / SECOND_MS), 1),
      phaseS: Math.max(Math.floor(msFromDuration(iv.phase) / SECOND_MS), 0),
    }));
    this.startMs = msFromTimestamp(spec.startTime) ?? 0;
    this.endMs = msFromTimestamp(spec.endTime) ?? 0;
    this.jitterMs = Math.max(msFromDuration(spec.jitter), 0);
  }

  /** The next action after `afterMs`, or null when the spec has no more. `seed` names the schedule. */
  nextTime(seed: string, afterMs: number): NextTime | null {
    let after = Math.max(afterMs, this.startMs - SECOND_MS);
    for (let skips = 0; skips <= EXCLUDED_SKIPS_MAX; skips += 1) {
      const nominalMs = this.rawNextTime(after);
      if (nominalMs === 0 || this.isPastEnd(nominalMs)) return null;
      if (!this.isExcluded(nominalMs)) {
        let maxJitterMs = this.jitterMs;
        const following = this.rawNextTime(nominalMs);
        if (following > 0) maxJitterMs = Math.min(maxJitterMs, following - nominalMs);
        return { nominalMs, actualMs: nominalMs + jitterOf(seed, nominalMs, maxJitterMs) };
      }
      after = nominalMs;
    }
    return null;
  }

  private isPastEnd(ms: number): boolean {
    return (this.endMs > 0 && ms > this.endMs) || new Date(ms).getUTCFullYear() > CALENDAR_YEAR_MAX;
  }

  private isExcluded(ms: number): boolean {
    const wall = this.zone.wallOf(ms);
    return this.excludes.some((calendar) => wallMatches(calendar, wall));
  }

  /** The earliest whole second after `afterMs` that a calendar or an interval matches, or 0. */
  private rawNextTime(afterMs: number): number {
    let earliest = Number.MAX_SAFE_INTEGER;
    const afterS = Math.floor(afterMs / SECOND_MS);
    for (const calendar of this.calendars) {
      const next = this.calendarNext(calendar, afterS * SECOND_MS);
      if (next > 0 && next < earliest) earliest = next;
    }
    for (const { intervalS, phaseS } of this.intervals) {
      const next = (Math.floor((afterS - phaseS) / intervalS) + 1) * intervalS + phaseS;
      if (next * SECOND_MS < earliest) earliest = next * SECOND_MS;
    }
    return earliest === Number.MAX_SAFE_INTEGER ? 0 : earliest;
  }

  /** The first instant after `afterMs` whose wall time in the zone matches the calendar. */
  private calendarNext(calendar: CompiledCalendar, afterMs: number): number {
    let wall = this.zone.wallOf(afterMs);
    // Start at the wall second after `after`, or at the same wall second when `after` is its first copy.
    const sameWall = this.zone.instantsOf(wall).find((instant) => instant > afterMs);
    if (sameWall !== undefined && wallMatches(calendar, wall)) return sameWall;
    wall += SECOND_MS;
    for (;;) {
      const match = nextWallMatch(calendar, wall);
      if (match === 0) return 0;
      const instants = this.zone.instantsOf(match).filter((instant) => instant > afterMs);
      const first = instants[0];
      if (first !== undefined) return first;
      // A wall time the clocks skipped: go on from the next hour, as the server does.
      const d = new Date(match);
      wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    }
  }
}

/** A share of `maxJitterMs` from a hash of the schedule and the nominal time: the same every time. */
export function jitterOf(seed: string, nominalMs: number, maxJitterMs: number): number {
  if (maxJitterMs <= 0) return 0;
  const hash = BigInt(fnv1a32(`${new Date(nominalMs).toISOString()}|${seed}`));
  const boundMs = BigInt(Math.min(Math.floor(maxJitterMs), 0xffffffff));
  return Number((hash * boundMs) >> 32n);
}

/** The spec compiled, or the server's INVALID_ARGUMENT message as a SpecError. */
export function compileSpec(spec: ScheduleSpec): CompiledSpec {
  return new CompiledSpec(canonicalizeSpec(spec));
}
