// What standalone runs (Nexus operations, engine/standalone-nexus.ts; activities,
// engine/standalone-activity.ts) check and build alike: lengths, run ids, the server's keyword
// search attributes, and the search attributes a client may see.
import type { temporal } from '../common/proto';
import { invalidArgument } from '../common/errors';

export const ID_LENGTH_MAX = 1000;
export const REASON_LENGTH_MAX = 1000;
/** The Temporal server's limit.blobSize.error. */
export const INPUT_SIZE_MAX_BYTES = 2 * 1024 * 1024;

export function checkLength(name: string, value: string, max: number): void {
  if (value.length > max) throw invalidArgument(`${name} exceeds length limit. Length=${value.length} Limit=${max}`);
}

/** An optional run id: empty (the latest run) or a UUID; `message` is the server's words for a bad one. */
export function validRunId(runId: string | null | undefined, message = 'run_id is not a valid UUID'): string {
  if (runId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId))
    throw invalidArgument(message);
  return runId ?? '';
}

export function keywordPayload(value: string): temporal.api.common.v1.IPayload {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') },
    data: Buffer.from(JSON.stringify(value)),
  };
}

/** One string as Payloads, as the default data converter writes it. */
export function stringPayloads(value: string): temporal.api.common.v1.IPayloads {
  return {
    payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) }],
  };
}

/** The search attributes a client set: the server's own (the division, `reserved`) left out. */
export function clientSearchAttributes(
  indexedFields: Record<string, temporal.api.common.v1.IPayload> | null | undefined,
  reserved: readonly string[] = [],
): temporal.api.common.v1.ISearchAttributes {
  const fields = { ...indexedFields };
  delete fields['TemporalNamespaceDivision'];
  for (const name of reserved) delete fields[name];
  return { indexedFields: fields };
}

/** A visibility row's decoded search attributes back as payloads, the server's own left out. */
export function rowSearchAttributes(
  searchAttributes: Readonly<Record<string, unknown>>,
  reserved: readonly string[] = [],
): temporal.api.common.v1.ISearchAttributes {
  const skipped = new Set(['TemporalNamespaceDivision', ...reserved]);
  return {
    indexedFields: Object.fromEntries(
      Object.entries(searchAttributes)
        .filter(([name]) => !skipped.has(name))
        .map(([name, value]) => [
          name,
          { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) },
        ]),
    ),
  };
}
