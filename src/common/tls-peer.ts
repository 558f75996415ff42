// The client certificate of an HTTPS request, when its TLS handshake verified one (mutual TLS).
import type { IncomingMessage } from 'node:http';
import { TLSSocket, type PeerCertificate } from 'node:tls';

export function verifiedPeerCertificate(request: IncomingMessage): PeerCertificate | undefined {
  const socket = request.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const certificate = socket.getPeerCertificate();
  return Object.keys(certificate).length > 0 ? certificate : undefined;
}
