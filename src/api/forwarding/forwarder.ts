// Forwards a request, as it came, to the internal gRPC port of the process that must serve it, and hands
// back that process's answer as it is: the response bytes, or its status with its details. One client per
// address, at most CLIENTS_MAX (the least recently used is closed).
import * as grpc from '@grpc/grpc-js';

export const CLIENTS_MAX = 64;

/** Metadata that belongs to one hop (HTTP/2 and gRPC framing) and is not passed on. */
const HOP_HEADERS = new Set(['content-type', 'user-agent', 'te', 'host', 'accept-encoding', 'grpc-accept-encoding']);

/** Set on forwarded requests (the receiving process serves them, it never forwards them again). */
export const FORWARDED_HEADER = 'x-causeway-forwarded-by';

export class ForwardError extends Error {
  override name = 'ForwardError';
  constructor(readonly status: grpc.StatusObject) {
    super(status.details);
  }
}

function stopping(): grpc.StatusObject {
  return { code: grpc.status.UNAVAILABLE, details: 'this Causeway process is stopping', metadata: new grpc.Metadata() };
}

export class Forwarder {
  private readonly clients = new Map<string, grpc.Client>();
  /** Calls in flight (bounded by the requests this process is serving), cancelled by close(). */
  private readonly inFlight = new Set<grpc.ClientUnaryCall>();
  private isClosed = false;

  constructor(private readonly selfId: string) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Sends `request` (already encoded) on `path` to `address`; resolves with the encoded response. */
  forward(params: {
    readonly address: string;
    readonly path: string;
    readonly request: Uint8Array;
    readonly metadata: grpc.Metadata;
    readonly deadline: grpc.Deadline;
    readonly signal: AbortSignal;
  }): Promise<Buffer> {
    if (this.isClosed) return Promise.reject(new ForwardError(stopping()));
    const client = this.clientFor(params.address);
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(params.metadata.getMap())) {
      if (HOP_HEADERS.has(key) || key.startsWith('grpc-') || key.startsWith(':')) continue;
      metadata.set(key, value);
    }
    metadata.set(FORWARDED_HEADER, this.selfId);
    return new Promise<Buffer>((resolve, reject) => {
      const call = client.makeUnaryRequest(
        params.path,
        (bytes: Uint8Array) => Buffer.from(bytes),
        (bytes: Buffer) => bytes,
        params.request,
        metadata,
        { deadline: params.deadline },
        (error, response) => {
          this.inFlight.delete(call);
          params.signal.removeEventListener('abort', cancel);
          if (error && this.isClosed) {
            // Cut by close(): the client retries UNAVAILABLE, on another process.
            reject(new ForwardError(stopping()));
          } else if (error) {
            reject(new ForwardError({ code: error.code, details: error.details, metadata: error.metadata }));
          } else resolve(response ?? Buffer.alloc(0));
        },
      );
      this.inFlight.add(call);
      const cancel = (): void => call.cancel();
      params.signal.addEventListener('abort', cancel, { once: true });
    });
  }

  private clientFor(address: string): grpc.Client {
    let client = this.clients.get(address);
    if (client) {
      // Most recently used last: the first entry is the one to close when the map is full.
      this.clients.delete(address);
    } else {
      if (this.clients.size >= CLIENTS_MAX) {
        const [oldest, oldestClient] = this.clients.entries().next().value as [string, grpc.Client];
        oldestClient.close();
        this.clients.delete(oldest);
      }
      client = new grpc.Client(address, grpc.credentials.createInsecure(), {
        'grpc.max_receive_message_length': -1,
        'grpc.max_send_message_length': -1,
      });
    }
    this.clients.set(address, client);
    return client;
  }

  /** Cancels the calls in flight (their clients retry elsewhere) and closes every client. */
  close(): void {
    this.isClosed = true;
    for (const call of [...this.inFlight]) call.cancel();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
