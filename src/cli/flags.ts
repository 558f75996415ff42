// A small command line flag parser with the conventions of the `temporal` CLI (Go's pflag):
// `--flag value`, `--flag=value`, `-f value`, `-f=value`, `-fvalue`, repeatable flags that collect one
// value per occurrence, booleans that take no value (or `--flag=false`), and `--` to end the flags.
// A string flag always takes the next argument as its value, even one starting with `-`, as pflag does.

export const FlagKind = { String: 'string', Boolean: 'boolean' } as const;
export type FlagKind = (typeof FlagKind)[keyof typeof FlagKind];

export interface FlagDefinition {
  /** Long name without the leading dashes, e.g. `workflow-id`. */
  readonly name: string;
  /** One-letter alias without the dash, e.g. `w`. */
  readonly short?: string;
  readonly kind: FlagKind;
  /** A repeatable flag keeps every value; any other keeps the last one given. */
  readonly isRepeatable?: boolean;
  /** What the value looks like in help, e.g. `duration` or `key=value`. */
  readonly valueName?: string;
  /** Shown in help as "(default ...)". */
  readonly defaultText?: string;
  readonly description: string;
  /** Accepted so existing scripts keep working, but has no effect. Listed last in help. */
  readonly isIgnored?: boolean;
}

/** Bad command line input: printed with the command's usage hint, exit code 1. */
export class UsageError extends Error {
  readonly code = 'usage';
  override readonly name = 'UsageError';
}

export interface ParsedFlags {
  readonly positionals: readonly string[];
  readonly isHelpRequested: boolean;
  /** The last value given for a string flag, or undefined. */
  string(name: string): string | undefined;
  /** Every value given for a string flag, in order. */
  strings(name: string): readonly string[];
  boolean(name: string): boolean;
  /** Whether the flag appeared on the command line at all. */
  has(name: string): boolean;
}

const helpFlag: FlagDefinition = { name: 'help', short: 'h', kind: FlagKind.Boolean, description: 'Show help.' };

export function parseFlags(argv: readonly string[], definitions: readonly FlagDefinition[]): ParsedFlags {
  const byLong = new Map<string, FlagDefinition>();
  const byShort = new Map<string, FlagDefinition>();
  for (const definition of [...definitions, helpFlag]) {
    byLong.set(definition.name, definition);
    if (definition.short !== undefined) byShort.set(definition.short, definition);
  }
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  let index = 0;
  function record(definition: FlagDefinition, value: string): void {
    const list = values.get(definition.name) ?? [];
    list.push(value);
    values.set(definition.name, list);
  }
  function takeValue(definition: FlagDefinition, spelled: string, inline: string | undefined): string {
    if (definition.kind === FlagKind.Boolean) {
      return inline === undefined ? 'true' : String(parseBoolean(spelled, inline));
    }
    if (inline !== undefined) return inline;
    const next = argv[index + 1];
    if (next === undefined) throw new UsageError(`flag needs an argument: ${spelled}`);
    index += 1;
    return next;
  }
  for (; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (token === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (token.startsWith('--')) {
      const equals = token.indexOf('=');
      const name = equals === -1 ? token.slice(2) : token.slice(2, equals);
      const inline = equals === -1 ? undefined : token.slice(equals + 1);
      const definition = byLong.get(name);
      if (definition === undefined) throw new UsageError(`unknown flag: --${name}`);
      record(definition, takeValue(definition, `--${name}`, inline));
    } else if (token.startsWith('-') && token.length > 1) {
      const letter = token.slice(1, 2);
      const definition = byShort.get(letter);
      if (definition === undefined) throw new UsageError(`unknown shorthand flag: '${letter}' in ${token}`);
      const rest = token.slice(2);
      const inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
      if (definition.kind === FlagKind.Boolean && inline !== undefined && !rest.startsWith('=')) {
        throw new UsageError(`unknown shorthand flag: '${rest.slice(0, 1)}' in ${token}`);
      }
      record(definition, takeValue(definition, `-${letter}`, inline));
    } else {
      positionals.push(token);
    }
  }
  return createParsedFlags(byLong, values, positionals);
}

function createParsedFlags(
  byLong: ReadonlyMap<string, FlagDefinition>,
  values: ReadonlyMap<string, readonly string[]>,
  positionals: readonly string[],
): ParsedFlags {
  // Asking for an undeclared flag is a bug in the command, not bad input.
  function valuesOf(name: string, kind: FlagKind): readonly string[] {
    const definition = byLong.get(name);
    if (definition === undefined) throw new Error(`flag --${name} is not declared by this command`);
    if (definition.kind !== kind) throw new Error(`flag --${name} is a ${definition.kind} flag, not ${kind}`);
    return values.get(name) ?? [];
  }
  return {
    positionals,
    isHelpRequested: (values.get('help') ?? []).at(-1) === 'true',
    string: (name) => valuesOf(name, FlagKind.String).at(-1),
    strings: (name) => valuesOf(name, FlagKind.String),
    boolean: (name) => valuesOf(name, FlagKind.Boolean).at(-1) === 'true',
    has: (name) => values.has(name),
  };
}

function parseBoolean(spelled: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 't' || lower === '1') return true;
  if (lower === 'false' || lower === 'f' || lower === '0') return false;
  throw new UsageError(`invalid value "${text}" for ${spelled}: expected true or false`);
}

/** Parses a whole number flag value within [minimum, maximum]. */
export function parseIntegerFlag(name: string, text: string, minimum: number, maximum: number): number {
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new UsageError(
      `invalid value "${text}" for --${name}: expected a whole number from ${minimum} to ${maximum}`,
    );
  }
  return value;
}

/** Splits `key=value` at the first `=`; the key must not be empty. */
export function splitKeyValue(name: string, text: string): [key: string, value: string] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new UsageError(`invalid value "${text}" for --${name}: expected KEY=VALUE`);
  return [text.slice(0, equals), text.slice(equals + 1)];
}

/** Matches a flag value against a set of names, ignoring case; returns the canonical spelling. */
export function parseChoiceFlag<T extends string>(name: string, text: string, choices: readonly T[]): T {
  const match = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
  if (match === undefined) {
    throw new UsageError(`invalid value "${text}" for --${name}: expected one of ${choices.join(', ')}`);
  }
  return match;
}

/** Help text for a list of flags, one per line, aligned like pflag's; ignored flags come in their own list. */
export function formatFlagHelp(definitions: readonly FlagDefinition[]): string {
  const used = [...definitions.filter((flag) => !flag.isIgnored), helpFlag];
  const ignored = definitions.filter((flag) => flag.isIgnored);
  const left = (flag: FlagDefinition): string => {
    const short = flag.short === undefined ? '    ' : `-${flag.short}, `;
    const value = flag.kind === FlagKind.String ? ` ${flag.valueName ?? 'string'}` : '';
    return `  ${short}--${flag.name}${value}`;
  };
  const width = Math.max(...[...used, ...ignored].map((flag) => left(flag).length)) + 3;
  const line = (flag: FlagDefinition): string => {
    const notes = [
      flag.isRepeatable ? 'Can be passed multiple times.' : '',
      flag.defaultText === undefined ? '' : `(default ${flag.defaultText})`,
    ].filter((note) => note !== '');
    return `${left(flag).padEnd(width)}${[flag.description, ...notes].join(' ')}`;
  };
  const sections = [used.map(line).join('\n')];
  if (ignored.length > 0) {
    sections.push(`Accepted for compatibility with the temporal CLI, and ignored:\n${ignored.map(line).join('\n')}`);
  }
  return sections.join('\n\n');
}
