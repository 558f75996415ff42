// Every request of the public port passes here before it is served or forwarded: with credentials
// configured, its `authorization` header must name a principal (else UNAUTHENTICATED), within its rate
// (else RESOURCE_EXHAUSTED), holding the role the RPC needs on its namespace (else PERMISSION_DENIED with
// the Temporal server's "Request unauthorized."). Without credentials (start-dev's default) everyone is
// ANONYMOUS and may do everything, as before. Either way the audited RPCs are recorded with their outcome,
// and so is every refused credential and role. The internal port of a cluster has no guard: its callers
// are the members, which guarded the request where it came in.
import type * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { ErrorCode, ServiceError } from '../../common/errors';
import { AUDITED_RPCS, auditTargetOf, type AuditLog } from './audit-log';
import type { Authenticator } from './authenticator';
import { clientCertificateOf } from './client-certificates';
import { isAllowed } from './authorize';
import { ANONYMOUS, CredentialKind, type Principal } from './principal';
import type { PrincipalRateLimiter } from './principal-rate-limiter';
import { Access, rpcAccessOf } from './rpc-access';

export const REQUEST_UNAUTHORIZED = 'Request unauthorized.';
export const REQUEST_UNAUTHENTICATED =
  'Request unauthenticated: send an API key or a JWT in the header "authorization: Bearer <token>".';
export const PRINCIPAL_RATE_EXCEEDED = 'principal rate limit exceeded';

/** The caller of an open RPC (health, GetSystemInfo): never looked up. */
const UNIDENTIFIED: Principal = {
  name: 'unidentified',
  kind: CredentialKind.None,
  system: undefined,
  namespaces: new Map(),
};

export interface RequestGuard {
  /** The principal the request is served for; throws the refusal. */
  /** `peer`: the caller's client certificate, when the TLS handshake verified one. */
  admit(
    service: string,
    method: string,
    request: unknown,
    metadata: grpc.Metadata,
    peer?: PeerCertificate,
  ): Promise<Principal>;
  /**
   * Before an admitted request is served: writes its audit event ahead, if it is audited (the ticket to
   * settle it with). Throws UNAVAILABLE if the event cannot be written: the request is then not served.
   */
  begin(method: string, request: unknown, principal: Principal): Promise<AuditTicket | undefined>;
  /** After the request: its outcome into the event `begin` wrote (`code` undefined: it succeeded). */
  settle(ticket: AuditTicket, code: number | undefined, message?: string): Promise<void>;
}

export interface AuditTicket {
  readonly id: number;
  readonly action: string;
}

export const AUDIT_UNAVAILABLE = 'the audit log could not be written, so the request was not served';

const GRPC_CODE_NAMES = [
  'ok',
  'cancelled',
  'unknown',
  'invalid-argument',
  'deadline-exceeded',
  'not-found',
  'already-exists',
  'permission-denied',
  'resource-exhausted',
  'failed-precondition',
  'aborted',
  'out-of-range',
  'unimplemented',
  'internal',
  'unavailable',
  'data-loss',
  'unauthenticated',
];

export function createRequestGuard(deps: {
  readonly authenticator: Authenticator | undefined;
  readonly limiter: PrincipalRateLimiter | undefined;
  readonly audit: AuditLog;
}): RequestGuard {
  const { authenticator, limiter, audit } = deps;
  const namespaceOf = (request: unknown): string => {
    const namespace = (request as { namespace?: unknown } | null)?.namespace;
    return typeof namespace === 'string' ? namespace : '';
  };
  return {
    async admit(service, method, request, metadata, peer) {
      if (!authenticator) return ANONYMOUS;
      const rpc = rpcAccessOf(service, method);
      if (rpc.access === Access.Open) return UNIDENTIFIED;
      const header = metadata.get('authorization')[0];
      const authentication = authenticator.authenticate(
        typeof header === 'string' ? header : undefined,
        clientCertificateOf(peer),
      );
      const namespace = namespaceOf(request);
      const target = auditTargetOf(method, request);
      if (!authentication.principal) {
        await audit.record({
          principal: '',
          action: method,
          namespace,
          target,
          outcome: 'unauthenticated',
          detail: authentication.failure,
        });
        throw new ServiceError(ErrorCode.Unauthenticated, REQUEST_UNAUTHENTICATED);
      }
      const { principal } = authentication;
      if (limiter && !limiter.tryTake(principal.name)) {
        throw new ServiceError(ErrorCode.ResourceExhausted, PRINCIPAL_RATE_EXCEEDED, {
          typeName: 'temporal.api.errordetails.v1.ResourceExhaustedFailure',
          // RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT, scope namespace: the SDKs back off and retry.
          value: { cause: 2, scope: 1 },
        });
      }
      if (!isAllowed(principal, rpc, namespace)) {
        await audit.record({
          principal: principal.name,
          action: method,
          namespace,
          target,
          outcome: 'permission-denied',
          detail: `needs ${rpc.access} on ${rpc.scope === 'cluster' ? 'the cluster' : `namespace "${namespace}"`}`,
        });
        throw new ServiceError(ErrorCode.PermissionDenied, REQUEST_UNAUTHORIZED, {
          typeName: 'temporal.api.errordetails.v1.PermissionDeniedFailure',
          value: { reason: '' },
        });
      }
      return principal;
    },
    async begin(method, request, principal) {
      if (!AUDITED_RPCS.has(method)) return undefined;
      try {
        const id = await audit.begin({
          principal: principal.name,
          action: method,
          namespace: namespaceOf(request),
          target: auditTargetOf(method, request),
        });
        return { id, action: method };
      } catch (error) {
        throw new ServiceError(ErrorCode.Unavailable, `${AUDIT_UNAVAILABLE}: ${String(error)}`);
      }
    },
    async settle(ticket, code, message) {
      const outcome = GRPC_CODE_NAMES[code ?? 0] ?? String(code);
      await audit.settle(ticket.id, ticket.action, outcome, code === undefined ? '' : (message ?? ''));
    },
  };
}
