// Public entry of the causeway package: start a server in-process.
export { startServer, SERVER_VERSION } from './server';
export type { RunningServer, ServerOptions } from './server-options';
export type { ServerOverrides } from './server';
