// `causeway server start-dev`: runs a Causeway server in this process until SIGINT or SIGTERM, then stops
// it cleanly and exits 0. A second signal while stopping exits at once with code 1.
import type { RunningServer, ServerOptions } from '../server-options';
import { CommandError } from './command-error';
import type { Command } from './command';
import type { ParsedFlags } from './flags';
import { writeLine } from './output';
import { serverOptionsFromFlags, startDevFlags } from './start-dev-flags';

const EXIT_GRACE_MS = 1000;

export const startDevCommand: Command = {
  path: ['server', 'start-dev'],
  summary: 'Start a Causeway development server, a stand-in for `temporal server start-dev`.',
  flags: startDevFlags,
  run: startDev,
};

async function startDev(flags: ParsedFlags): Promise<void> {
  const options = serverOptionsFromFlags(flags);
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
  writeLine(startBanner(options, server));
  stopOnSignal(server);
}

/** The lines printed once the server is listening. */
export function startBanner(options: ServerOptions, server: RunningServer): string {
  const uiPort = options.uiPort ?? server.port + 1000;
  const namespaces = ['default', ...options.namespaces.filter((namespace) => namespace !== 'default')];
  return [
    'Causeway development server (Temporal-compatible)',
    '',
    `Server:      ${server.address}`,
    `HTTP:        ${server.httpPort > 0 ? `${options.ip}:${server.httpPort}` : 'off'}`,
    `UI:          ${options.headless ? 'headless' : `none yet (port ${uiPort} reserved for it)`}`,
    `Namespaces:  ${namespaces.join(', ')}`,
    `Database:    ${options.dbFilename ?? 'in memory'}`,
    '',
  ].join('\n');
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
