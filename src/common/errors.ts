// Expected failures: each has a stable code, mapped to a gRPC status in one table (api/grpc-errors.ts).
// Details are Temporal errordetails messages the SDKs decode (e.g. NamespaceNotFoundFailure).

export const ErrorCode = {
  InvalidArgument: 'invalid-argument',
  NotFound: 'not-found',
  NamespaceNotFound: 'namespace-not-found',
  AlreadyExists: 'already-exists',
  WorkflowAlreadyStarted: 'workflow-already-started',
  NamespaceAlreadyExists: 'namespace-already-exists',
  FailedPrecondition: 'failed-precondition',
  QueryFailed: 'query-failed',
  ResourceExhausted: 'resource-exhausted',
  Unimplemented: 'unimplemented',
  Unavailable: 'unavailable',
  DeadlineExceeded: 'deadline-exceeded',
  Canceled: 'canceled',
  PermissionDenied: 'permission-denied',
  Unauthenticated: 'unauthenticated',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A protobuf message carried in google.rpc.Status details. */
export interface ErrorDetail {
  typeName: string;
  value: object;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ErrorDetail,
  ) {
    super(message);
  }
}

export function invalidArgument(message: string): ServiceError {
  return new ServiceError(ErrorCode.InvalidArgument, message);
}

export function notFound(message: string): ServiceError {
  return new ServiceError(ErrorCode.NotFound, message, {
    typeName: 'temporal.api.errordetails.v1.NotFoundFailure',
    value: {},
  });
}

export function namespaceNotFound(namespace: string): ServiceError {
  return new ServiceError(ErrorCode.NamespaceNotFound, `Namespace ${namespace} is not found.`, {
    typeName: 'temporal.api.errordetails.v1.NamespaceNotFoundFailure',
    value: { namespace },
  });
}

export function failedPrecondition(message: string): ServiceError {
  return new ServiceError(ErrorCode.FailedPrecondition, message);
}

export function unimplemented(message: string): ServiceError {
  return new ServiceError(ErrorCode.Unimplemented, message);
}

export function workflowAlreadyStarted(message: string, startRequestId: string, runId: string): ServiceError {
  return new ServiceError(ErrorCode.WorkflowAlreadyStarted, message, {
    typeName: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
    value: { startRequestId, runId },
  });
}

/** In the Temporal server's words: the run of the id (and run id) does not exist. */
export function workflowNotFound(workflowId: string, runId?: string): ServiceError {
  return notFound(
    runId
      ? `workflow execution not found for workflow ID "${workflowId}" and run ID "${runId}"`
      : `workflow not found for ID: ${workflowId}`,
  );
}

export function alreadyCompleted(): ServiceError {
  return notFound('workflow execution already completed');
}
