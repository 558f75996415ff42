// The Temporal server's limits on memos and search attributes: a memo's encoded size
// (limit.memoSize.error, 2 MB), and per set of search attributes the number of keys
// (frontend.searchAttributesNumberOfKeysLimit, 100), each value's data size
// (frontend.searchAttributesSizeOfValueLimit, 2 KB) and the encoded size of the whole set
// (frontend.searchAttributesTotalSizeLimit, 40 KB). A start past one is INVALID_ARGUMENT; a command past one
// fails its workflow task (command-handler.ts).
import { temporal } from '../common/proto';
import { invalidArgument } from '../common/errors';

type Memo = temporal.api.common.v1.IMemo;
type SearchAttributes = temporal.api.common.v1.ISearchAttributes;
type Payload = temporal.api.common.v1.IPayload;

export interface AttributeLimits {
  readonly memoSizeMaxBytes: number;
  readonly searchAttributesKeysMax: number;
  readonly searchAttributeValueMaxBytes: number;
  readonly searchAttributesTotalMaxBytes: number;
}

export const defaultAttributeLimits: AttributeLimits = {
  memoSizeMaxBytes: 2 * 1024 * 1024,
  searchAttributesKeysMax: 100,
  searchAttributeValueMaxBytes: 2 * 1024,
  searchAttributesTotalMaxBytes: 40 * 1024,
};

/** The Temporal server's words for a start whose memo is too large. */
export const MEMO_TOO_LARGE = 'Memo size exceeds limit.';

export function memoSize(memo: Memo | null | undefined): number {
  return memo ? temporal.api.common.v1.Memo.encode(memo).finish().length : 0;
}

/** The number of keys past its limit, in the server's words; undefined when within it. */
export function searchAttributeKeysError(
  limits: AttributeLimits,
  attributes: SearchAttributes | null | undefined,
): string | undefined {
  const keys = Object.keys(attributes?.indexedFields ?? {}).length;
  if (keys <= limits.searchAttributesKeysMax) return undefined;
  return `number of search attributes ${keys} exceeds limit ${limits.searchAttributesKeysMax}`;
}

/** A value or the whole set past its size limit, in the server's words; undefined when within them. */
export function searchAttributeSizeError(
  limits: AttributeLimits,
  attributes: SearchAttributes | null | undefined,
): string | undefined {
  if (!attributes) return undefined;
  for (const [name, payload] of Object.entries(attributes.indexedFields ?? {})) {
    const size = payload?.data?.length ?? 0;
    if (size > limits.searchAttributeValueMaxBytes)
      return `search attribute ${name} value size ${size} exceeds size limit ${limits.searchAttributeValueMaxBytes}`;
  }
  const total = temporal.api.common.v1.SearchAttributes.encode(attributes).finish().length;
  if (total > limits.searchAttributesTotalMaxBytes)
    return `total size of search attributes ${total} exceeds size limit ${limits.searchAttributesTotalMaxBytes}`;
  return undefined;
}

/** Refuses a start whose search attributes or memo are past their limits (the frontend's order: keys, sizes, memo). */
export function checkStartAttributes(
  limits: AttributeLimits,
  memo: Memo | null | undefined,
  attributes: SearchAttributes | null | undefined,
): void {
  const error = searchAttributeKeysError(limits, attributes) ?? searchAttributeSizeError(limits, attributes);
  if (error) throw invalidArgument(error);
  if (memoSize(memo) > limits.memoSizeMaxBytes) throw invalidArgument(MEMO_TOO_LARGE);
}

/** A payload that stands for no value: none, no data, JSON `null`, or `[]` (how the SDKs unset a key). */
export function isNilPayload(payload: Payload | null | undefined): boolean {
  const data = payload?.data;
  if (!data || data.length === 0) return true;
  if (data.length > 4) return false;
  const text = Buffer.from(data).toString('utf8');
  return text === 'null' || text === '[]';
}

/** `current` with `upserted` laid over it; a nil value removes its key, as the server merges them. */
export function mergedPayloadMap(
  current: Readonly<Record<string, Payload>>,
  upserted: Readonly<Record<string, Payload>> | null | undefined,
): Record<string, Payload> {
  const merged: Record<string, Payload> = { ...current };
  for (const [key, payload] of Object.entries(upserted ?? {})) {
    if (isNilPayload(payload)) delete merged[key];
    else merged[key] = payload;
  }
  return merged;
}
