// Values sent between cluster members (the peer calls of api/forwarding): JSON that keeps what plain
// JSON loses. A 64-bit integer (Long) travels as {"$l": "digits", "u": unsigned}, bytes as {"$b":
// base64}; a decoded protobuf message becomes a plain object with every field (defaults included, so a
// reader sees the zero values a decoded message would give it). Object keys that start with "$" are
// escaped with one more "$", so user data (memo fields, headers) can never pass for a marker.
import { Long } from './proto';

export class WireJsonError extends Error {
  override name = 'WireJsonError';
}

const DEPTH_MAX = 200;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A protobufjs static message class, as @temporalio/proto generates them. */
interface MessageClass {
  toObject(message: object, options: { defaults: boolean }): Record<string, unknown>;
  encode(message: object): unknown;
}

function messageClassOf(value: object): MessageClass | undefined {
  const ctor = (value as { constructor?: unknown }).constructor as Partial<MessageClass> | undefined;
  if (!ctor || (ctor as unknown) === Object) return undefined;
  return typeof ctor.toObject === 'function' && typeof ctor.encode === 'function' ? (ctor as MessageClass) : undefined;
}

function toWire(value: unknown, depth: number): Json {
  if (depth > DEPTH_MAX) throw new WireJsonError('value nesting is too deep');
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new WireJsonError(`${value} cannot be sent`);
      return value;
    case 'bigint':
      return { $l: value.toString(), u: value >= 0n };
    case 'object':
      break;
    default:
      throw new WireJsonError(`a ${typeof value} cannot be sent`);
  }
  if (Long.isLong(value)) return { $l: value.toString(), u: value.unsigned };
  if (value instanceof Uint8Array) return { $b: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map((item: unknown) => toWire(item, depth + 1));
  const message = messageClassOf(value);
  const record = message ? message.toObject(value, { defaults: true }) : (value as Record<string, unknown>);
  const json: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(record)) {
    if (item === undefined) continue;
    json[key.startsWith('$') ? `$${key}` : key] = toWire(item, depth + 1);
  }
  return json;
}

function fromWire(json: unknown, depth: number): unknown {
  if (depth > DEPTH_MAX) throw new WireJsonError('value nesting is too deep');
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map((item: unknown) => fromWire(item, depth + 1));
  const record = json as Record<string, unknown>;
  if (typeof record['$l'] === 'string') return Long.fromString(record['$l'], record['u'] === true);
  if (typeof record['$b'] === 'string') return Buffer.from(record['$b'], 'base64');
  const value: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    value[key.startsWith('$$') ? key.slice(1) : key] = fromWire(item, depth + 1);
  }
  return value;
}

export function encodeWire(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(toWire(value, 0)));
}

export function decodeWire(bytes: Uint8Array): unknown {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new WireJsonError(`not wire JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return fromWire(json, 0);
}
