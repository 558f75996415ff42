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

export function toGrpcError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof ServiceError) {
    const code = STATUS_BY_CODE[error.code];
    const metadata = new grpc.Metadata();
    const details = error.detail
      ? [
          {
            type_url: `type.googleapis.com/${error.detail.typeName}`,
            value: protoRoot.lookupType(error.detail.typeName).encode(error.detail.value).finish(),
          },
        ]
      : [];
    const status = google.rpc.Status.encode({ code, message: error.message, details }).finish();
    metadata.set('grpc-status-details-bin', Buffer.from(status));
    return { code, details: error.message, metadata };
  }
  if (error instanceof StoreConflictError) {
    return { code: grpc.status.UNAVAILABLE, details: `${error.message}; retry the request` };
  }
  // Temporal's ShardOwnershipLost: another process owns the shard now; a retry reaches it.
  if (error instanceof ShardOwnershipLostError) {
    return { code: grpc.status.UNAVAILABLE, details: `shard ownership lost: ${error.message}` };
  }
  return { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
}
