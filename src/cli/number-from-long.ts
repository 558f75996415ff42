// int64 fields arrive as Long objects from decoded messages, but as numbers or strings from plain
// objects; every reader of an int64 goes through here.
import Long from 'long';

export function numberFromLong(value: Long | number | string | null | undefined): number {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return Long.fromValue(value).toNumber();
}
