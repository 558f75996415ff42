// The request guard for inbound Nexus HTTP requests (nexus/http): the `authorization` header checked as on
// the gRPC port, the request a write in the namespace its endpoint or task queue targets (the server's
// NexusService DispatchNexusTask). Completion callbacks are not checked: their callback token is their
// credential.
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { RequestGuard } from './request-guard';
import { NEXUS_SERVICE } from './rpc-access';

export function nexusDispatchGuard(
  guard: RequestGuard,
): (authorization: string | undefined, namespace: string, peer: PeerCertificate | undefined) => Promise<void> {
  return async (authorization, namespace, peer) => {
    const metadata = new grpc.Metadata();
    if (authorization !== undefined) metadata.set('authorization', authorization);
    await guard.admit(NEXUS_SERVICE, 'DispatchNexusTask', { namespace }, metadata, peer);
  };
}
