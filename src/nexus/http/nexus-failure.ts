// The Nexus Failure JSON and its conversion to and from Temporal's Failure, as the Temporal server does it
// (common/nexus/failure.go): a Temporal failure travels as `metadata.type = temporal.api.failure.v1.Failure`
// with its protojson (minus message and stack trace) in `details`; a Nexus handler failure becomes a
// `nexus.HandlerError`; an OperationError received from a peer becomes a non-retryable ApplicationFailure
// of type OperationError (or a CanceledFailure); any other failure becomes an ApplicationFailure of type
// NexusFailure that keeps the original as JSON details.
import { type Failure, temporal } from '../../common/proto';
import { messageFromProtoJson, messageToProtoJson } from '../../common/proto-json';

export interface NexusFailure {
  message?: string;
  stackTrace?: string;
  metadata?: Record<string, string>;
  details?: unknown;
  cause?: NexusFailure;
}

export const NexusFailureType = {
  Temporal: 'temporal.api.failure.v1.Failure',
  OperationError: 'nexus.OperationError',
  HandlerError: 'nexus.HandlerError',
} as const;

export type OperationState = 'failed' | 'canceled';

/** Marks an OperationError that only wraps its cause (Temporal -> Temporal); receivers unwrap it. */
const WRAPPER_METADATA_KEY = 'unwrap-error';
const FAILURE_DEPTH_MAX = 100;
const RetryBehavior = temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;

export class FailureFormatError extends Error {
  override name = 'FailureFormatError';
}

function detailsObject(details: unknown): Record<string, unknown> {
  return typeof details === 'object' && details !== null && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : {};
}

/** Parses and checks the shape of a Failure JSON body; throws FailureFormatError. */
export function parseNexusFailure(text: string): NexusFailure {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FailureFormatError('the body is not JSON');
  }
  return checkFailure(value, 0);
}

function checkFailure(value: unknown, depth: number): NexusFailure {
  if (depth > FAILURE_DEPTH_MAX) throw new FailureFormatError('failure cause chain is too deep');
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FailureFormatError('a failure must be a JSON object');
  const record = value as Record<string, unknown>;
  const failure: NexusFailure = {};
  if (record['message'] !== undefined) {
    if (typeof record['message'] !== 'string') throw new FailureFormatError('failure message must be a string');
    failure.message = record['message'];
  }
  if (record['stackTrace'] !== undefined) {
    if (typeof record['stackTrace'] !== 'string') throw new FailureFormatError('failure stackTrace must be a string');
    failure.stackTrace = record['stackTrace'];
  }
  if (record['metadata'] !== undefined && record['metadata'] !== null) {
    const metadata = record['metadata'];
    if (
      typeof metadata !== 'object' ||
      Array.isArray(metadata) ||
      Object.values(metadata).some((v) => typeof v !== 'string')
    ) {
      throw new FailureFormatError('failure metadata must map strings to strings');
    }
    failure.metadata = metadata as Record<string, string>;
  }
  if (record['details'] !== undefined && record['details'] !== null) failure.details = record['details'];
  if (record['cause'] !== undefined && record['cause'] !== null)
    failure.cause = checkFailure(record['cause'], depth + 1);
  return failure;
}

export function isOperationErrorFailure(failure: NexusFailure): boolean {
  return failure.metadata?.['type'] === NexusFailureType.OperationError;
}

export function isHandlerErrorFailure(failure: NexusFailure): boolean {
  return failure.metadata?.['type'] === NexusFailureType.HandlerError;
}

/** An OperationError that wraps `cause`, marked so Temporal receivers take the cause as the failure. */
export function operationErrorFailure(state: OperationState, cause: NexusFailure): NexusFailure {
  return {
    message: 'operation error',
    metadata: { type: NexusFailureType.OperationError, [WRAPPER_METADATA_KEY]: 'true' },
    details: { state },
    cause,
  };
}

export function handlerErrorNexusFailure(type: string, message: string, retryable?: boolean): NexusFailure {
  return {
    message,
    metadata: { type: NexusFailureType.HandlerError },
    details: { type, ...(retryable !== undefined ? { retryableOverride: retryable } : {}) },
  };
}

/** The state an OperationError failure declares, if it is one. */
export function operationStateOf(failure: NexusFailure): OperationState | undefined {
  if (!isOperationErrorFailure(failure)) return undefined;
  const state = detailsObject(failure.details)['state'];
  return state === 'failed' || state === 'canceled' ? state : undefined;
}

/** The failure an OperationError stands for: its cause when it is a marked wrapper, else itself. */
export function unwrapOperationError(failure: NexusFailure): NexusFailure {
  return failure.metadata?.[WRAPPER_METADATA_KEY] === 'true' && failure.cause ? failure.cause : failure;
}

/** The explicit retry behaviour of a handler error failure: true, false, or undefined (by type). */
export function retryableOverrideOf(failure: NexusFailure): boolean | undefined {
  const override = detailsObject(failure.details)['retryableOverride'];
  return typeof override === 'boolean' ? override : undefined;
}

export function temporalFailureToNexus(failure: Failure): NexusFailure {
  return toNexus(failure, 0);
}

function toNexus(failure: Failure, depth: number): NexusFailure {
  if (depth > FAILURE_DEPTH_MAX) throw new FailureFormatError('failure cause chain is too deep');
  const cause = failure.cause ? toNexus(failure.cause, depth + 1) : undefined;
  const base: NexusFailure = {
    message: failure.message ?? '',
    ...(failure.stackTrace ? { stackTrace: failure.stackTrace } : {}),
  };
  const info = failure.nexusHandlerFailureInfo;
  if (info) {
    const details: Record<string, unknown> = {};
    if (info.type) details['type'] = info.type;
    if (info.retryBehavior === RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE)
      details['retryableOverride'] = true;
    if (info.retryBehavior === RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE)
      details['retryableOverride'] = false;
    if (failure.encodedAttributes) {
      details['encodedAttributes'] = Buffer.from(
        JSON.stringify(messageToProtoJson('temporal.api.common.v1.Payload', failure.encodedAttributes)),
      ).toString('base64url');
    }
    return { ...base, metadata: { type: NexusFailureType.HandlerError }, details, ...(cause ? { cause } : {}) };
  }
  const details = messageToProtoJson('temporal.api.failure.v1.Failure', {
    ...failure,
    message: '',
    stackTrace: '',
    cause: null,
  });
  return { ...base, metadata: { type: NexusFailureType.Temporal }, details, ...(cause ? { cause } : {}) };
}

/** Converts a Nexus failure to Temporal's form; throws FailureFormatError on malformed details. */
export function nexusFailureToTemporal(failure: NexusFailure): Failure {
  return toTemporal(failure, 0);
}

function toTemporal(failure: NexusFailure, depth: number): Failure {
  if (depth > FAILURE_DEPTH_MAX) throw new FailureFormatError('failure cause chain is too deep');
  const message = failure.message ?? '';
  const stackTrace = failure.stackTrace ?? '';
  let result: Failure = { message, stackTrace };
  const details = detailsObject(failure.details);
  if (failure.metadata) {
    switch (failure.metadata['type']) {
      case NexusFailureType.Temporal:
        try {
          result = {
            ...messageFromProtoJson<Failure>('temporal.api.failure.v1.Failure', failure.details ?? {}),
            message,
            stackTrace,
          };
        } catch (error) {
          throw new FailureFormatError(error instanceof Error ? error.message : String(error));
        }
        break;
      case NexusFailureType.OperationError:
        result =
          details['state'] === 'canceled'
            ? { message, stackTrace, canceledFailureInfo: {} }
            : { message, stackTrace, applicationFailureInfo: { nonRetryable: true, type: 'OperationError' } };
        break;
      case NexusFailureType.HandlerError:
        result = {
          message,
          stackTrace,
          nexusHandlerFailureInfo: {
            type: typeof details['type'] === 'string' ? details['type'] : '',
            retryBehavior: retryBehaviorOf(details['retryableOverride']),
          },
        };
        if (typeof details['encodedAttributes'] === 'string' && details['encodedAttributes']) {
          result.encodedAttributes = decodeEncodedAttributes(details['encodedAttributes']);
        }
        break;
      default:
        result = { message, stackTrace, applicationFailureInfo: nexusFailureAsApplicationInfo(failure) };
    }
  } else if (failure.details !== undefined) {
    result = { message, stackTrace, applicationFailureInfo: nexusFailureAsApplicationInfo(failure) };
  }
  if (failure.cause) result.cause = toTemporal(failure.cause, depth + 1);
  return result;
}

function retryBehaviorOf(override: unknown): number {
  if (override === true) return RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE;
  if (override === false) return RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE;
  return RetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_UNSPECIFIED;
}

function decodeEncodedAttributes(encoded: string): temporal.api.common.v1.IPayload {
  try {
    return messageFromProtoJson(
      'temporal.api.common.v1.Payload',
      JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')),
    );
  } catch (error) {
    throw new FailureFormatError(
      `invalid HandlerError encodedAttributes: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** An unrecognised Nexus failure kept whole (minus message and stack trace) as json/plain details. */
function nexusFailureAsApplicationInfo(failure: NexusFailure): temporal.api.failure.v1.IApplicationFailureInfo {
  const hasContent = (failure.metadata && Object.keys(failure.metadata).length > 0) || failure.details !== undefined;
  if (!hasContent) return { type: 'NexusFailure' };
  const kept: NexusFailure = { ...failure };
  delete kept.message;
  delete kept.stackTrace;
  return {
    type: 'NexusFailure',
    details: {
      payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(kept)) }],
    },
  };
}

/** A legacy temporal.api.nexus.v1.Failure (details as JSON bytes) in its JSON form. */
export function nexusProtoFailureToJson(
  failure: temporal.api.nexus.v1.IFailure | null | undefined,
  depth = 0,
): NexusFailure {
  if (!failure || depth > 100) return { message: 'operation failed' };
  let details: unknown;
  if (failure.details && failure.details.length > 0) {
    try {
      details = JSON.parse(Buffer.from(failure.details).toString('utf8'));
    } catch {
      details = undefined;
    }
  }
  return {
    message: failure.message ?? '',
    ...(failure.stackTrace ? { stackTrace: failure.stackTrace } : {}),
    ...(failure.metadata && Object.keys(failure.metadata).length > 0 ? { metadata: { ...failure.metadata } } : {}),
    ...(details !== undefined ? { details } : {}),
    ...(failure.cause ? { cause: nexusProtoFailureToJson(failure.cause, depth + 1) } : {}),
  };
}
