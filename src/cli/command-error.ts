// The error a command throws when it ran but did not succeed (the server refused, the workflow failed).
// main.ts prints its message after "Error: " and exits with code 1; bad flags are UsageErrors instead.
export class CommandError extends Error {
  readonly code = 'command-failed';
  override readonly name = 'CommandError';

  constructor(
    message: string,
    /** The gRPC status code when an RPC failed, to tell "already exists" from other failures. */
    readonly rpcStatusCode?: number,
  ) {
    super(message);
  }
}
