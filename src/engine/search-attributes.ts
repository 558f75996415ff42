// Search attributes as visibility stores them: payloads decoded to JSON values (Datetime as epoch ms).
// The SDKs' untyped search attributes send every value as a JSON array without a 'type' in the payload
// metadata; like the real server (which applies the namespace's type map), a single-item array of a
// non-list type is stored as its one value, so that `CustomKeyword = 'x'` matches.
import { type SearchAttributes, temporal, decodeBase64, encodeBase64 } from '../common/proto';
import type { Workflow } from './workflow';

const KEYWORD_LIST = 'KeywordList';
const DATETIME = 'Datetime';

/**
 * `types` maps registered search attribute names to their type names ('Keyword', 'KeywordList', ...); the
 * payload metadata 'type' wins when present. A null or empty value decodes to null (the attribute is unset).
 */
export function decodeSearchAttributes(
  attributes: SearchAttributes | null | undefined,
  types: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(attributes?.indexedFields ?? {})) {
    if (!payload?.data || payload.data.length === 0) continue;
    const text = Buffer.from(payload.data).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    const metadataType = payload.metadata?.['type'] ? Buffer.from(payload.metadata['type']).toString('utf8') : '';
    result[name] = normalizeValue(value, metadataType || types[name] || '');
  }
  return result;
}

function normalizeValue(value: unknown, type: string): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (type === KEYWORD_LIST) return value;
    const items = type === DATETIME ? value.map(datetimeMs) : value;
    // An array of several values for a single-valued type is kept as sent; queries will not match it.
    return items.length === 1 ? items[0] : items;
  }
  if (value === null) return null;
  if (type === KEYWORD_LIST) return [value];
  return type === DATETIME ? datetimeMs(value) : value;
}

function datetimeMs(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : ms;
}

/**
 * A copy of `attributes` where every payload without a 'type' in its metadata gets the type its name is
 * registered with, as the real server's searchattribute.ApplyTypeMap does before it returns search
 * attributes; the SDKs' typed search attributes read only payloads that carry a type.
 */
export function withSearchAttributeTypes(
  attributes: SearchAttributes | null | undefined,
  types: Readonly<Record<string, string>>,
): SearchAttributes | null | undefined {
  const fields = attributes?.indexedFields;
  if (!fields) return attributes;
  const typed: NonNullable<SearchAttributes['indexedFields']> = {};
  for (const [name, payload] of Object.entries(fields)) {
    const type = types[name];
    const hasType = Boolean(payload.metadata?.['type']?.length);
    typed[name] =
      hasType || !type ? payload : { ...payload, metadata: { ...payload.metadata, type: Buffer.from(type) } };
  }
  return { ...attributes, indexedFields: typed };
}

/** Upserts search attributes of a run: its visibility row's values and the payloads describe returns. */
export function upsertSearchAttributes(
  workflow: Workflow,
  attributes: temporal.api.common.v1.ISearchAttributes,
  types: Readonly<Record<string, string>>,
): void {
  const merged = { ...workflow.visibility.searchAttributes, ...decodeSearchAttributes(attributes, types) };
  const previous = workflow.state.searchAttributes
    ? (decodeBase64<temporal.api.common.v1.ISearchAttributes>(
        'temporal.api.common.v1.SearchAttributes',
        workflow.state.searchAttributes,
      ).indexedFields ?? {})
    : {};
  const fields = { ...previous, ...(attributes.indexedFields ?? {}) };
  // An empty, null or [] value removes the attribute, as on the real server.
  for (const [name, payload] of Object.entries(attributes.indexedFields ?? {})) {
    if (!payload?.data || payload.data.length === 0 || merged[name] === null) {
      delete merged[name];
      delete fields[name];
    }
  }
  workflow.visibility.searchAttributes = merged;
  workflow.state.searchAttributes = encodeBase64('temporal.api.common.v1.SearchAttributes', { indexedFields: fields });
}

/**
 * The BuildIds search attribute after a workflow task completed, as the Temporal server keeps it for
 * workers that do not use versioning: "unversioned" first, then each build id that completed a task,
 * once ("unversioned:<build id>", or "versioned:<build id>" for a stamp that uses versioning).
 */
export function recordBuildId(
  workflow: Workflow,
  stamp: temporal.api.common.v1.IWorkerVersionStamp | null | undefined,
): void {
  const existing = workflow.visibility.searchAttributes['BuildIds'];
  const values = Array.isArray(existing) ? existing.filter((v): v is string => typeof v === 'string') : [];
  const buildId = stamp?.buildId
    ? `${stamp.useVersioning ? 'versioned' : 'unversioned'}:${stamp.buildId}`
    : 'unversioned';
  const next = [
    ...(stamp?.useVersioning ? [] : ['unversioned']),
    ...values.filter((v) => v !== 'unversioned' && !v.startsWith('assigned:') && !v.startsWith('pinned:')),
  ];
  if (!next.includes(buildId)) next.push(buildId);
  if (next.length === values.length && next.every((v, i) => v === values[i])) return;
  upsertSearchAttributes(
    workflow,
    {
      indexedFields: {
        BuildIds: {
          metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(KEYWORD_LIST) },
          data: Buffer.from(JSON.stringify(next)),
        },
      },
    },
    { BuildIds: KEYWORD_LIST },
  );
  workflow.touchCore();
}

/** The search attributes a run passes to the run that continues it: the client's, not the server's BuildIds. */
export function carriedSearchAttributes(encoded: string | null): SearchAttributes | null {
  if (!encoded) return null;
  const fields = {
    ...decodeBase64<SearchAttributes>('temporal.api.common.v1.SearchAttributes', encoded).indexedFields,
  };
  delete fields['BuildIds'];
  return Object.keys(fields).length > 0 ? { indexedFields: fields } : null;
}
