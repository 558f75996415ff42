// Byte-level mutations of an encoded protobuf message, so that malformed bytes reach the server's
// decoder: bit flips, random bytes, truncation, deleted and repeated ranges, a length field made huge or
// a varint that never ends, and oversized messages.
import { FuzzRandom } from './fuzz-random';

export const MutationKind = {
  BitFlip: 'bit-flip',
  RandomByte: 'random-byte',
  Truncate: 'truncate',
  DeleteRange: 'delete-range',
  RepeatRange: 'repeat-range',
  InsertRandom: 'insert-random',
  HugeLength: 'huge-length',
  EndlessVarint: 'endless-varint',
  WrongWireType: 'wrong-wire-type',
  Oversize: 'oversize',
} as const;
export type MutationKind = (typeof MutationKind)[keyof typeof MutationKind];

const KINDS = Object.values(MutationKind);
const OVERSIZE_BYTES = 3 * 1024 * 1024;

function mutateOnce(bytes: Buffer, kind: MutationKind, random: FuzzRandom): Buffer {
  const at = random.int(bytes.length + 1);
  switch (kind) {
    case MutationKind.BitFlip: {
      if (bytes.length === 0) return Buffer.from([1 << random.int(8)]);
      const out = Buffer.from(bytes);
      const index = Math.min(at, out.length - 1);
      out[index] = (out[index] ?? 0) ^ (1 << random.int(8));
      return out;
    }
    case MutationKind.RandomByte: {
      const out = Buffer.from(bytes);
      if (out.length > 0) out[Math.min(at, out.length - 1)] = random.int(256);
      return out;
    }
    case MutationKind.Truncate:
      return bytes.subarray(0, at);
    case MutationKind.DeleteRange:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + random.int(16))]);
    case MutationKind.RepeatRange: {
      const range = bytes.subarray(at, at + 1 + random.int(32));
      return Buffer.concat([bytes.subarray(0, at), range, range, range, bytes.subarray(at)]);
    }
    case MutationKind.InsertRandom:
      return Buffer.concat([bytes.subarray(0, at), random.bytes(1 + random.int(16)), bytes.subarray(at)]);
    case MutationKind.HugeLength:
      // A length-delimited field (tag of field 1..15, wire type 2) that claims 2 GB.
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from([((1 + random.int(15)) << 3) | 2, 0xff, 0xff, 0xff, 0xff, 0x07]),
        bytes.subarray(at),
      ]);
    case MutationKind.EndlessVarint:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([0x08, ...new Array<number>(12).fill(0xff)])]);
    case MutationKind.WrongWireType:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([((1 + random.int(15)) << 3) | (3 + random.int(5))])]);
    case MutationKind.Oversize:
      // An unknown field 2000 (never a Temporal field number) holding megabytes.
      return Buffer.concat([
        bytes,
        Buffer.from([0x82, 0x7d]),
        varint(OVERSIZE_BYTES),
        Buffer.alloc(OVERSIZE_BYTES, 0x61),
      ]);
    default:
      return kind satisfies never;
  }
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** One to four mutations of `bytes`; oversize is rare, it is slow to send. */
export function mutateBytes(bytes: Buffer, random: FuzzRandom): { bytes: Buffer; mutations: MutationKind[] } {
  const mutations: MutationKind[] = [];
  let out = bytes;
  for (let count = 1 + random.int(4); count > 0; count -= 1) {
    let kind = random.pick(KINDS);
    if (kind === MutationKind.Oversize && !random.chance(0.05)) kind = MutationKind.BitFlip;
    mutations.push(kind);
    out = mutateOnce(out, kind, random);
  }
  return { bytes: out, mutations };
}
