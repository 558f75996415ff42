// Protobuf messages as proto3 JSON (Go's protojson), as Temporal's tools print and read them, and as a
// Temporal Failure travels inside a Nexus Failure's `details`: camelCase names, enums by name, 64-bit integers as strings, bytes as base64,
// Duration as "1.5s" and Timestamp as RFC 3339. Reads accept numbers for enums and int64s and snake_case
// names, and ignore unknown fields. Written against protobufjs reflection so it serves every message type.
import type * as protobuf from 'protobufjs';
import { Long, protoRoot } from './proto';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const INT64_TYPES: ReadonlySet<string> = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const DURATION = '.google.protobuf.Duration';
const TIMESTAMP = '.google.protobuf.Timestamp';
const NESTING_DEPTH_MAX = 100;

export class ProtoJsonError extends Error {
  override name = 'ProtoJsonError';
}

export function messageToProtoJson(typeName: string, message: object): { [key: string]: JsonValue } {
  const json = toProtoJson(typeName, message);
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
}

/** Any message (a decoded instance or a plain object) of the named type as proto3 JSON. */
export function toProtoJson(typeName: string, message: object): JsonValue {
  return toJson(protoRoot.lookupType(typeName), message, 0);
}

/** Decodes proto3 JSON into a message of the named type; throws ProtoJsonError on a malformed value. */
export function messageFromProtoJson<T>(typeName: string, json: unknown): T {
  const type = protoRoot.lookupType(typeName);
  try {
    return type.fromObject(fromJson(type, json, 0) as Record<string, unknown>) as unknown as T;
  } catch (error) {
    if (error instanceof ProtoJsonError) throw error;
    throw new ProtoJsonError(`invalid ${typeName} JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (Long.isLong(value)) return value.toNumber();
  return 0;
}

function toJson(type: protobuf.Type, message: object, depth: number): JsonValue {
  if (depth > NESTING_DEPTH_MAX) throw new ProtoJsonError('message nesting is too deep');
  const record = message as Record<string, unknown>;
  if (type.fullName === DURATION || type.fullName === TIMESTAMP) {
    const seconds = toNumber(record['seconds']);
    const nanos = toNumber(record['nanos']);
    return type.fullName === DURATION ? formatDuration(seconds, nanos) : formatTimestamp(seconds, nanos);
  }
  const json: { [key: string]: JsonValue } = {};
  for (const field of type.fieldsArray) {
    const value = record[field.name];
    if (value === undefined || value === null) continue;
    field.resolve();
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
      if (entries.length > 0)
        json[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(field, v, depth)]));
    } else if (field.repeated) {
      const items = value as readonly unknown[];
      if (items.length > 0) json[field.name] = items.map((item) => valueToJson(field, item, depth));
    } else if (!isDefault(field, value)) {
      json[field.name] = valueToJson(field, value, depth);
    }
  }
  return json;
}

function valueToJson(field: protobuf.Field, value: unknown, depth: number): JsonValue {
  const resolved = field.resolvedType;
  if (resolved !== null && 'fieldsArray' in resolved) return toJson(resolved, value as object, depth + 1);
  if (resolved !== null && 'valuesById' in resolved)
    return typeof value === 'string' ? value : (resolved.valuesById[toNumber(value)] ?? toNumber(value));
  if (INT64_TYPES.has(field.type)) return Long.isLong(value) ? value.toString() : String(value);
  if (field.type === 'bytes')
    return typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('base64');
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function isDefault(field: protobuf.Field, value: unknown): boolean {
  const resolved = field.resolvedType;
  if (resolved !== null && 'fieldsArray' in resolved) return false;
  if (typeof value === 'string')
    return value === '' || (resolved !== null && 'valuesById' in resolved && value === resolved.valuesById[0]);
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'boolean') return !value;
  if (value instanceof Uint8Array) return value.length === 0;
  if (Long.isLong(value)) return value.isZero();
  return false;
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function fromJson(type: protobuf.Type, json: unknown, depth: number): unknown {
  if (depth > NESTING_DEPTH_MAX) throw new ProtoJsonError('message nesting is too deep');
  if (type.fullName === DURATION) return typeof json === 'string' ? parseDuration(json) : json;
  if (type.fullName === TIMESTAMP) return typeof json === 'string' ? parseTimestamp(json) : json;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ProtoJsonError(`${type.name}: expected an object`);
  const record = json as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = record[field.name] ?? record[snakeCase(field.name)];
    if (value === undefined || value === null) continue;
    field.resolve();
    const resolved = field.resolvedType;
    if (resolved === null || !('fieldsArray' in resolved)) {
      const items = field.map ? Object.values(value) : field.repeated && Array.isArray(value) ? value : [];
      if (items.includes(null))
        throw new ProtoJsonError(`${type.name}.${field.name}: invalid value for ${field.type} type: null`);
      result[field.name] = value;
    } else if (field.map) {
      result[field.name] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(resolved, v, depth + 1)]),
      );
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new ProtoJsonError(`${type.name}.${field.name}: expected an array`);
      result[field.name] = value.map((item: unknown) => fromJson(resolved, item, depth + 1));
    } else {
      result[field.name] = fromJson(resolved, value, depth + 1);
    }
  }
  return result;
}

function parseDuration(value: string): { seconds: Long; nanos: number } {
  const match = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(value);
  if (!match) throw new ProtoJsonError(`invalid Duration "${value}"`);
  const sign = match[1] ? -1 : 1;
  const nanos = Number((match[3] ?? '').padEnd(9, '0'));
  return { seconds: Long.fromString(`${match[1] ?? ''}${match[2] ?? '0'}`), nanos: sign * nanos };
}

function parseTimestamp(value: string): { seconds: Long; nanos: number } {
  const match = /^(.*?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  const ms = match ? Date.parse(`${match[1] ?? ''}${match[3] ?? ''}`) : NaN;
  if (!match || Number.isNaN(ms)) throw new ProtoJsonError(`invalid Timestamp "${value}"`);
  return { seconds: Long.fromNumber(Math.floor(ms / 1000)), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as Go's protojson prints it. */
export function formatTimestamp(seconds: number, nanos: number): string {
  return `${new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '')}${fraction(nanos)}Z`;
}

function formatDuration(seconds: number, nanos: number): string {
  const sign = seconds < 0 || nanos < 0 ? '-' : '';
  return `${sign}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}
