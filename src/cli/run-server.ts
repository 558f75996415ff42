// Runs a Causeway server in this process until SIGINT or SIGTERM, then stops it cleanly and exits 0. A
// second signal while stopping exits at once with code 1. Shared by `server start-dev` and `server start`.
import type { RunningServer, ServerOptions } from '../server-options';
import { CommandError } from './command-error';
import { writeLine } from './output';

const EXIT_GRACE_MS = 1000;

export async function runServer(
  options: ServerOptions,
  banner: (options: ServerOptions, server: RunningServer) => string,
): Promise<void> {
  // Loaded here, not at the top, so client commands never pay for loading the server.
  const { startServer } = await import('../server');
  let server: RunningServer;
  try {
    server = await startServer(options);
  } catch (error) {
    // A half-started server may hold sockets open; this unref'd timer ends the process only if they do,
    // so a test harness waiting on us sees the exit instead of hanging.
    setTimeout(() => process.exit(1), EXIT_GRACE_MS).unref();
    throw new CommandError(`failed starting the server: ${error instanceof Error ? error.message : String(error)}`);
  }
  writeLine(banner(options, server));
  stopOnSignal(server);
}

/** The banner line of the namespaces created at start: `default` first. */
export function namespacesLine(options: ServerOptions): string {
  const namespaces = ['default', ...options.namespaces.filter((namespace) => namespace !== 'default')];
  return `Namespaces:  ${namespaces.join(', ')}`;
}

/** The banner line that says what opening the database did to its schema. */
export function schemaLine(server: RunningServer): string {
  const { schema } = server;
  if (schema.created) return `Schema:      created (version ${schema.version})`;
  if (schema.migratedFrom !== undefined)
    return `Schema:      migrated from ${schema.migratedFrom} to ${schema.version}`;
  return `Schema:      version ${schema.version}`;
}

function stopOnSignal(server: RunningServer): void {
  let isStopping = false;
  function onSignal(): void {
    if (isStopping) process.exit(1);
    isStopping = true;
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `Error: failed stopping the server: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
