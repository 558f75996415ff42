// Protocol types and codecs. Every message and service definition comes from @temporalio/proto (the
// Temporal API as the 1.24 SDKs ship it); nothing is hand-written.
import { temporal, google } from '@temporalio/proto';
import type * as protobuf from 'protobufjs';
import Long from 'long';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const protoRoot: protobuf.Root = require('@temporalio/proto/protos/json-module');

export { temporal, google, Long };

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export type Payloads = temporal.api.common.v1.IPayloads;
export type Payload = temporal.api.common.v1.IPayload;
export type Failure = temporal.api.failure.v1.IFailure;
export type Memo = temporal.api.common.v1.IMemo;
export type SearchAttributes = temporal.api.common.v1.ISearchAttributes;
export type Header = temporal.api.common.v1.IHeader;
export type RetryPolicy = temporal.api.common.v1.IRetryPolicy;
export type Command = temporal.api.command.v1.ICommand;

export const EventType = temporal.api.enums.v1.EventType;
export const CommandType = temporal.api.enums.v1.CommandType;
export const WorkflowExecutionStatus = temporal.api.enums.v1.WorkflowExecutionStatus;
export type WorkflowExecutionStatus = temporal.api.enums.v1.WorkflowExecutionStatus;

const HistoryEventType = temporal.api.history.v1.HistoryEvent;

export function encodeEvent(event: HistoryEvent): Uint8Array {
  return HistoryEventType.encode(event).finish();
}

export function decodeEvent(bytes: Uint8Array): temporal.api.history.v1.HistoryEvent {
  return HistoryEventType.decode(bytes);
}

/** Encodes a message of a named type to base64, for JSON-persisted state. */
export function encodeBase64(typeName: string, message: object): string {
  const type = protoRoot.lookupType(typeName);
  return Buffer.from(type.encode(message).finish()).toString('base64');
}

export function decodeBase64<T>(typeName: string, base64: string): T {
  const type = protoRoot.lookupType(typeName);
  return type.decode(Buffer.from(base64, 'base64')) as unknown as T;
}

/** int64 fields are Long in the generated types; the encoder accepts numbers, this keeps the types. */
export function long(value: number): Long {
  return Long.fromNumber(value);
}
