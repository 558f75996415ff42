// `causeway server start-dev`: a development server, the twin of `temporal server start-dev`: SQLite in
// memory (or --db-filename), migrated as needed.
import type { RunningServer, ServerOptions } from '../server-options';
import type { Command } from './command';
import type { ParsedFlags } from './flags';
import { namespacesLine, runServer } from './run-server';
import { serverOptionsFromFlags, startDevFlags } from './start-dev-flags';

export const startDevCommand: Command = {
  path: ['server', 'start-dev'],
  summary: 'Start a Causeway development server, a stand-in for `temporal server start-dev`.',
  flags: startDevFlags,
  run: (flags: ParsedFlags) => runServer(serverOptionsFromFlags(flags), startBanner),
};

/** The lines printed once the server is listening. */
export function startBanner(options: ServerOptions, server: RunningServer): string {
  const scheme = options.tls ? 'https' : 'http';
  return [
    'Causeway development server (Temporal-compatible)',
    '',
    `Server:      ${server.address}`,
    `HTTP:        ${server.httpPort > 0 ? `${options.ip}:${server.httpPort}` : 'off'}`,
    `Metrics:     http://${options.ip}:${server.metricsPort}/metrics`,
    `UI:          ${server.uiPort === undefined ? 'headless' : `${scheme}://${options.ip.includes(':') ? `[${options.ip}]` : options.ip}:${server.uiPort}`}`,
    namespacesLine(options),
    `Database:    ${options.dbFilename ?? 'in memory'}`,
    '',
  ].join('\n');
}
