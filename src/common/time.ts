// Conversions between protobuf Timestamp/Duration and milliseconds. Causeway keeps times as epoch ms.
import { Long, google } from './proto';

type Timestamp = google.protobuf.ITimestamp;
type Duration = google.protobuf.IDuration;

function toNumber(value: Long | number | string | null | undefined): number {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}

export function timestampFromMs(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: Long.fromNumber(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function msFromTimestamp(ts: Timestamp | null | undefined): number | undefined {
  if (ts == null) return undefined;
  return toNumber(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export function durationFromMs(ms: number): Duration {
  const seconds = Math.floor(ms / 1000);
  return { seconds: Long.fromNumber(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** Milliseconds of a Duration; 0 when absent (Temporal's "unset"). */
export function msFromDuration(d: Duration | null | undefined): number {
  if (d == null) return 0;
  return toNumber(d.seconds) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
}

export function longToNumber(value: Long | number | string | null | undefined): number {
  return toNumber(value);
}
