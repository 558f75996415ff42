// Shrinks an input that shows a finding while it still does: a generated message loses fields, long
// strings and extra list items; mutated bytes lose ranges (halving, as delta debugging does). Each try
// is a real call, so the number of tries is bounded.
import { grpcInput, fuzzedMethods } from './grpc-inputs';
import { grpcFrame } from './grpc-raw-client';
import type { FuzzInput, GrpcInput } from './fuzz-input';

const TRIES_MAX = 80;
const SHORT_STRING_LENGTH = 8;

type StillFails = (candidate: FuzzInput) => Promise<boolean>;

/** Smaller variants of a message: each field removed, each long string cut, each list cut to one. */
function* smallerMessages(message: Record<string, unknown>): Generator<Record<string, unknown>> {
  for (const key of Object.keys(message)) {
    const { [key]: _removed, ...rest } = message;
    yield rest;
  }
  for (const [key, value] of Object.entries(message)) {
    if (typeof value === 'string' && value.length > SHORT_STRING_LENGTH)
      yield { ...message, [key]: value.slice(0, SHORT_STRING_LENGTH) };
    else if (Array.isArray(value) && value.length > 1) yield { ...message, [key]: value.slice(0, 1) };
    else if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) {
      for (const smaller of smallerMessages(value as Record<string, unknown>)) yield { ...message, [key]: smaller };
    }
  }
}

async function minimiseMessage(input: GrpcInput, stillFails: StillFails, tries: { left: number }): Promise<GrpcInput> {
  const method = fuzzedMethods().find((candidate) => candidate.path === input.path);
  if (!method || !input.message) return input;
  let best = input;
  let isShrinking = true;
  while (isShrinking && tries.left > 0) {
    isShrinking = false;
    for (const message of smallerMessages(best.message ?? {})) {
      if (tries.left-- <= 0) break;
      let candidate: GrpcInput;
      try {
        candidate = grpcInput(method, message, undefined);
      } catch {
        continue;
      }
      if (await stillFails(candidate)) {
        best = candidate;
        isShrinking = true;
        break;
      }
    }
  }
  return best;
}

async function minimiseBytes(input: GrpcInput, stillFails: StillFails, tries: { left: number }): Promise<GrpcInput> {
  let bytes = input.body.subarray(5);
  for (let chunk = Math.ceil(bytes.length / 2); chunk >= 1 && tries.left > 0; chunk = Math.floor(chunk / 2)) {
    for (let at = 0; at < bytes.length && tries.left > 0;) {
      tries.left -= 1;
      const smaller = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + chunk)]);
      if (await stillFails({ ...input, body: grpcFrame(smaller) })) bytes = smaller;
      else at += chunk;
    }
  }
  return { ...input, label: `${input.label} (minimised)`, body: grpcFrame(bytes) };
}

/** The smallest input found that still shows the finding, or the input itself. */
export async function minimise(input: FuzzInput, stillFails: StillFails): Promise<FuzzInput> {
  if (input.kind !== 'grpc') return input;
  const tries = { left: TRIES_MAX };
  if (input.label === 'message') return minimiseMessage(input, stillFails, tries);
  if (input.label.startsWith('mutation:')) return minimiseBytes(input, stillFails, tries);
  return input;
}
