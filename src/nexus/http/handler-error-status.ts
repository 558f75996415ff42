// Nexus handler error types and their HTTP status codes, in one table used in both directions: a handler
// error written by Causeway's HTTP handler, and a status read back by its HTTP client. The table fails to
// compile when a type has no status.

export const HandlerErrorType = {
  BadRequest: 'BAD_REQUEST',
  Unauthenticated: 'UNAUTHENTICATED',
  Unauthorized: 'UNAUTHORIZED',
  NotFound: 'NOT_FOUND',
  RequestTimeout: 'REQUEST_TIMEOUT',
  Conflict: 'CONFLICT',
  ResourceExhausted: 'RESOURCE_EXHAUSTED',
  Internal: 'INTERNAL',
  NotImplemented: 'NOT_IMPLEMENTED',
  Unavailable: 'UNAVAILABLE',
  UpstreamTimeout: 'UPSTREAM_TIMEOUT',
} as const;
export type HandlerErrorType = (typeof HandlerErrorType)[keyof typeof HandlerErrorType];

const STATUS_BY_TYPE: Readonly<Record<HandlerErrorType, number>> = {
  [HandlerErrorType.BadRequest]: 400,
  [HandlerErrorType.Unauthenticated]: 401,
  [HandlerErrorType.Unauthorized]: 403,
  [HandlerErrorType.NotFound]: 404,
  [HandlerErrorType.RequestTimeout]: 408,
  [HandlerErrorType.Conflict]: 409,
  [HandlerErrorType.ResourceExhausted]: 429,
  [HandlerErrorType.Internal]: 500,
  [HandlerErrorType.NotImplemented]: 501,
  [HandlerErrorType.Unavailable]: 503,
  [HandlerErrorType.UpstreamTimeout]: 520,
};

/** 424: the operation failed or was canceled (the body is an OperationError failure). */
export const STATUS_OPERATION_UNSUCCESSFUL = 424;

function isHandlerErrorType(type: string): type is HandlerErrorType {
  return Object.prototype.hasOwnProperty.call(STATUS_BY_TYPE, type);
}

/** The status a handler error is written with; an unknown type is written as 500, as the Temporal server does. */
export function statusOfHandlerError(type: string): number {
  return isHandlerErrorType(type) ? STATUS_BY_TYPE[type] : 500;
}

/** The handler error type a status stands for; undefined for a status that is not in the table. */
export function handlerErrorTypeOfStatus(status: number): HandlerErrorType | undefined {
  for (const [type, code] of Object.entries(STATUS_BY_TYPE)) if (code === status) return type as HandlerErrorType;
  return undefined;
}
