// Durations written as Go writes them ("90s", "1h30m", "2d"), as the server's @every cron strings take
// them; the error text is Go's.
import { SpecError } from './schedule-spec-error';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export function msFromGoDuration(text: string): number {
  const invalid = new SpecError(`time: invalid duration ${JSON.stringify(text)}`);
  if (text === '0') return 0;
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw invalid;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    at = pattern.lastIndex;
  }
  if (at === 0) throw invalid;
  return Math.round(total);
}
