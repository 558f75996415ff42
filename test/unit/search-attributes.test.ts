// Goal: search attribute payloads decode to the values visibility stores, whether the SDK sent them typed
// (payload metadata 'type') or untyped (single-item JSON arrays), and outgoing payloads carry their
// registered type. Setup: pure functions; no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSearchAttributes, withSearchAttributeTypes } from '../../src/engine/search-attributes';

function payload(value: unknown, type?: string): { metadata: Record<string, Uint8Array>; data: Uint8Array } {
  return {
    metadata: { encoding: Buffer.from('json/plain'), ...(type ? { type: Buffer.from(type) } : {}) },
    data: Buffer.from(JSON.stringify(value)),
  };
}

const TYPES = { Color: 'Keyword', Size: 'Int', Due: 'Datetime', Tags: 'KeywordList' };

test('untyped single-item arrays unwrap for single-valued types, using the registered type', () => {
  const decoded = decodeSearchAttributes(
    {
      indexedFields: {
        Color: payload(['blue']),
        Size: payload([3]),
        Due: payload(['2030-01-02T03:04:05Z']),
        Tags: payload(['a']),
      },
    },
    TYPES,
  );
  assert.deepEqual(decoded, { Color: 'blue', Size: 3, Due: Date.UTC(2030, 0, 2, 3, 4, 5), Tags: ['a'] });
});

test('the payload metadata type wins over the registered type', () => {
  const decoded = decodeSearchAttributes(
    { indexedFields: { Color: payload(['x', 'y'], 'KeywordList'), Due: payload('2030-01-02T03:04:05Z', 'Datetime') } },
    {},
  );
  assert.deepEqual(decoded, { Color: ['x', 'y'], Due: Date.UTC(2030, 0, 2, 3, 4, 5) });
});

test('typed scalars stay scalars; a scalar KeywordList becomes a list; null and [] decode to null', () => {
  const decoded = decodeSearchAttributes(
    {
      indexedFields: {
        Color: payload('red', 'Keyword'),
        Tags: payload('solo'),
        Size: payload([]),
        Due: payload(null, 'Datetime'),
      },
    },
    TYPES,
  );
  assert.deepEqual(decoded, { Color: 'red', Tags: ['solo'], Size: null, Due: null });
});

test('withSearchAttributeTypes adds the registered type only where the payload has none', () => {
  const typed = withSearchAttributeTypes(
    { indexedFields: { Color: payload(['blue']), Size: payload(3, 'Double'), Unknown: payload(['u']) } },
    TYPES,
  );
  const typeOf = (name: string): string | undefined => {
    const bytes = typed?.indexedFields?.[name]?.metadata?.['type'];
    return bytes ? Buffer.from(bytes).toString() : undefined;
  };
  assert.equal(typeOf('Color'), 'Keyword');
  assert.equal(typeOf('Size'), 'Double');
  assert.equal(typeOf('Unknown'), undefined);
});
