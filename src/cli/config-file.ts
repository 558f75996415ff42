// `--config FILE` for server commands: a YAML (or JSON) file whose keys are the command's flag names and
// whose values are what the flag would take. A repeatable flag takes a list, or a mapping for key=value
// flags (search-attribute, dynamic-config-value: values as JSON). A flag given on the command line wins
// over the file. Example (docs/operations.md):
//   persistence: postgres://causeway@db.internal:5432/causeway
//   port: 7233
//   namespace: [orders, billing]
//   search-attribute: { CustomerId: Keyword }
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { FlagKind, UsageError, parseFlags, type FlagDefinition, type ParsedFlags } from './flags';

export function flagsWithConfigFile(flags: ParsedFlags, definitions: readonly FlagDefinition[]): ParsedFlags {
  const file = flags.string('config');
  if (file === undefined) return flags;
  const fromFile = parseFlags(configTokens(file, definitions), definitions);
  return {
    positionals: flags.positionals,
    isHelpRequested: flags.isHelpRequested,
    string: (name) => (flags.has(name) ? flags.string(name) : fromFile.string(name)),
    strings: (name) => (flags.has(name) ? flags.strings(name) : fromFile.strings(name)),
    boolean: (name) => (flags.has(name) ? flags.boolean(name) : fromFile.boolean(name)),
    has: (name) => flags.has(name) || fromFile.has(name),
  };
}

function readConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new UsageError(`--config ${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--config ${file} must hold a mapping of flag names to values`);
  }
  return parsed as Record<string, unknown>;
}

function configTokens(file: string, definitions: readonly FlagDefinition[]): string[] {
  const tokens: string[] = [];
  for (const [key, value] of Object.entries(readConfig(file))) {
    const definition = definitions.find((candidate) => candidate.name === key);
    if (definition === undefined || key === 'config') {
      throw new UsageError(`unknown key "${key}" in --config ${file}: keys are the command's flag names`);
    }
    tokens.push(...flagTokens(definition, value, file));
  }
  return tokens;
}

function flagTokens(definition: FlagDefinition, value: unknown, file: string): string[] {
  const flag = `--${definition.name}`;
  const wrong = (): UsageError =>
    new UsageError(`invalid value for "${definition.name}" in --config ${file}: ${JSON.stringify(value)}`);
  if (definition.kind === FlagKind.Boolean) {
    if (typeof value !== 'boolean') throw wrong();
    return value ? [flag] : [];
  }
  if (Array.isArray(value)) {
    if (!definition.isRepeatable) throw wrong();
    return value.map((item) => `${flag}=${scalar(item, wrong)}`);
  }
  if (typeof value === 'object' && value !== null) {
    if (!definition.isRepeatable) throw wrong();
    const isJson = definition.name === 'dynamic-config-value';
    return Object.entries(value).map(
      ([entryKey, entryValue]) =>
        `${flag}=${entryKey}=${isJson ? JSON.stringify(entryValue) : scalar(entryValue, wrong)}`,
    );
  }
  return [`${flag}=${scalar(value, wrong)}`];
}

function scalar(value: unknown, wrong: () => UsageError): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw wrong();
}
