// Goal: the Nexus HTTP wire codecs match the Temporal server's: Payload <-> content mapping round-trips,
// Temporal Failure <-> Nexus Failure JSON (protojson details, HandlerError and OperationError forms),
// Nexus-Link values, Request-Timeout durations and the handler error status table.
// Setup: pure functions only; no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { long, temporal } from '../../src/common/proto';
import { contentToPayload, payloadToContent } from '../../src/nexus/http/payload-content';
import {
  nexusFailureToTemporal,
  operationErrorFailure,
  parseNexusFailure,
  temporalFailureToNexus,
  unwrapOperationError,
  FailureFormatError,
} from '../../src/nexus/http/nexus-failure';
import {
  decodeLinkHeaders,
  encodeLinkHeader,
  LinkHeaderError,
  parseNexusDuration,
} from '../../src/nexus/http/nexus-headers';
import { handlerErrorTypeOfStatus, statusOfHandlerError } from '../../src/nexus/http/handler-error-status';

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();

test('payloads map to content and back as the Temporal payload serializer does', () => {
  const json = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"a":1}') };
  assert.deepEqual(payloadToContent(json).header, { type: 'application/json' });
  assert.equal(text(contentToPayload(payloadToContent(json)).metadata?.['encoding']), 'json/plain');
  const proto = {
    metadata: { encoding: Buffer.from('binary/protobuf'), messageType: Buffer.from('foo.Bar') },
    data: Buffer.from([1, 2]),
  };
  const protoContent = payloadToContent(proto);
  assert.equal(protoContent.header['type'], 'application/x-protobuf; message-type="foo.Bar"');
  assert.equal(text(contentToPayload(protoContent).metadata?.['messageType']), 'foo.Bar');
  assert.deepEqual(payloadToContent(null), { header: {}, data: new Uint8Array(0) });
  assert.equal(text(contentToPayload({ header: {}, data: new Uint8Array(0) }).metadata?.['encoding']), 'binary/null');
  const odd = { metadata: { encoding: Buffer.from('json/plain'), extra: Buffer.from('x') }, data: Buffer.from('1') };
  const whole = payloadToContent(odd);
  assert.equal(whole.header['type'], 'application/x-temporal-payload');
  assert.equal(text(contentToPayload(whole).metadata?.['extra']), 'x');
  const unknown = contentToPayload({ header: { type: 'text/plain' }, data: Buffer.from('hi') });
  assert.equal(text(unknown.metadata?.['encoding']), 'unknown/nexus-content');
  assert.deepEqual(payloadToContent(unknown).header, { type: 'text/plain' });
});

test('a Temporal failure survives the Nexus Failure JSON', () => {
  const failure: temporal.api.failure.v1.IFailure = {
    message: 'out of stock',
    stackTrace: 'at x',
    applicationFailureInfo: {
      type: 'OutOfStock',
      nonRetryable: true,
      nextRetryDelay: { seconds: long(1), nanos: 500_000_000 },
    },
    cause: { message: 'inner', canceledFailureInfo: {} },
  };
  const nexus = temporalFailureToNexus(failure);
  assert.equal(nexus.metadata?.['type'], 'temporal.api.failure.v1.Failure');
  assert.deepEqual(nexus.details, {
    applicationFailureInfo: { type: 'OutOfStock', nonRetryable: true, nextRetryDelay: '1.500s' },
  });
  const back = nexusFailureToTemporal(parseNexusFailure(JSON.stringify(nexus)));
  assert.equal(back.message, 'out of stock');
  assert.equal(back.applicationFailureInfo?.type, 'OutOfStock');
  assert.equal(Number(back.applicationFailureInfo?.nextRetryDelay?.nanos), 500_000_000);
  assert.ok(back.cause?.canceledFailureInfo);
});

test('handler errors and operation errors convert as in the Temporal server', () => {
  const handler = temporalFailureToNexus({
    message: 'busy',
    nexusHandlerFailureInfo: { type: 'UNAVAILABLE', retryBehavior: 2 },
  });
  assert.deepEqual(handler, {
    message: 'busy',
    metadata: { type: 'nexus.HandlerError' },
    details: { type: 'UNAVAILABLE', retryableOverride: false },
  });
  assert.equal(nexusFailureToTemporal(handler).nexusHandlerFailureInfo?.retryBehavior, 2);
  const opError = nexusFailureToTemporal({
    message: 'nope',
    metadata: { type: 'nexus.OperationError' },
    details: { state: 'failed' },
  });
  assert.equal(opError.applicationFailureInfo?.type, 'OperationError');
  assert.equal(opError.applicationFailureInfo?.nonRetryable, true);
  const wrapper = operationErrorFailure('canceled', { message: 'cause' });
  assert.equal(unwrapOperationError(wrapper).message, 'cause');
  const other = nexusFailureToTemporal({ message: 'm', metadata: { type: 'custom' }, details: { x: 1 } });
  assert.equal(other.applicationFailureInfo?.type, 'NexusFailure');
  assert.throws(() => parseNexusFailure('[1]'), FailureFormatError);
  assert.throws(() => parseNexusFailure('{"metadata":{"a":1}}'), FailureFormatError);
});

test('Nexus-Link values encode and decode, repeated or comma-joined', () => {
  const link = {
    url: 'temporal:///namespaces/ns/workflows/w/r/history?eventID=1&eventType=WorkflowExecutionStarted',
    type: 'temporal.api.common.v1.Link.WorkflowEvent',
  };
  const header = encodeLinkHeader(link);
  assert.equal(header, `<${link.url}>; type="${link.type}"`);
  assert.deepEqual(decodeLinkHeaders([`${header}, ${header}`]), [link, link]);
  assert.throws(() => decodeLinkHeaders(['<http://x>']), LinkHeaderError);
  assert.throws(() => decodeLinkHeaders(['http://x; type="a"']), LinkHeaderError);
  assert.throws(() => encodeLinkHeader({ url: 'http://x', type: 'bad type' }), LinkHeaderError);
});

test('durations and the status table follow the spec', () => {
  assert.equal(parseNexusDuration('1500ms'), 1500);
  assert.equal(parseNexusDuration('1.5s'), 1500);
  assert.equal(parseNexusDuration('2m'), 120_000);
  assert.equal(parseNexusDuration('10'), undefined);
  assert.equal(parseNexusDuration('1h'), undefined);
  assert.equal(statusOfHandlerError('UPSTREAM_TIMEOUT'), 520);
  assert.equal(statusOfHandlerError('SOMETHING_ELSE'), 500);
  assert.equal(handlerErrorTypeOfStatus(429), 'RESOURCE_EXHAUSTED');
  assert.equal(handlerErrorTypeOfStatus(418), undefined);
});
