// The shape of a `causeway` command and the help text built from it. Commands form a tree by their word
// paths ("operator nexus endpoint create"); a path prefix shared by several commands is a group.
import { formatFlagHelp, type FlagDefinition, type ParsedFlags } from './flags';

export interface Command {
  /** Words after `causeway`, e.g. ['workflow', 'start']. */
  readonly path: readonly string[];
  /** Other spellings of the last word, e.g. `get` for `describe`. */
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly flags: readonly FlagDefinition[];
  /** Positional arguments shown in usage, e.g. "[namespace]"; none are accepted when absent. */
  readonly positionalUsage?: string;
  readonly positionalMax?: number;
  run(flags: ParsedFlags): Promise<void>;
}

/** Whether `words` spell out the start of this command's path, accepting aliases for the last word. */
export function matchesPrefix(command: Command, words: readonly string[]): boolean {
  if (words.length > command.path.length) return false;
  return words.every((word, index) => {
    if (command.path[index] === word) return true;
    return index === command.path.length - 1 && (command.aliases ?? []).includes(word);
  });
}

export function commandHelp(command: Command): string {
  const positional = command.positionalUsage === undefined ? '' : ` ${command.positionalUsage}`;
  return [
    command.summary,
    '',
    'Usage:',
    `  causeway ${command.path.join(' ')}${positional} [flags]`,
    ...(command.aliases === undefined
      ? []
      : ['', 'Aliases:', `  ${[command.path.at(-1), ...command.aliases].join(', ')}`]),
    '',
    'Flags:',
    formatFlagHelp(command.flags),
    '',
  ].join('\n');
}

/** Help for a group: the next words that can follow it, each with a summary. */
export function groupHelp(
  groupPath: readonly string[],
  commands: readonly Command[],
  groupSummaries: Readonly<Record<string, string>>,
): string {
  const depth = groupPath.length;
  const children = new Map<string, string>();
  for (const command of commands) {
    if (!matchesPrefix(command, groupPath) || command.path.length <= depth) continue;
    const word = command.path[depth] ?? '';
    const isLeaf = command.path.length === depth + 1;
    const summary = isLeaf ? command.summary : (groupSummaries[[...groupPath, word].join(' ')] ?? '');
    if (!children.has(word)) children.set(word, summary);
  }
  const width = Math.max(...[...children.keys()].map((word) => word.length)) + 3;
  const name = ['causeway', ...groupPath].join(' ');
  return [
    groupSummaries[groupPath.join(' ')] ?? 'Causeway: a Temporal-compatible server and its command line.',
    '',
    'Usage:',
    `  ${name} [command]`,
    '',
    'Available Commands:',
    ...[...children].map(([word, summary]) => `  ${word.padEnd(width)}${summary.split('\n')[0] ?? ''}`),
    '',
    `Use "${name} [command] --help" for more information about a command.`,
    '',
  ].join('\n');
}
