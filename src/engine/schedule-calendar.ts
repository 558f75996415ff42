// The text forms of a schedule spec turned into structured calendars, as the Temporal server reads
// them: CalendarSpec fields ("1-5/2,8", month and weekday names), cron strings (5 to 7 fields, the
// @hourly family, @every intervals with a phase, a TZ= or CRON_TZ= prefix, a # comment). Errors carry
// the server's words; the caller prefixes them with "Invalid schedule spec: ".
import type { temporal } from '../common/proto';
import { msFromGoDuration } from './schedule-duration';
import { SpecError } from './schedule-spec-error';

type Range = temporal.api.schedule.v1.IRange;
type StructuredCalendar = temporal.api.schedule.v1.IStructuredCalendarSpec;
type Calendar = temporal.api.schedule.v1.ICalendarSpec;

export const CALENDAR_YEAR_MIN = 2000;
export const CALENDAR_YEAR_MAX = 2100;
const COMMENT_LENGTH_MAX = 200;

const ParseMode = { Int: 'int', Year: 'year', Month: 'month', DayOfWeek: 'dow' } as const;
type ParseMode = (typeof ParseMode)[keyof typeof ParseMode];

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Go's strconv.Atoi error text, which the server passes through. */
function parseInteger(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new SpecError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

function nameIndex(text: string, names: readonly string[], minLength: number): number {
  if (text.length < minLength) return -1;
  const lower = text.toLowerCase();
  return names.findIndex((name) => name.startsWith(lower));
}

/** One value of a field: a number, or a month (3+ letters) or weekday (2+ letters) prefix. */
function parseValue(text: string, min: number, max: number, mode: ParseMode): number {
  let value = -1;
  if (mode === ParseMode.Month) {
    const index = nameIndex(text, MONTHS, 3);
    if (index >= 0) value = index + 1;
  } else if (mode === ParseMode.DayOfWeek) {
    value = nameIndex(text, WEEKDAYS, 2);
  }
  if (value < 0) value = parseInteger(text);
  if (value < min || value > max) throw new SpecError('out of range');
  return value;
}

interface FieldRule {
  readonly field: string;
  readonly fallback: string;
  readonly min: number;
  readonly max: number;
  readonly mode: ParseMode;
}

/** Parses "*", "x", "x-z", "x-z/y", "x/y" and comma lists of them into ranges (the server's makeRange). */
function parseRanges(input: string | null | undefined, rule: FieldRule): Range[] {
  const { field, min, max, mode } = rule;
  const text = (input ?? '').trim() || rule.fallback;
  if (text === '*' && mode === ParseMode.Year) return [];
  const ranges: Range[] = [];
  for (let part of text.split(',')) {
    let step = 1;
    let hasStep = false;
    const slashes = part.split('/').length - 1;
    if (slashes > 1) throw new SpecError(`${field} has too many slashes`);
    if (slashes === 1) {
      const [head = '', stepText = ''] = part.split('/');
      if (stepText === '') throw new SpecError(`${field} missing step value`);
      part = head;
      step = parseInteger(stepText);
      if (step < 1) throw new SpecError(`${field} has invalid Step`);
      hasStep = true;
    }
    let start = min;
    let end = max;
    if (part !== '*') {
      if (part.includes('-')) {
        const pieces = part.split('-');
        if (pieces.length > 2) throw new SpecError(`${field} has too many dashes`);
        start = attempt(
          () => parseValue(pieces[0] ?? '', min, max, mode),
          `${field} Start is not in range [${min}-${max}]`,
        );
        end = attempt(
          () => parseValue(pieces[1] ?? '', start, max, mode),
          `${field} End is before Start or not in range [${min}-${max}]`,
        );
      } else {
        start = attempt(() => parseValue(part, min, max, mode), `${field} is not in range [${min}-${max}]`);
        if (!hasStep) end = start;
      }
    }
    // Sunday may be written 7: fold it into 0, with an extra range where the step would miss it.
    if (mode === ParseMode.DayOfWeek && end === 7) {
      if ((7 - start) % step === 0 && (step > 1 || start > 1)) {
        ranges.push({ start: 0 });
        if (start === 7) continue;
      }
      end = 6;
    }
    const range: Range = { start };
    if (end !== start) range.end = end;
    if (step !== 1) range.step = step;
    ranges.push(range);
  }
  return ranges;
}

function attempt(parse: () => number, message: string): number {
  try {
    return parse();
  } catch {
    throw new SpecError(message);
  }
}

/** A CalendarSpec's strings as a structured calendar; every field's error is reported, comma-joined. */
export function structuredFromCalendar(calendar: Calendar): StructuredCalendar {
  const errors: string[] = [];
  const field = (value: string | null | undefined, rule: FieldRule): Range[] => {
    try {
      return parseRanges(value, rule);
    } catch (error) {
      errors.push((error as Error).message);
      return [];
    }
  };
  const structured: StructuredCalendar = {
    second: field(calendar.second, { field: 'Second', fallback: '0', min: 0, max: 59, mode: ParseMode.Int }),
    minute: field(calendar.minute, { field: 'Minute', fallback: '0', min: 0, max: 59, mode: ParseMode.Int }),
    hour: field(calendar.hour, { field: 'Hour', fallback: '0', min: 0, max: 23, mode: ParseMode.Int }),
    dayOfWeek: field(calendar.dayOfWeek, {
      field: 'DayOfWeek',
      fallback: '*',
      min: 0,
      max: 7,
      mode: ParseMode.DayOfWeek,
    }),
    dayOfMonth: field(calendar.dayOfMonth, {
      field: 'DayOfMonth',
      fallback: '*',
      min: 1,
      max: 31,
      mode: ParseMode.Int,
    }),
    month: field(calendar.month, { field: 'Month', fallback: '*', min: 1, max: 12, mode: ParseMode.Month }),
    year: field(calendar.year, {
      field: 'Year',
      fallback: '*',
      min: CALENDAR_YEAR_MIN,
      max: CALENDAR_YEAR_MAX,
      mode: ParseMode.Year,
    }),
    comment: calendar.comment ?? '',
  };
  if (errors.length > 0) throw new SpecError(errors.join(', '));
  return structured;
}

const PREDEFINED: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface ParsedCron {
  readonly calendar?: StructuredCalendar;
  readonly interval?: { readonly intervalMs: number; readonly phaseMs: number };
  /** The zone a TZ= / CRON_TZ= prefix names ('' when none). */
  readonly timezoneName: string;
}

export function parseCronString(input: string): ParsedCron {
  let text = input.trim();
  let timezoneName = '';
  if (text.startsWith('TZ=') || text.startsWith('CRON_TZ=')) {
    const space = text.indexOf(' ');
    if (space < 0) throw new SpecError('CronString has time zone but missing fields');
    timezoneName = text.slice(text.indexOf('=') + 1, space);
    text = text.slice(space + 1);
  }
  const hash = text.indexOf('#');
  const comment = hash >= 0 ? text.slice(hash + 1).trim() : '';
  if (hash >= 0) text = text.slice(0, hash);
  text = text.trim();
  if (text.startsWith('@every')) return { interval: parseEvery(text), timezoneName: '' };
  text = PREDEFINED[text] ?? text;
  const fields = text.split(/\s+/).filter((f) => f !== '');
  const calendar: Calendar = { comment };
  if (fields.length === 5) {
    [calendar.minute, calendar.hour, calendar.dayOfMonth, calendar.month, calendar.dayOfWeek] = fields;
  } else if (fields.length === 6) {
    [calendar.minute, calendar.hour, calendar.dayOfMonth, calendar.month, calendar.dayOfWeek, calendar.year] = fields;
  } else if (fields.length === 7) {
    [
      calendar.second,
      calendar.minute,
      calendar.hour,
      calendar.dayOfMonth,
      calendar.month,
      calendar.dayOfWeek,
      calendar.year,
    ] = fields;
  } else {
    throw new SpecError('CronString does not have 5-7 fields');
  }
  return { calendar: structuredFromCalendar(calendar), timezoneName };
}

function parseEvery(text: string): { intervalMs: number; phaseMs: number } {
  const space = text.indexOf(' ');
  if (space < 0) throw new SpecError('CronString does not have interval after @every');
  const [interval = '', phase = ''] = text.slice(space + 1).split('/');
  return { intervalMs: msFromGoDuration(interval), phaseMs: phase === '' ? 0 : msFromGoDuration(phase) };
}

/** The server's range checks of a structured calendar (given directly, or parsed). */
export function validateStructuredCalendar(calendar: StructuredCalendar): void {
  const errors: string[] = [];
  const check = (ranges: Range[] | null | undefined, field: string, min: number, max: number): void => {
    for (const range of ranges ?? []) {
      const start = range.start ?? 0;
      const end = range.end ?? 0;
      if (start < min || start > max) errors.push(`${field} Start is not in range [${min}-${max}]`);
      if (end !== 0 && (end < start || end > max))
        errors.push(`${field} End is before Start or not in range [${min}-${max}]`);
      if ((range.step ?? 0) < 0) errors.push(`${field} has invalid Step`);
    }
  };
  check(calendar.second, 'Second', 0, 59);
  check(calendar.minute, 'Minute', 0, 59);
  check(calendar.hour, 'Hour', 0, 23);
  check(calendar.dayOfMonth, 'DayOfMonth', 1, 31);
  check(calendar.month, 'Month', 1, 12);
  check(calendar.year, 'Year', CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
  check(calendar.dayOfWeek, 'DayOfWeek', 0, 6);
  if ((calendar.comment ?? '').length > COMMENT_LENGTH_MAX) errors.push('comment is too long');
  if (errors.length > 0) throw new SpecError(`invalid calendar spec: ${errors.join(', ')}`);
}
