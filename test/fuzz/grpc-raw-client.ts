// gRPC calls as raw HTTP/2 streams, so the fuzzer controls every byte: the headers (content type,
// encoding, timeout, metadata), the 5-byte frame prefix (compressed flag, declared length) and the
// message. An answer is its grpc-status and grpc-message, or `hang` when none came in time, or
// `reset` when the stream or connection ended without a status.
import * as http2 from 'node:http2';

export interface RawGrpcRequest {
  readonly path: string;
  /** The whole request body: frame prefix and message, as sent. */
  readonly body: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** How long to wait for an answer before calling it a hang. */
  readonly answerTimeoutMs: number;
}

export type RawGrpcAnswer =
  | {
      readonly kind: 'status';
      readonly code: number;
      readonly message: string;
      readonly httpStatus: number;
      /** The first bytes of the response body (frames included). */
      readonly body: Buffer;
    }
  | { readonly kind: 'reset'; readonly reason: string }
  | { readonly kind: 'hang' };

/** The standard frame: flag 0 (not compressed), the length, the message. */
const BODY_KEPT_BYTES = 4096;

export function grpcFrame(message: Buffer, isCompressed = false, declaredLength = message.length): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = isCompressed ? 1 : 0;
  prefix.writeUInt32BE(declaredLength >>> 0, 1);
  return Buffer.concat([prefix, message]);
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export class RawGrpcClient {
  private session: http2.ClientHttp2Session | undefined;

  constructor(private readonly address: string) {}

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(`http://${this.address}`, { maxHeaderListPairs: 1_000 });
    session.on('error', () => undefined);
    session.on('goaway', () => session.destroy());
    this.session = session;
    return session;
  }

  call(request: RawGrpcRequest): Promise<RawGrpcAnswer> {
    return new Promise((resolve) => {
      let stream: http2.ClientHttp2Stream;
      try {
        const headers: Record<string, string> = {
          ':method': 'POST',
          ':path': request.path,
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-timeout': '3S',
          ...request.headers,
        };
        // An empty value stands for a header left out.
        for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
        stream = this.connect().request(headers);
      } catch (error) {
        this.session?.destroy();
        resolve({ kind: 'reset', reason: `request refused by the client: ${String(error)}` });
        return;
      }
      let headers: http2.IncomingHttpHeaders = {};
      let isDone = false;
      const finish = (answer: RawGrpcAnswer): void => {
        if (isDone) return;
        isDone = true;
        clearTimeout(timer);
        resolve(answer);
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
      };
      const timer = setTimeout(() => finish({ kind: 'hang' }), request.answerTimeoutMs);
      const status = (trailers: http2.IncomingHttpHeaders): void => {
        const code = trailers['grpc-status'] ?? headers['grpc-status'];
        if (code === undefined) return;
        const message = trailers['grpc-message'] ?? headers['grpc-message'] ?? '';
        finish({
          kind: 'status',
          code: Number(code),
          message: percentDecoded(String(message)),
          httpStatus: Number(headers[':status'] ?? 0),
          body: Buffer.concat(chunks),
        });
      };
      stream.on('response', (received) => {
        headers = received;
        status({});
      });
      stream.on('trailers', status);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (size < BODY_KEPT_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('error', (error) => finish({ kind: 'reset', reason: String(error) }));
      stream.on('close', () =>
        finish({ kind: 'reset', reason: `stream closed (${stream.rstCode ?? 0}), http ${String(headers[':status'])}` }),
      );
      stream.end(request.body);
    });
  }

  close(): void {
    this.session?.destroy();
  }
}
