// Random messages built from a protobuf descriptor: every field kind (scalars at their edges, enums with
// unknown values, nested messages to a bounded depth, repeated and map fields), with names the server
// knows (the fuzz namespace, the workflow ids and task queue the run started) mixed in often enough that
// calls get past the namespace and not-found checks into deeper code.
import * as protobuf from 'protobufjs';
import { FuzzRandom } from './fuzz-random';

/** The names of things that exist in the server under fuzz. */
export interface KnownNames {
  readonly namespaces: readonly string[];
  readonly workflowIds: readonly string[];
  readonly taskQueues: readonly string[];
  readonly endpoints: readonly string[];
}

const DEPTH_MAX = 5;
const REPEATED_MAX = 4;
const HUGE_STRING_LENGTH = 70_000;

const INT32_EDGES = [0, 1, -1, 2147483647, -2147483648, 1000, 65536];
const UINT32_EDGES = [0, 1, 4294967295, 2147483648];
const INT64_EDGES = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '1700000000', '86400'];
const DOUBLE_EDGES = [0, -0, 1.5, -1, Number.NaN, Infinity, -Infinity, 1e308, 5e-324];

function randomString(random: FuzzRandom): string {
  switch (random.int(10)) {
    case 0:
      return '';
    case 1:
      return 'x'.repeat(random.chance(0.2) ? HUGE_STRING_LENGTH : 300);
    case 2:
      return random.pick(['é', '日本語', '\u{1F600}', '\u202E', '\uFFFD', '\uD800', 'a\u0000b', '\n\t\r']);
    case 3:
      return random.pick(['../../etc', '%00', '%zz', 'a/b', ' ', '*', '{}', 'null', "'; DROP TABLE x; --"]);
    case 4:
      return random.pick(['WorkflowId = "x"', 'ExecutionStatus="Running" OR', '(((', 'order by', 'WorkflowType']);
    case 5:
      return random.pick(['1s', '-1s', '10m', 'P1D', 'true', '0', '-0', '1e400']);
    default:
      return random
        .bytes(1 + random.int(12))
        .toString('base64')
        .replace(/[^a-zA-Z0-9]/g, '');
  }
}

function knownOrRandom(random: FuzzRandom, known: readonly string[]): string {
  return known.length > 0 && random.chance(0.75) ? random.pick(known) : randomString(random);
}

function stringFor(field: protobuf.Field, random: FuzzRandom, known: KnownNames): string {
  const name = field.name.toLowerCase();
  if (name === 'namespace' || name.endsWith('namespace')) return knownOrRandom(random, known.namespaces);
  if (name === 'workflowid' || name === 'workflowidprefix') return knownOrRandom(random, known.workflowIds);
  if (name === 'name' && field.parent?.name === 'TaskQueue') return knownOrRandom(random, known.taskQueues);
  if (name === 'taskqueue') return knownOrRandom(random, known.taskQueues);
  if (name === 'endpoint' || (name === 'name' && field.parent?.name === 'EndpointSpec'))
    return knownOrRandom(random, known.endpoints);
  if (name === 'query')
    return random.pick(['', 'WorkflowId="fuzz-1"', 'ExecutionStatus="Running"', randomString(random)]);
  return randomString(random);
}

function scalar(field: protobuf.Field, random: FuzzRandom, known: KnownNames): unknown {
  switch (field.type) {
    case 'string':
      return stringFor(field, random, known);
    case 'bytes':
      return random.chance(0.1) ? random.bytes(random.int(20_000)) : random.bytes(random.int(64));
    case 'bool':
      return random.chance(0.5);
    case 'double':
    case 'float':
      return random.chance(0.6) ? random.pick(DOUBLE_EDGES) : (random.next() - 0.5) * 1e6;
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return random.chance(0.6) ? random.pick(INT32_EDGES) : random.int(200) - 100;
    case 'uint32':
    case 'fixed32':
      return random.chance(0.6) ? random.pick(UINT32_EDGES) : random.int(200);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return random.chance(0.6) ? random.pick(INT64_EDGES) : String(random.int(2000) - 1000);
    case 'uint64':
    case 'fixed64':
      return random.chance(0.6) ? random.pick(['0', '1', '18446744073709551615']) : String(random.int(2000));
    default:
      return undefined;
  }
}

function enumValue(type: protobuf.Enum, random: FuzzRandom): number {
  if (random.chance(0.15)) return random.pick([-1, 999, 2147483647]);
  return random.pick(Object.values(type.values));
}

function valueOf(field: protobuf.Field, random: FuzzRandom, known: KnownNames, depth: number): unknown {
  field.resolve();
  const type = field.resolvedType;
  if (type instanceof protobuf.Enum) return enumValue(type, random);
  if (type instanceof protobuf.Type) return depth >= DEPTH_MAX ? {} : randomMessage(type, random, known, depth + 1);
  return scalar(field, random, known);
}

/** A random message of `type`, as a plain object protobufjs can encode. */
export function randomMessage(
  type: protobuf.Type,
  random: FuzzRandom,
  known: KnownNames,
  depth = 0,
): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  // Shallow fields are set more often: they are what the handlers check first.
  const fill = depth === 0 ? 0.8 : 0.5 / depth;
  for (const field of type.fieldsArray) {
    if (!random.chance(fill)) continue;
    if (field instanceof protobuf.MapField) {
      const map: Record<string, unknown> = {};
      for (let i = random.int(REPEATED_MAX); i > 0; i -= 1) {
        map[field.keyType === 'string' ? randomString(random) : String(random.int(100))] = valueOf(
          field,
          random,
          known,
          depth,
        );
      }
      message[field.name] = map;
    } else if (field.repeated) {
      const items: unknown[] = [];
      for (let i = random.int(REPEATED_MAX); i > 0; i -= 1) items.push(valueOf(field, random, known, depth));
      message[field.name] = items;
    } else {
      message[field.name] = valueOf(field, random, known, depth);
    }
  }
  return message;
}

/** Encodes a generated message; fromObject turns the long strings and byte arrays into what encode takes. */
export function encodeMessage(type: protobuf.Type, message: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}
