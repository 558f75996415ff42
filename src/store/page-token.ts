// The next_page_token of visibility lists: the offset of the next page, as JSON bytes.
import { invalidArgument } from '../common/errors';

export function encodeOffset(offset: number): Uint8Array {
  return Buffer.from(JSON.stringify({ offset }));
}

export function decodeOffset(token: Uint8Array): number {
  try {
    const parsed = JSON.parse(Buffer.from(token).toString()) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through
  }
  throw invalidArgument('invalid next_page_token');
}
