// One call to a Causeway service of the public port (causeway.v1, api/causeway-service/causeway-proto.ts),
// with the command's address and headers (the API key among them). The SDK's Connection knows only the
// Temporal services, so these go through a plain grpc-js client.
import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import type { ClientContext } from './client-connection';
import { CommandError } from './command-error';

const CAUSEWAY_CALL_TIMEOUT_MS = 30_000;

export function callCauseway<T>(
  context: ClientContext,
  what: string,
  call: { readonly path: string; readonly requestType: protobuf.Type; readonly responseType: protobuf.Type },
  request: object,
): Promise<T> {
  const client = new grpc.Client(context.address, context.transport.credentials, context.transport.channelArgs);
  const metadata = new grpc.Metadata();
  for (const [name, value] of Object.entries(context.headers)) metadata.set(name, value);
  const deadline = Date.now() + (context.timeoutMs ?? CAUSEWAY_CALL_TIMEOUT_MS);
  return new Promise<T>((resolve, reject) => {
    client.makeUnaryRequest(
      call.path,
      (value: object) => Buffer.from(call.requestType.encode(value).finish()),
      (bytes: Buffer) =>
        call.responseType.toObject(call.responseType.decode(bytes), { longs: Number, defaults: true }) as T,
      request,
      metadata,
      { deadline },
      (error, response) => {
        client.close();
        if (error || response === undefined) {
          reject(new CommandError(`${what}: ${error?.details ?? 'no answer'}`, error?.code));
          return;
        }
        resolve(response);
      },
    );
  });
}
