// Calls between cluster members, on the internal gRPC port: one method whose request is an op name with
// its arguments and whose answer is the op's result or its error, both as wire JSON (common/wire-json.ts).
// The server runs ops from a table (engine/owner-calls.ts, matching's offer, the Nexus dispatcher's take);
// the client (Peers, for the engine) finds the member that holds a shard in the cluster view and sends
// the call there, through the forwarder's clients. An error keeps its code and message across the hop;
// a member that cannot be reached is UNAVAILABLE, which the outbox task behind every call retries.
import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { ErrorCode, ServiceError, type ErrorDetail } from '../../common/errors';
import { decodeWire, encodeWire } from '../../common/wire-json';
import type { PeerOp, Peers } from '../../engine/cluster-link';
import type { ClusterMembership, MemberAddress } from '../../engine/cluster-membership';
import { ShardOwnershipLostError, StoreConflictError } from '../../store/store';
import { ForwardError, type Forwarder } from './forwarder';

const SERVICE = 'causeway.internal.v1.Peer';
const CALL_PATH = `/${SERVICE}/Call`;

/** How long a call may take (ops are single transactions or offers; a long one is a sick member). */
export const PEER_CALL_TIMEOUT_MS = 30_000;

/** How long a write waits for a member to read the registries again (a paused member must not hold it up). */
const BROADCAST_TIMEOUT_MS = 2000;

interface CallRequest {
  readonly op: string;
  readonly args: unknown;
}

type CallAnswer =
  | { readonly ok: unknown }
  | { readonly error: { readonly code: ErrorCode; readonly message: string; readonly detail?: ErrorDetail | null } };

function answerOf(error: unknown): CallAnswer {
  if (error instanceof ServiceError) {
    return { error: { code: error.code, message: error.message, detail: error.detail ?? null } };
  }
  if (error instanceof StoreConflictError || error instanceof ShardOwnershipLostError) {
    return { error: { code: ErrorCode.Unavailable, message: error.message } };
  }
  return { error: { code: ErrorCode.Internal, message: error instanceof Error ? error.message : String(error) } };
}

const identity = (bytes: Buffer): Buffer => bytes;

/** The peer service for the internal gRPC server. */
export function peerService(
  ops: Readonly<Record<string, PeerOp>>,
  logger: Logger,
  /** Runs before an op is tried again after it met a namespace this process had not read yet. */
  catchUp: () => Promise<void>,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const run = async (request: CallRequest): Promise<unknown> => {
    const op = ops[request.op];
    if (!op) throw new ServiceError(ErrorCode.Unimplemented, `no peer call ${request.op} in this Causeway process`);
    try {
      return await op(request.args);
    } catch (error) {
      // A namespace registered through another member a moment ago: read the namespaces, then once more.
      if (!(error instanceof ServiceError && error.code === ErrorCode.NamespaceNotFound)) throw error;
      await catchUp();
      return op(request.args);
    }
  };
  return {
    definition: {
      Call: {
        path: CALL_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    implementation: {
      Call: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        Promise.resolve()
          .then(() => run(decodeWire(call.request) as CallRequest))
          .then(
            (ok): CallAnswer => ({ ok: ok ?? null }),
            (error: unknown) => {
              const answer = answerOf(error);
              if ('error' in answer && answer.error.code === ErrorCode.Internal)
                logger.error('peer call failed', { error: String(error), stack: (error as Error)?.stack });
              return answer;
            },
          )
          .then((answer) => callback(null, encodeWire(answer)))
          .catch((error: unknown) => callback({ code: grpc.status.INTERNAL, details: String(error) }));
      },
    },
  };
}

/** Peers over the internal port: the engine's way to the other members. */
export class PeerClient implements Peers {
  constructor(
    private readonly deps: {
      readonly membership: ClusterMembership;
      readonly forwarder: Forwarder;
      readonly clock: Clock;
      /** Aborts calls in flight when this process stops. */
      readonly signal: AbortSignal;
    },
  ) {}

  get selfId(): string {
    return this.deps.membership.self.memberId;
  }

  async callShardOwner(shardId: number, op: string, args: unknown): Promise<unknown> {
    const { membership } = this.deps;
    let owner = membership.ownerOf(shardId);
    if (!owner) {
      await membership.refresh();
      owner = membership.ownerOf(shardId);
    }
    if (!owner || owner.memberId === this.selfId) {
      // Between holders (handed over, or its holder died and the lease has not run out yet).
      throw new ServiceError(ErrorCode.Unavailable, `history shard ${shardId} has no live holder now`);
    }
    return this.send(owner, op, args);
  }

  callMember(memberId: string, op: string, args: unknown): Promise<unknown> {
    const member = this.deps.membership.member(memberId);
    if (!member) {
      return Promise.reject(new ServiceError(ErrorCode.Unavailable, `cluster member ${memberId} is gone`));
    }
    return this.send(member, op, args);
  }

  /** Runs `op` in every other live member; waits for each answer, and ignores failures (members gone). */
  async broadcast(op: string, args: unknown): Promise<void> {
    const others = this.deps.membership.liveMembers().filter((member) => member.memberId !== this.selfId);
    await Promise.allSettled(others.map((member) => this.send(member, op, args, BROADCAST_TIMEOUT_MS)));
  }

  private async send(
    member: MemberAddress,
    op: string,
    args: unknown,
    timeoutMs = PEER_CALL_TIMEOUT_MS,
  ): Promise<unknown> {
    let bytes: Buffer;
    try {
      bytes = await this.deps.forwarder.forward({
        address: member.rpcAddress,
        path: CALL_PATH,
        request: encodeWire({ op, args } satisfies CallRequest),
        metadata: new grpc.Metadata(),
        deadline: this.deps.clock.nowMs() + timeoutMs,
        signal: this.deps.signal,
      });
    } catch (error) {
      if (error instanceof ForwardError) {
        void this.deps.membership.refresh().catch(() => undefined);
        throw new ServiceError(
          ErrorCode.Unavailable,
          `cluster member ${member.memberId} did not answer ${op}: ${error.status.details}`,
        );
      }
      throw error;
    }
    const answer = decodeWire(bytes) as CallAnswer;
    if ('error' in answer) {
      throw new ServiceError(answer.error.code, answer.error.message, answer.error.detail ?? undefined);
    }
    return answer.ok ?? undefined;
  }
}
