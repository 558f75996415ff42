// gRPC inputs for every method of WorkflowService and OperatorService: a random message built from the
// method's request descriptor, or the bytes of one mutated.
import type * as protobuf from 'protobufjs';
import { protoRoot } from '../../src/common/proto';
import { FuzzRandom } from './fuzz-random';
import { encodeMessage, randomMessage } from './message-generator';
import { mutateBytes } from './byte-mutator';
import { grpcFrame } from './grpc-raw-client';
import { GRPC_DEADLINE_HEADER, type FuzzTargets, type GrpcInput } from './fuzz-input';

export const FUZZED_SERVICES = [
  'temporal.api.workflowservice.v1.WorkflowService',
  'temporal.api.operatorservice.v1.OperatorService',
] as const;

export interface FuzzedMethod {
  readonly name: string;
  readonly path: string;
  readonly requestType: protobuf.Type;
}

let cached: FuzzedMethod[] | undefined;

export function fuzzedMethods(): readonly FuzzedMethod[] {
  if (cached) return cached;
  cached = FUZZED_SERVICES.flatMap((serviceName) =>
    protoRoot.lookupService(serviceName).methodsArray.map((method) => {
      method.resolve();
      return {
        name: method.name,
        path: `/${serviceName}/${method.name}`,
        requestType: method.resolvedRequestType as protobuf.Type,
      };
    }),
  );
  return cached;
}

function pickMethod(random: FuzzRandom, targets: FuzzTargets): FuzzedMethod {
  const methods = fuzzedMethods();
  for (;;) {
    const method = random.pick(methods);
    if (!targets.unimplemented.has(method.name) || random.chance(0.05)) return method;
  }
}

/** The input a message for `method`, or its mutation, makes. */
export function grpcInput(
  method: FuzzedMethod,
  message: Record<string, unknown>,
  mutate: FuzzRandom | undefined,
): GrpcInput {
  const encoded = encodeMessage(method.requestType, message);
  const mutated = mutate ? mutateBytes(encoded, mutate) : undefined;
  return {
    kind: 'grpc',
    label: mutated ? `mutation:${mutated.mutations.join(',')}` : 'message',
    method: method.name,
    path: method.path,
    body: grpcFrame(mutated?.bytes ?? encoded),
    headers: { 'grpc-timeout': GRPC_DEADLINE_HEADER },
    message,
  };
}

/** Input `index`: two in three a generated message, one in three its bytes mutated. */
export function grpcMessageInput(seed: number, index: number, targets: FuzzTargets): GrpcInput {
  const random = FuzzRandom.forInput(seed, index);
  const method = pickMethod(random, targets);
  const message = randomMessage(method.requestType, random, targets);
  return grpcInput(method, message, random.chance(0.33) ? random : undefined);
}
