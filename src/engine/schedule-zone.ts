// Wall-clock time in an IANA time zone, through Node's Intl (which carries the zone database). A wall
// time is written as "pseudo-UTC" milliseconds: Date.UTC of its fields. Across a DST change a wall time
// may name no instant (the skipped hour) or two (the repeated hour).
import { LruCache } from '../common/lru-cache';
import { SpecError } from './schedule-spec-error';

const FORMATTERS_MAX = 256;
const formatters = new LruCache<string, Intl.DateTimeFormat | null>(FORMATTERS_MAX);

export interface Zone {
  readonly name: string;
  /** The wall time (pseudo-UTC ms, whole seconds) of an instant. */
  wallOf(instantMs: number): number;
  /** The instants whose wall time is `wallMs`, earliest first (none, one or two). */
  instantsOf(wallMs: number): number[];
}

const UTC_ZONE: Zone = { name: 'UTC', wallOf: (ms) => Math.floor(ms / 1000) * 1000, instantsOf: (ms) => [ms] };

function formatterOf(name: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(name);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat | null = null;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  } catch {
    formatter = null;
  }
  formatters.set(name, formatter);
  return formatter;
}

/** The zone of a schedule spec: '' and 'UTC' are UTC; an unknown name is the server's error. */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC' || name === 'Local') return UTC_ZONE;
  const formatter = formatterOf(name);
  if (!formatter) throw new SpecError(`unknown time zone ${name}`);
  const wallOf = (instantMs: number): number => {
    const fields: Record<string, number> = {};
    let isBce = false;
    for (const part of formatter.formatToParts(new Date(instantMs))) {
      if (part.type === 'era') isBce = part.value === 'BC' || part.value === 'B';
      else if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const year = isBce ? 1 - (fields['year'] ?? 0) : (fields['year'] ?? 0);
    const wall = Date.UTC(
      year,
      (fields['month'] ?? 1) - 1,
      fields['day'] ?? 1,
      fields['hour'] ?? 0,
      fields['minute'] ?? 0,
      fields['second'] ?? 0,
    );
    return wall;
  };
  const HOURS_3_MS = 3 * 3_600_000;
  return {
    name,
    wallOf,
    instantsOf(wallMs: number): number[] {
      // The offsets a little before and after: a zone changes offset at most once in six hours.
      const offsets = new Set<number>();
      for (const probe of [wallMs - HOURS_3_MS, wallMs + HOURS_3_MS]) {
        const instant = probe - (wallOf(probe) - probe);
        offsets.add(wallOf(instant) - instant);
      }
      return [...offsets]
        .map((offset) => wallMs - offset)
        .filter((instant) => wallOf(instant) === wallMs)
        .sort((a, b) => a - b);
    },
  };
}
