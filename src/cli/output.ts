// How commands print: `--output text` (aligned cards and tables for people, like the `temporal` CLI),
// `json` (indented), `jsonl` (one compact JSON value per line) or `none`. Results go to stdout; errors
// and warnings go to stderr from main.ts.
import type { google } from '@temporalio/proto';
import { parseChoiceFlag } from './flags';
import { numberFromLong } from './number-from-long';
import type { JsonValue } from '../common/proto-json';

export const OutputFormat = { Text: 'text', Json: 'json', Jsonl: 'jsonl', None: 'none' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

export function parseOutputFormat(text: string | undefined): OutputFormat {
  return text === undefined ? OutputFormat.Text : parseChoiceFlag('output', text, Object.values(OutputFormat));
}

export function isJsonOutput(format: OutputFormat): boolean {
  return format === OutputFormat.Json || format === OutputFormat.Jsonl;
}

export function writeLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** One row of a card: a label and its value; rows with an undefined value are left out. */
export type CardRow = readonly [label: string, value: string | undefined];

/** Labels and values in two aligned columns, indented by two spaces. */
export function printCard(rows: readonly CardRow[]): void {
  const shown = rows.filter((row): row is readonly [string, string] => row[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length)) + 2;
  for (const [label, value] of shown) {
    const lines = value.split('\n');
    writeLine(`  ${label.padEnd(width)}${lines[0] ?? ''}`.trimEnd());
    for (const line of lines.slice(1)) writeLine(`  ${' '.repeat(width)}${line}`);
  }
}

/** Columns aligned to their widest cell; the header row is optional for later pages of a list. */
export function printTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { readonly hasHeader: boolean } = { hasHeader: true },
): void {
  const all = options.hasHeader ? [headers, ...rows] : rows;
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const row of all) {
    const cells = headers.map((_, column) => {
      const cell = row[column] ?? '';
      return column === headers.length - 1 ? cell : cell.padEnd(widths[column] ?? 0);
    });
    writeLine(`  ${cells.join('  ')}`.trimEnd());
  }
}

/** Prints one JSON document in the chosen format; `text` callers should not get here. */
export function printJson(value: JsonValue, format: OutputFormat): void {
  if (format === OutputFormat.None) return;
  writeLine(format === OutputFormat.Jsonl ? JSON.stringify(value) : JSON.stringify(value, null, 2));
}

/** Prints a list: one array for `json`, one line per item for `jsonl`. */
export function printJsonList(items: readonly JsonValue[], format: OutputFormat): void {
  if (format === OutputFormat.Jsonl) {
    for (const item of items) writeLine(JSON.stringify(item));
    return;
  }
  printJson([...items], format);
}

/** An enum name without its prefix, in PascalCase, as the Go CLI prints it: "Running". */
export function enumDisplayName(name: string | undefined, prefix: string): string {
  if (name === undefined) return '';
  const bare = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  return bare
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** A timestamp for text output, RFC 3339 to the second like the Go CLI's history table; unset is undefined. */
export function formatTime(timestamp: google.protobuf.ITimestamp | null | undefined): string | undefined {
  const seconds = numberFromLong(timestamp?.seconds);
  if (timestamp == null || (seconds === 0 && !timestamp.nanos)) return undefined;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
