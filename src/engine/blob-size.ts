// The Temporal server's blob size limit (limit.blobSize.error, 2 MB by default): the encoded size of a
// payload set, a failure or a memo a request or command carries. A client request past it is
// INVALID_ARGUMENT "Blob data size exceeds limit."; a command past it fails its workflow task and
// terminates the run (command-handler.ts); an activity result past it fails the activity instead.
import { temporal } from '../common/proto';
import { invalidArgument } from '../common/errors';
import type { Logger } from '../common/logger';

export const BLOB_SIZE_MAX_BYTES = 2 * 1024 * 1024;
export const BLOB_SIZE_WARN_BYTES = 512 * 1024;

/** The Temporal server's words for a request whose payloads are too large. */
export const BLOB_TOO_LARGE = 'Blob data size exceeds limit.';

/** Bytes a field's tag and length take at most (a 1-byte tag and a 5-byte length varint, rounded up). */
const FIELD_OVERHEAD_MAX = 8;

/**
 * The encoded size of a payload set, or, when that is surely below `belowBytes`, an upper bound of it
 * (summed from its byte lengths, with no encoding: this runs for every payload a command carries).
 */
export function payloadsSize(
  payloads: temporal.api.common.v1.IPayloads | null | undefined,
  belowBytes = BLOB_SIZE_MAX_BYTES,
): number {
  if (!payloads) return 0;
  const bound = payloadsSizeBound(payloads);
  if (bound !== undefined && bound <= belowBytes) return bound;
  return temporal.api.common.v1.Payloads.encode(payloads).finish().length;
}

/** An upper bound of the encoded size; undefined when a payload has fields the bound does not know. */
function payloadsSizeBound(payloads: temporal.api.common.v1.IPayloads): number | undefined {
  let bound = 0;
  for (const payload of payloads.payloads ?? []) {
    for (const key of Object.keys(payload)) if (key !== 'metadata' && key !== 'data') return undefined;
    // The payload's own field in the set, and its data field.
    bound += 2 * FIELD_OVERHEAD_MAX + (payload.data?.length ?? 0);
    for (const [name, value] of Object.entries(payload.metadata ?? {}))
      bound += 3 * FIELD_OVERHEAD_MAX + Buffer.byteLength(name) + value.length;
  }
  return bound;
}

export function failureSize(failure: temporal.api.failure.v1.IFailure | null | undefined): number {
  return failure ? temporal.api.failure.v1.Failure.encode(failure).finish().length : 0;
}

/** Marker details: a map of payload sets, counted together. */
export function detailsSize(
  details: Record<string, temporal.api.common.v1.IPayloads> | null | undefined,
  belowBytes = BLOB_SIZE_MAX_BYTES,
): number {
  return Object.values(details ?? {}).reduce((sum, payloads) => sum + payloadsSize(payloads, belowBytes), 0);
}

/** The Temporal server's failure reasons when an activity's result or failure is past the limit. */
export const COMPLETE_RESULT_TOO_LARGE = 'Complete result exceeds size limit.';
export const FAILURE_TOO_LARGE = 'Failure exceeds size limit.';

/** A non-retryable server failure, as the Temporal server writes one in a worker's place. */
export function serverFailure(message: string): temporal.api.failure.v1.IFailure {
  return { message, serverFailureInfo: { nonRetryable: true } };
}

/** Text kept of an oversized failure (the server's limit.blobSize.warn, 512 KB, split over its texts). */
const TRUNCATED_TEXT_MAX = 256 * 1024;

/** What is kept of a failure too large to record: its texts, cut, and its type, without details or causes. */
export function truncatedFailure(failure: temporal.api.failure.v1.IFailure): temporal.api.failure.v1.IFailure {
  const info = failure.applicationFailureInfo;
  return {
    message: (failure.message ?? '').slice(0, TRUNCATED_TEXT_MAX),
    stackTrace: (failure.stackTrace ?? '').slice(0, TRUNCATED_TEXT_MAX),
    source: failure.source ?? '',
    ...(info ? { applicationFailureInfo: { type: info.type ?? '', nonRetryable: info.nonRetryable ?? false } } : {}),
  };
}

/** Where a request's payloads go, for the warning a large one gets. */
export interface BlobTarget {
  readonly logger: Logger;
  readonly namespace: string;
  readonly workflowId: string;
  readonly operation: string;
}

/**
 * Refuses a client request any of whose payload sets is past the limit; one past the warn limit
 * (limit.blobSize.warn, 512 KB) is logged at warn, as the Temporal server logs it.
 */
export function checkRequestBlobs(
  limits: { readonly blobSizeMaxBytes: number; readonly blobSizeWarnBytes: number },
  target: BlobTarget,
  ...payloads: (temporal.api.common.v1.IPayloads | null | undefined)[]
): void {
  const belowBytes = Math.min(limits.blobSizeWarnBytes, limits.blobSizeMaxBytes);
  for (const set of payloads) {
    const size = payloadsSize(set, belowBytes);
    if (size <= belowBytes) continue;
    if (size > limits.blobSizeWarnBytes)
      target.logger.warn('Blob data size exceeds the warning limit.', {
        namespace: target.namespace,
        workflowId: target.workflowId,
        blobSize: size,
        operation: target.operation,
      });
    if (size > limits.blobSizeMaxBytes) throw invalidArgument(BLOB_TOO_LARGE);
  }
}
