// Goal: the blob size check never lets a payload past the limit: without encoding it answers an upper
// bound of the encoded size, and the exact size once that bound reaches the limit. Setup: none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { temporal } from '../../src/common/proto';
import { payloadsSize } from '../../src/engine/blob-size';

function payloads(sizes: readonly number[], metadata: Record<string, string>): temporal.api.common.v1.IPayloads {
  return {
    payloads: sizes.map((size) => ({
      metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v)])),
      data: Buffer.alloc(size, 7),
    })),
  };
}

test('a payload set is never measured below its encoded size; near the limit it is measured exactly', () => {
  const cases = [
    payloads([0], {}),
    payloads([1, 127, 128, 16_383, 16_384], { encoding: 'json/plain' }),
    payloads([300_000, 5], { encoding: 'binary/protobuf', messageType: 'a.b.C' }),
  ];
  for (const set of cases) {
    const exact = temporal.api.common.v1.Payloads.encode(set).finish().length;
    assert.ok(payloadsSize(set) >= exact, `bound ${payloadsSize(set)} below the size ${exact}`);
    assert.equal(payloadsSize(set, exact - 1), exact, 'at the limit the size is exact');
  }
  assert.equal(payloadsSize(undefined), 0);
});
