// The one table from Causeway error codes to gRPC status codes, and the google.rpc.Status details the
// SDKs decode from `grpc-status-details-bin`.
import * as grpc from '@grpc/grpc-js';
import { ErrorCode, ServiceError } from '../common/errors';
import { ShardOwnershipLostError, StoreConflictError } from '../store/store';
import { protoRoot, google } from '../common/proto';

const STATUS_BY_CODE: Record<ErrorCode, grpc.status> = {
  [ErrorCode.InvalidArgument]: grpc.status.INVALID_ARGUMENT,
  [ErrorCode.NotFound]: grpc.status.NOT_FOUND,
  [ErrorCode.NamespaceNotFound]: grpc.status.NOT_FOUND,
  [ErrorCode.AlreadyExists]: grpc.status.ALREADY_EXISTS,
  [ErrorCode.WorkflowAlreadyStarted]: grpc.status.ALREADY_EXISTS,
  [ErrorCode.NamespaceAlreadyExists]: grpc.status.ALREADY_EXISTS,
  [ErrorCode.FailedPrecondition]: grpc.status.FAILED_PRECONDITION,
  [ErrorCode.QueryFailed]: grpc.status.INVALID_ARGUMENT,
  [ErrorCode.ResourceExhausted]: grpc.status.RESOURCE_EXHAUSTED,
  [ErrorCode.Unimplemented]: grpc.status.UNIMPLEMENTED,
  [ErrorCode.Unavailable]: grpc.status.UNAVAILABLE,
  [ErrorCode.DeadlineExceeded]: grpc.status.DEADLINE_EXCEEDED,
  [ErrorCode.Canceled]: grpc.status.CANCELLED,
  [ErrorCode.PermissionDenied]: grpc.status.PERMISSION_DENIED,
  [ErrorCode.Unauthenticated]: grpc.status.UNAUTHENTICATED,
  [ErrorCode.Internal]: grpc.status.INTERNAL,
};

/**
 * The longest message an error carries, in UTF-16 units. The status travels in HTTP/2 trailers
 * (percent-encoded: up to 9 bytes a unit), which clients cap (16 KB in some); a request that echoes a
 * 70,000-character name into its error must not cost the caller its connection (found by the fuzzer).
 */
export const ERROR_MESSAGE_LENGTH_MAX = 1024;
/** Error details larger than this, encoded, are left out: the code and message still say what failed. */
export const ERROR_DETAILS_BYTES_MAX = 4096;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with each lone surrogate replaced by U+FFFD. grpc-js percent-encodes a status message with
 * encodeURI, which throws on a lone surrogate, outside any handler: one request echoing `"\ud800"` into
 * its error took the process down (found by the fuzzer).
 */
export function wellFormedText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** A message fit for a status: bounded, and well-formed even where the cut splits a surrogate pair. */
/** The tail boundedMessage leaves after the first ERROR_MESSAGE_LENGTH_MAX characters. */
const BOUNDED = /^\.\.\. \(\d+ characters in all\)$/;

export function boundedMessage(message: string): string {
  // A message bounded already (another member's answer, forwarded) is passed on as it is.
  if (message.length <= ERROR_MESSAGE_LENGTH_MAX || BOUNDED.test(message.slice(ERROR_MESSAGE_LENGTH_MAX)))
    return wellFormedText(message);
  return wellFormedText(`${message.slice(0, ERROR_MESSAGE_LENGTH_MAX)}... (${message.length} characters in all)`);
}

export function toGrpcError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof ServiceError) {
    const code = STATUS_BY_CODE[error.code];
    const metadata = new grpc.Metadata();
    const message = boundedMessage(error.message);
    const encodedDetail = error.detail
      ? protoRoot.lookupType(error.detail.typeName).encode(error.detail.value).finish()
      : undefined;
    const details =
      error.detail && encodedDetail && encodedDetail.length <= ERROR_DETAILS_BYTES_MAX
        ? [
            {
              type_url: `type.googleapis.com/${error.detail.typeName}`,
              value: encodedDetail,
            },
          ]
        : [];
    const status = google.rpc.Status.encode({ code, message, details }).finish();
    metadata.set('grpc-status-details-bin', Buffer.from(status));
    return { code, details: message, metadata };
  }
  if (error instanceof StoreConflictError) {
    return { code: grpc.status.UNAVAILABLE, details: boundedMessage(`${error.message}; retry the request`) };
  }
  // Temporal's ShardOwnershipLost: another process owns the shard now; a retry reaches it.
  if (error instanceof ShardOwnershipLostError) {
    return { code: grpc.status.UNAVAILABLE, details: boundedMessage(`shard ownership lost: ${error.message}`) };
  }
  return {
    code: grpc.status.INTERNAL,
    details: boundedMessage(error instanceof Error ? error.message : String(error)),
  };
}
