// Goal: what one cluster member sends another comes back as the value it was: a decoded protobuf message
// (its defaults included), 64-bit integers with their sign, bytes, and user keys that look like markers.
// Bad input (not JSON, too deep, a non-finite number) is refused with WireJsonError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWire, encodeWire, WireJsonError } from '../../src/common/wire-json';
import { Long, temporal } from '../../src/common/proto';

const HistoryEvent = temporal.api.history.v1.HistoryEvent;

test('messages, Longs, bytes and $-keys survive the trip', () => {
  const event = HistoryEvent.decode(
    HistoryEvent.encode({
      eventId: Long.fromNumber(7),
      workflowExecutionCompletedEventAttributes: {
        result: { payloads: [{ data: Buffer.from('"hi"'), metadata: { encoding: Buffer.from('json/plain') } }] },
      },
    }).finish(),
  );
  const back = decodeWire(
    encodeWire({
      event,
      memo: { $b: 'not bytes', $l: 3, $$x: true },
      big: Long.fromString('18446744073709551615', true),
    }),
  ) as { event: temporal.api.history.v1.IHistoryEvent; memo: Record<string, unknown>; big: Long };
  assert.deepEqual(
    Buffer.from(HistoryEvent.encode(back.event).finish()),
    Buffer.from(HistoryEvent.encode(event).finish()),
  );
  // Defaults a decoded message answers with are there: a reader sees eventTime's absence as null, taskId as 0.
  assert.equal(Long.isLong(back.event.taskId), true);
  assert.equal(Number(back.event.taskId), 0);
  assert.deepEqual(back.memo, { $b: 'not bytes', $l: 3, $$x: true });
  assert.equal(back.big.unsigned, true);
  assert.equal(back.big.toString(), '18446744073709551615');
});

test('bad input is refused', () => {
  assert.throws(() => decodeWire(Buffer.from('{nope')), WireJsonError);
  assert.throws(() => encodeWire({ atMs: Number.POSITIVE_INFINITY }), WireJsonError);
  let deep: unknown = 1;
  for (let depth = 0; depth < 250; depth += 1) deep = [deep];
  assert.throws(() => encodeWire(deep), WireJsonError);
  assert.throws(() => decodeWire(Buffer.from('['.repeat(250) + ']'.repeat(250))), WireJsonError);
});
