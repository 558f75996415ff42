// What the fuzzer sends and what it got back. Inputs are plain data (printable as a repro); each is made
// from the run's seed and its index alone.
import type { KnownNames } from './message-generator';
import type { RawGrpcAnswer } from './grpc-raw-client';
import type { RawHttpAnswer } from './http-raw-client';

export interface GrpcInput {
  readonly kind: 'grpc';
  /** How the input was made (`message`, `mutation:bit-flip,truncate`, `framing:gzip-garbage`). */
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** The generated message, for a message input (what the minimiser shrinks). */
  readonly message?: Record<string, unknown>;
}

export interface HttpInput {
  readonly kind: 'http';
  readonly label: string;
  /** The route template the input aims at. */
  readonly route: string;
  readonly head: Buffer;
  readonly body: Buffer;
}

export type FuzzInput = GrpcInput | HttpInput;
export type FuzzAnswer = RawGrpcAnswer | RawHttpAnswer;

/** The names the run made before fuzzing, and the Nexus endpoint id. */
export interface FuzzTargets extends KnownNames {
  readonly endpointIds: readonly string[];
  /** Methods that answered UNIMPLEMENTED to an empty request: sent to rarely. */
  readonly unimplemented: ReadonlySet<string>;
}

/** The deadline every fuzzed gRPC call carries (long polls end by it), and the wait that counts as a hang. */
export const GRPC_DEADLINE_HEADER = '2S';
export const ANSWER_TIMEOUT_MS = 10_000;
