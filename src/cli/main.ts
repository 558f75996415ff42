// Entry of the `causeway` command (bin/causeway.js): finds the command named by the leading words, parses
// its flags and runs it. Exit codes: 0 on success (help included), 1 on a usage error or a failed command.
// Errors are printed as "Error: ..." on stderr and never escape to the top.
import { matchesPrefix, commandHelp, groupHelp, type Command } from './command';
import { rpcErrorMessage, rpcStatusCode } from './client-connection';
import { CommandError } from './command-error';
import { parseFlags, UsageError } from './flags';
import { namespaceCommands } from './namespace-commands';
import { auditListCommand } from './audit-commands';
import { nexusEndpointCommands } from './nexus-endpoint-commands';
import { startDevCommand } from './start-dev';
import { serverStartCommand } from './server-start';
import { workflowCommands } from './workflow-commands';

export const commands: readonly Command[] = [
  startDevCommand,
  serverStartCommand,
  ...workflowCommands,
  ...namespaceCommands,
  ...nexusEndpointCommands,
  auditListCommand,
];

const groupSummaries: Readonly<Record<string, string>> = {
  '': 'Causeway: a Temporal-compatible server, and a command line for it that follows the `temporal` CLI.',
  server: 'Run a Causeway server.',
  workflow: 'Start, list and operate on Workflow Executions.',
  operator: 'Manage Namespaces and Nexus Endpoints, and read the audit log.',
  'operator audit': 'Read the audit log.',
  'operator namespace': 'Create, describe, list and update Namespaces.',
  'operator nexus': 'Manage Nexus resources.',
  'operator nexus endpoint': 'Create, describe, list, update and delete Nexus Endpoints.',
};

export function main(argv: string[]): void {
  // A reader that stops early (`| head`) closes the pipe; like a Go program on SIGPIPE, end quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  runCommandLine(argv).then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      // runCommandLine catches everything; this is the last guard so nothing reaches the top.
      process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/** Runs one command line and resolves to its exit code. */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  const words: string[] = [];
  for (const token of argv) {
    if (token.startsWith('-') || !commands.some((command) => matchesPrefix(command, [...words, token]))) break;
    words.push(token);
  }
  const command = commands.find(
    (candidate) => candidate.path.length === words.length && matchesPrefix(candidate, words),
  );
  const rest = argv.slice(words.length);
  if (command === undefined) return showGroup(words, rest);
  try {
    const flags = parseFlags(rest, command.flags);
    if (flags.isHelpRequested) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    const positionalMax = command.positionalMax ?? 0;
    if (flags.positionals.length > positionalMax) {
      throw new UsageError(`unexpected argument "${flags.positionals[positionalMax] ?? ''}"`);
    }
    await command.run(flags);
    return 0;
  } catch (error) {
    return reportError(error, command.path);
  }
}

function showGroup(words: readonly string[], rest: readonly string[]): number {
  const next = rest[0];
  const isHelp = next === undefined || next === '--help' || next === '-h' || (next === 'help' && words.length === 0);
  if (isHelp) {
    process.stdout.write(groupHelp(words, commands, groupSummaries));
    return 0;
  }
  const name = ['causeway', ...words].join(' ');
  const problem = next.startsWith('-') ? `unknown flag: ${next}` : `unknown command "${next}" for "${name}"`;
  return reportError(new UsageError(problem), words);
}

function reportError(error: unknown, path: readonly string[]): number {
  if (error instanceof UsageError) {
    process.stderr.write(`Error: ${error.message}\nRun '${['causeway', ...path, '--help'].join(' ')}' for usage.\n`);
  } else if (error instanceof CommandError || rpcStatusCode(error) !== undefined) {
    process.stderr.write(`Error: ${rpcErrorMessage(error)}\n`);
  } else {
    // Anything else is a bug in the CLI: keep the stack so it can be reported.
    process.stderr.write(`Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return 1;
}
