// Protobuf messages as proto3 JSON, the form Temporal's own tools print and read: camelCase field names,
// enums as their full names (EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), 64-bit integers as strings, bytes as
// base64, Timestamps as RFC 3339 text and Durations as "1.5s"; fields holding their default value are left
// out. Payloads stay as they are on the wire (metadata and data in base64), so `workflow show -o json`
// output can be fed to an SDK replayer. Written against protobufjs reflection so one function serves
// every message type; protobufjs's own toObject() does not know the JSON form of Timestamp and Duration.
import type { google } from '@temporalio/proto';
import type * as protobuf from 'protobufjs';
import { protoRoot } from '../common/proto';
import { numberFromLong } from './number-from-long';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** Converts a message (a decoded instance or a plain object) of the named type to proto3 JSON. */
export function toProtoJson(typeName: string, message: object): JsonValue {
  return messageToJson(protoRoot.lookupType(typeName), message);
}

function messageToJson(type: protobuf.Type, message: object): JsonValue {
  const record = message as Record<string, unknown>;
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
    case '.google.protobuf.Duration': {
      const { seconds, nanos } = message as google.protobuf.ITimestamp;
      const format = type.fullName === '.google.protobuf.Timestamp' ? formatTimestamp : formatProtoDuration;
      return format(numberFromLong(seconds), nanos ?? 0);
    }
    default:
      break;
  }
  const json: { [key: string]: JsonValue } = {};
  for (const field of type.fieldsArray) {
    const value = record[field.name];
    if (value === undefined || value === null) continue;
    field.resolve();
    const converted = fieldToJson(field, value);
    if (converted !== undefined) json[field.name] = converted;
  }
  return json;
}

function fieldToJson(field: protobuf.Field, value: unknown): JsonValue | undefined {
  if (field.map) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, entry]) => entry != null);
    if (entries.length === 0) return undefined;
    return Object.fromEntries(entries.map(([key, entry]) => [key, valueToJson(field, entry)]));
  }
  if (field.repeated) {
    const items = value as readonly unknown[];
    if (items.length === 0) return undefined;
    return items.map((item) => valueToJson(field, item));
  }
  if (isDefaultValue(field, value)) return undefined;
  return valueToJson(field, value);
}

function valueToJson(field: protobuf.Field, value: unknown): JsonValue {
  const resolved = field.resolvedType;
  if (resolved !== null && 'fieldsArray' in resolved) return messageToJson(resolved, value as object);
  if (resolved !== null && 'valuesById' in resolved) {
    return typeof value === 'string' ? value : (resolved.valuesById[Number(value)] ?? Number(value));
  }
  // Long prints every digit of a 64-bit integer; a number would not.
  if (INT64_TYPES.has(field.type)) return String(value);
  if (field.type === 'bytes') {
    return typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('base64');
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function isDefaultValue(field: protobuf.Field, value: unknown): boolean {
  const resolved = field.resolvedType;
  if (resolved !== null && 'fieldsArray' in resolved) return false;
  if (typeof value === 'string') return value === '' || (resolved !== null && value === resolved.valuesById[0]);
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'boolean') return !value;
  if (value instanceof Uint8Array) return value.length === 0;
  if (INT64_TYPES.has(field.type)) return numberFromLong(value as never) === 0;
  return false;
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as Go's protojson prints it. */
export function formatTimestamp(seconds: number, nanos: number): string {
  const whole = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return `${whole}${fraction(nanos)}Z`;
}

function formatProtoDuration(seconds: number, nanos: number): string {
  const sign = seconds < 0 || nanos < 0 ? '-' : '';
  return `${sign}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}
