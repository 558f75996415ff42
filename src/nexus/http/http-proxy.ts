// Passes a Nexus HTTP request on to the member that serves it (the one holding the shards), and its
// answer back as it comes. The forwarded request carries FORWARDED_BY, and a request that carries it is
// never passed on again.
import * as http from 'node:http';

export const FORWARDED_BY = 'x-causeway-forwarded-by';

/** Headers of one connection, not passed on. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'proxy-connection']);

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function isForwarded(request: http.IncomingMessage): boolean {
  return request.headers[FORWARDED_BY] !== undefined;
}

/** Resolves once the answer is passed on; rejects if the member cannot be reached (nothing written yet). */
export function proxyRequest(
  baseUrl: string,
  selfId: string,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const target = new URL(request.url ?? '/', baseUrl);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!HOP_HEADERS.has(name) && value !== undefined) headers[name] = value;
  }
  headers[FORWARDED_BY] = selfId;
  return new Promise<void>((resolve, reject) => {
    const outgoing = http.request(target, { method: request.method, headers, agent }, (answer) => {
      const answerHeaders: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_HEADERS.has(name) && value !== undefined) answerHeaders[name] = value;
      }
      response.writeHead(answer.statusCode ?? 502, answerHeaders);
      answer.pipe(response);
      answer.on('end', () => resolve());
      answer.on('error', () => response.destroy());
    });
    outgoing.on('error', (error) => {
      if (response.headersSent) response.destroy();
      reject(error);
    });
    response.on('close', () => outgoing.destroy());
    request.pipe(outgoing);
  });
}
