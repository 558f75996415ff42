// Goal: an error answer stays small whatever the request echoes into it (found by the fuzzer: a
// DescribeNamespace of a 70,000-character name answered with ~160 KB of trailers, which the answer never
// got through and which left the connection hung for every later call). Small errors keep their details.
// Setup: toGrpcError on ServiceErrors; no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_MESSAGE_LENGTH_MAX, toGrpcError } from '../../src/api/grpc-errors';
import { namespaceNotFound } from '../../src/common/errors';
import { google } from '../../src/common/proto';

function statusDetails(status: ReturnType<typeof toGrpcError>): google.rpc.Status {
  const raw = status.metadata?.get('grpc-status-details-bin')[0];
  assert.ok(raw instanceof Buffer);
  return google.rpc.Status.decode(raw);
}

test('an error about a huge name is cut to a bounded message, without its oversized details', () => {
  const status = toGrpcError(namespaceNotFound('x'.repeat(70_000)));
  assert.equal(status.code, 5);
  assert.ok((status.details ?? '').length < ERROR_MESSAGE_LENGTH_MAX + 100);
  assert.match(status.details ?? '', /^Namespace x+\.\.\. \(70024 characters in all\)$/);
  const details = statusDetails(status);
  assert.equal(details.details.length, 0);
  assert.ok(google.rpc.Status.encode(details).finish().length < 2 * ERROR_MESSAGE_LENGTH_MAX);
});

test('an ordinary error keeps its message and its details', () => {
  const status = toGrpcError(namespaceNotFound('orders'));
  assert.equal(status.details, 'Namespace orders is not found.');
  assert.equal(
    statusDetails(status).details[0]?.type_url,
    'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure',
  );
});
