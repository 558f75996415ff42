// HTTP/1.1 requests written byte for byte on a TCP socket, so the fuzzer can send what node:http would
// refuse to: invalid UTF-8 and raw bytes in the path, broken chunked bodies, lying content lengths,
// bad header lines. An answer is the status line's code and the body, or `hang`, or `closed` (the
// server closed the connection without an answer).
import * as net from 'node:net';

export interface RawHttpRequest {
  /** The request line and headers, without the final blank line; `Connection: close` is added. */
  readonly head: Buffer;
  readonly body: Buffer;
  readonly answerTimeoutMs: number;
}

export type RawHttpAnswer =
  | { readonly kind: 'response'; readonly status: number; readonly body: string }
  | { readonly kind: 'closed'; readonly reason: string }
  | { readonly kind: 'hang' };

const ANSWER_KEPT_BYTES = 4096;

export function sendRawHttp(port: number, request: RawHttpRequest): Promise<RawHttpAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    const finish = (answer: RawHttpAnswer): void => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'hang' }), request.answerTimeoutMs);
    const parsed = (): RawHttpAnswer => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!match) return { kind: 'closed', reason: size === 0 ? 'no answer' : `not HTTP: ${text.slice(0, 80)}` };
      const bodyAt = text.indexOf('\r\n\r\n');
      return {
        kind: 'response',
        status: Number(match[1]),
        body:
          bodyAt < 0
            ? ''
            : Buffer.concat(chunks)
                .subarray(bodyAt + 4)
                .toString('utf8'),
      };
    };
    socket.on('data', (chunk) => {
      if (size < ANSWER_KEPT_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    // A reset after a complete answer (the server closing on a body it would not read) is still an answer.
    socket.on('error', (error) => finish(size > 0 ? parsed() : { kind: 'closed', reason: String(error) }));
    socket.on('close', () => finish(parsed()));
    socket.on('connect', () => {
      socket.write(Buffer.concat([request.head, Buffer.from('\r\nConnection: close\r\n\r\n'), request.body]));
    });
  });
}
