// Goal: a request whose bytes are not a valid message of its type (found by the fuzzer: grpc-js answered
// a bare INTERNAL "Error deserializing request") is answered INTERNAL with what was wrong, in grpc-go's
// words, and never reaches the handler.
// Setup: buildService for WorkflowService with one handler; its deserializer and implementation called
// as grpc-js would call them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { buildService, UndecodableRequest } from '../../src/api/grpc-service';
import { createLogger } from '../../src/common/logger';

test('undecodable request bytes are answered INTERNAL with the decoder reason, before the handler', async () => {
  let handled = 0;
  const { definition, implementation } = buildService(
    'temporal.api.workflowservice.v1.WorkflowService',
    {
      DescribeNamespace: () => {
        handled += 1;
        return {};
      },
    },
    createLogger('never', 'json'),
  );
  const method = definition['DescribeNamespace'] as grpc.MethodDefinition<object, object>;
  // Field 1 (namespace), length-delimited, claiming 16 bytes where there are none.
  const request = method.requestDeserialize(Buffer.from([0x0a, 0x10]));
  assert.ok(request instanceof UndecodableRequest);
  const answer = await new Promise<Partial<grpc.StatusObject> | null>((resolve) => {
    const call = { request, metadata: new grpc.Metadata(), getDeadline: () => Infinity, on: () => call };
    const handler = implementation['DescribeNamespace'] as (
      call: unknown,
      callback: (error: Partial<grpc.StatusObject> | null) => void,
    ) => void;
    handler(call, resolve);
  });
  assert.equal(answer?.code, grpc.status.INTERNAL);
  assert.match(answer?.details ?? '', /^grpc: error unmarshalling request: index out of range/);
  assert.match(answer?.details ?? '', /temporal\.api\.workflowservice\.v1\.DescribeNamespaceRequest/);
  assert.equal(handled, 0);
  const valid = method.requestDeserialize(Buffer.from([0x0a, 0x01, 0x61]));
  assert.deepEqual({ ...valid }, { namespace: 'a' });
});
