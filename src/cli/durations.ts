// Durations as the `temporal` CLI reads and prints them: Go's time.ParseDuration syntax ("1h30m",
// "1.5s", "500ms") plus "d" for days ("3d"), printed back the way Go's Duration.String() does.
import Long from 'long';
import type { google } from '@temporalio/proto';
import { UsageError } from './flags';
import { numberFromLong } from './number-from-long';

const MILLISECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;

/** Milliseconds in a duration like "72h" or "1m30s"; "0" alone is allowed, as in Go. */
export function parseDuration(flagName: string, text: string): number {
  const invalid = new UsageError(
    `invalid duration "${text}" for --${flagName}: use a number and a unit (ms, s, m, h, d), e.g. 10s, 1h30m or 3d`,
  );
  if (text === '0') return 0;
  const isNegative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  if (body === '') throw invalid;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < body.length) {
    const match = DURATION_PART.exec(body);
    if (match === null) throw invalid;
    total += Number(match[1]) * (MILLISECONDS_PER_UNIT[match[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isFinite(total)) throw invalid;
  if (isNegative && total !== 0)
    throw new UsageError(`invalid duration "${text}" for --${flagName}: must not be negative`);
  return total;
}

/** A protobuf Duration for a number of milliseconds. */
export function durationToProto(milliseconds: number): google.protobuf.IDuration {
  const seconds = Math.floor(milliseconds / 1000);
  return { seconds: Long.fromNumber(seconds), nanos: Math.round((milliseconds - seconds * 1000) * 1e6) };
}

/** Milliseconds of a protobuf Duration; 0 when unset. */
export function durationFromProto(duration: google.protobuf.IDuration | null | undefined): number {
  if (duration == null) return 0;
  return numberFromLong(duration.seconds) * 1000 + (duration.nanos ?? 0) / 1e6;
}

/** Go's Duration.String(): "72h0m0s", "1m30s", "1.5s", "250ms", "0s". */
export function formatDuration(milliseconds: number): string {
  if (milliseconds === 0) return '0s';
  const sign = milliseconds < 0 ? '-' : '';
  const absolute = Math.abs(milliseconds);
  if (absolute < 1000) return `${sign}${trimNumber(absolute)}ms`;
  const hours = Math.floor(absolute / 3_600_000);
  const minutes = Math.floor((absolute % 3_600_000) / 60_000);
  const seconds = (absolute % 60_000) / 1000;
  const secondsText = `${trimNumber(seconds)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${sign}${minutes}m${secondsText}`;
  return `${sign}${secondsText}`;
}

// Round away binary noise (0.1 + 0.2) without printing trailing zeros.
function trimNumber(value: number): string {
  return String(Number(value.toFixed(6)));
}
