// Payloads in and out of the CLI. Input is JSON text sent as-is with encoding json/plain (the bytes the
// user typed, not re-serialized), unless --input-meta says otherwise; output decodes json/plain back to a
// JSON value for text and result display.
import { readFileSync } from 'node:fs';
import type { temporal } from '@temporalio/proto';
import { FlagKind, UsageError, splitKeyValue, type FlagDefinition, type ParsedFlags } from './flags';
import { toProtoJson, type JsonValue } from '../common/proto-json';

type Payload = temporal.api.common.v1.IPayload;
type Payloads = temporal.api.common.v1.IPayloads;

const JSON_ENCODING = 'json/plain';

export const payloadInputFlags: readonly FlagDefinition[] = [
  {
    name: 'input',
    short: 'i',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'json',
    description: 'Input value, as JSON. Each occurrence is one argument. Cannot be combined with --input-file.',
  },
  {
    name: 'input-file',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'path',
    description: 'File holding one input value, as JSON. Each occurrence is one argument.',
  },
  {
    name: 'input-meta',
    kind: FlagKind.String,
    isRepeatable: true,
    valueName: 'key=value',
    description:
      'Input payload metadata. "encoding" overrides the default json/plain. A key given once applies to every input; a key given several times applies its n-th value to the n-th input.',
  },
  { name: 'input-base64', kind: FlagKind.Boolean, description: 'Inputs are base64; decode them before sending.' },
];

/** The payloads described by --input/--input-file/--input-meta/--input-base64, or undefined for none. */
export function payloadsFromFlags(flags: ParsedFlags): Payloads | undefined {
  const inputs = flags.strings('input');
  const files = flags.strings('input-file');
  if (inputs.length > 0 && files.length > 0) throw new UsageError('cannot combine --input and --input-file');
  const texts: Buffer[] = [
    ...inputs.map((input) => Buffer.from(input, 'utf8')),
    ...files.map((path) => readInputFile(path)),
  ];
  if (texts.length === 0) return undefined;
  const metadataByKey = new Map<string, string[]>();
  for (const entry of flags.strings('input-meta')) {
    const [key, value] = splitKeyValue('input-meta', entry);
    metadataByKey.set(key, [...(metadataByKey.get(key) ?? []), value]);
  }
  const payloads = texts.map((raw, position) => {
    const data = flags.boolean('input-base64') ? Buffer.from(raw.toString('utf8'), 'base64') : raw;
    const metadata: Record<string, Uint8Array> = { encoding: Buffer.from(JSON_ENCODING) };
    for (const [key, values] of metadataByKey) {
      const value = values.length === 1 ? values[0] : values[position];
      if (value !== undefined) metadata[key] = Buffer.from(value);
    }
    if (Buffer.from(metadata['encoding'] ?? []).toString() === JSON_ENCODING) {
      assertJson(data.toString('utf8'), `input ${position + 1}`);
    }
    return { metadata, data };
  });
  return { payloads };
}

function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read --input-file ${path}: ${(error as Error).message}`);
  }
}

function assertJson(text: string, what: string): void {
  try {
    JSON.parse(text);
  } catch {
    throw new UsageError(`${what} is not valid JSON: ${text}`);
  }
}

/** A json/plain payload holding the given JSON text, which is checked first. */
export function jsonPayload(text: string, what: string): Payload {
  assertJson(text, what);
  return { metadata: { encoding: Buffer.from(JSON_ENCODING) }, data: Buffer.from(text, 'utf8') };
}

/** `key=json` flag values (memo, search attributes, headers) as a map of json/plain payloads. */
export function jsonPayloadMap(flagName: string, entries: readonly string[]): Record<string, Payload> | undefined {
  if (entries.length === 0) return undefined;
  const fields: Record<string, Payload> = {};
  for (const entry of entries) {
    const [key, value] = splitKeyValue(flagName, entry);
    fields[key] = jsonPayload(value, `--${flagName} ${key}`);
  }
  return fields;
}

/** A payload as a JSON value for display: json/plain decoded, binary/null as null, others as raw proto JSON. */
export function payloadToValue(payload: Payload): JsonValue {
  const encoding = Buffer.from(payload.metadata?.['encoding'] ?? []).toString('utf8');
  const data = Buffer.from(payload.data ?? []);
  if (encoding === 'binary/null') return null;
  if (encoding === JSON_ENCODING || encoding === 'json/protobuf') {
    try {
      return JSON.parse(data.toString('utf8')) as JsonValue;
    } catch {
      // Not JSON after all: fall through to the raw form.
    }
  }
  return toProtoJson('temporal.api.common.v1.Payload', payload);
}

/** Several payloads as one value: a single payload by itself, more as an array, none as undefined. */
export function payloadsToValue(payloads: Payloads | null | undefined): JsonValue | undefined {
  const list = payloads?.payloads ?? [];
  if (list.length === 0) return undefined;
  if (list.length === 1 && list[0] !== undefined) return payloadToValue(list[0]);
  return list.map((payload) => payloadToValue(payload));
}

/** The encoding metadata of the first payload, e.g. "json/plain". */
export function firstPayloadEncoding(payloads: Payloads | null | undefined): string | undefined {
  const encoding = payloads?.payloads?.[0]?.metadata?.['encoding'];
  return encoding == null ? undefined : Buffer.from(encoding).toString('utf8');
}
