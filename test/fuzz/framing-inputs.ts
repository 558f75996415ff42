// Malformed gRPC framing around a valid DescribeNamespace request: wrong content types, compressed flags
// with garbage or unknown encodings, a gzip bomb, lying frame lengths, huge or many metadata entries,
// invalid timeouts, unknown paths. Each case is a fixed recipe; the seed picks which and fills the bytes.
import * as zlib from 'node:zlib';
import { protoRoot } from '../../src/common/proto';
import { FuzzRandom } from './fuzz-random';
import { grpcFrame } from './grpc-raw-client';
import { encodeMessage } from './message-generator';
import { fuzzedMethods } from './grpc-inputs';
import { GRPC_DEADLINE_HEADER, type GrpcInput } from './fuzz-input';

const DESCRIBE = '/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace';
/** Inflates past the server's 128 MB receive limit. */
const GZIP_BOMB_BYTES = 130 * 1024 * 1024;

let bomb: Buffer | undefined;
function gzipBomb(): Buffer {
  bomb ??= zlib.gzipSync(Buffer.alloc(GZIP_BOMB_BYTES), { level: 9 });
  return bomb;
}

interface FramingCase {
  readonly name: string;
  make(message: Buffer, random: FuzzRandom): { body: Buffer; headers?: Record<string, string>; path?: string };
}

const CASES: readonly FramingCase[] = [
  { name: 'content-type-text', make: (m) => ({ body: grpcFrame(m), headers: { 'content-type': 'text/plain' } }) },
  {
    name: 'content-type-json',
    make: (m) => ({ body: grpcFrame(m), headers: { 'content-type': 'application/grpc+json' } }),
  },
  { name: 'content-type-missing', make: (m) => ({ body: grpcFrame(m), headers: { 'content-type': '' } }) },
  { name: 'te-missing', make: (m) => ({ body: grpcFrame(m), headers: { te: '' } }) },
  {
    name: 'gzip-garbage',
    make: (_m, r) => ({ body: grpcFrame(r.bytes(1 + r.int(200)), true), headers: { 'grpc-encoding': 'gzip' } }),
  },
  {
    name: 'deflate-garbage',
    make: (_m, r) => ({ body: grpcFrame(r.bytes(1 + r.int(200)), true), headers: { 'grpc-encoding': 'deflate' } }),
  },
  {
    name: 'gzip-of-garbage',
    make: (_m, r) => ({
      body: grpcFrame(zlib.gzipSync(r.bytes(1 + r.int(200))), true),
      headers: { 'grpc-encoding': 'gzip' },
    }),
  },
  {
    name: 'gzip-truncated',
    make: (m) => {
      const zipped = zlib.gzipSync(m);
      return { body: grpcFrame(zipped.subarray(0, zipped.length - 3), true), headers: { 'grpc-encoding': 'gzip' } };
    },
  },
  { name: 'gzip-bomb', make: () => ({ body: grpcFrame(gzipBomb(), true), headers: { 'grpc-encoding': 'gzip' } }) },
  {
    name: 'unknown-encoding',
    make: (m, r) => ({
      body: grpcFrame(m, true),
      headers: { 'grpc-encoding': r.pick(['br', 'snappy', 'x', 'gzip, br']) },
    }),
  },
  { name: 'compressed-flag-identity', make: (m) => ({ body: grpcFrame(m, true) }) },
  {
    name: 'flag-unknown',
    make: (m, r) => {
      const body = grpcFrame(m);
      body[0] = r.pick([2, 0x80, 0xff]);
      return { body };
    },
  },
  { name: 'length-longer-than-body', make: (m) => ({ body: grpcFrame(m, false, m.length + 100) }) },
  { name: 'length-shorter-than-body', make: (m) => ({ body: grpcFrame(m, false, Math.max(0, m.length - 2)) }) },
  { name: 'length-4gb', make: (m) => ({ body: grpcFrame(m, false, 0xffffffff) }) },
  { name: 'prefix-cut', make: (m) => ({ body: grpcFrame(m).subarray(0, 3) }) },
  { name: 'empty-body', make: () => ({ body: Buffer.alloc(0) }) },
  { name: 'two-frames', make: (m) => ({ body: Buffer.concat([grpcFrame(m), grpcFrame(m)]) }) },
  { name: 'huge-metadata', make: (m) => ({ body: grpcFrame(m), headers: { 'x-fuzz': 'a'.repeat(40_000) } }) },
  {
    name: 'many-metadata',
    make: (m) => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < 400; i += 1) headers[`x-fuzz-${i}`] = `value-${i}`;
      return { body: grpcFrame(m), headers };
    },
  },
  { name: 'bad-binary-metadata', make: (m) => ({ body: grpcFrame(m), headers: { 'x-fuzz-bin': '!!!not base64***' } }) },
  {
    name: 'bad-timeout',
    make: (m, r) => ({
      body: grpcFrame(m),
      headers: { 'grpc-timeout': r.pick(['abc', '-1S', '1X', '999999999H', 'S', '0n', '1', '12345678901S']) },
    }),
  },
  {
    name: 'namespace-metadata',
    make: (m, r) => ({
      body: grpcFrame(m),
      headers: { 'temporal-namespace': r.pick(['', 'nope', '\u00ff'.repeat(3)]) },
    }),
  },
  {
    name: 'unknown-path',
    make: (m, r) => ({
      body: grpcFrame(m),
      path: r.pick([
        '/temporal.api.workflowservice.v1.WorkflowService/Nope',
        '/nope.Service/Method',
        '/',
        '/temporal.api.workflowservice.v1.WorkflowService',
        `/${'a'.repeat(10_000)}`,
      ]),
    }),
  },
  { name: 'get-method', make: (m) => ({ body: grpcFrame(m), headers: { ':method': 'GET' } }) },
  {
    name: 'wrong-method-message',
    make: (_m, r) => {
      const method = r.pick(fuzzedMethods());
      return { body: grpcFrame(r.bytes(r.int(40))), path: method.path };
    },
  },
];

export function framingInput(seed: number, index: number): GrpcInput {
  const random = FuzzRandom.forInput(seed, index);
  const recipe = random.pick(CASES);
  const message = encodeMessage(protoRoot.lookupType('temporal.api.workflowservice.v1.DescribeNamespaceRequest'), {
    namespace: 'default',
  });
  const made = recipe.make(message, random);
  return {
    kind: 'grpc',
    label: `framing:${recipe.name}`,
    method: 'DescribeNamespace',
    path: made.path ?? DESCRIBE,
    body: made.body,
    headers: { 'grpc-timeout': GRPC_DEADLINE_HEADER, ...made.headers },
  };
}

export const FRAMING_CASE_COUNT = CASES.length;
