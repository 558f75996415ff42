// Goal: an error message cut to its bound in the middle of a surrogate pair is answered (U+FFFD in place
// of the half) and the server goes on serving. Found by the fuzzer: grpc-js percent-encodes the status
// message with encodeURI, which threw on the lone half outside any handler and ended the process.
// Setup: one server; raw gRPC bytes (the SDK refuses such a namespace in its metadata): DescribeNamespace
// of a name whose emoji straddles character 1,024 of "Namespace <name> is not found.".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, type TestEnv } from '../helpers/test-env';
import { grpcFrame, RawGrpcClient } from '../fuzz/grpc-raw-client';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env?.stop();
});

test('an error message cut inside a surrogate pair is answered with U+FFFD, and the server stays up', async () => {
  const client = new RawGrpcClient(env.server.address);
  try {
    const name = Buffer.from(`${'x'.repeat(1013)}\u{1F600}y`);
    const path = '/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace';
    const answer = await client.call({
      path,
      // Field 1, length-delimited; the length as a two-byte varint.
      body: grpcFrame(Buffer.concat([Buffer.from([0x0a, (name.length & 0x7f) | 0x80, name.length >> 7]), name])),
      answerTimeoutMs: 5000,
    });
    assert.equal(answer.kind, 'status');
    assert.equal(answer.kind === 'status' && answer.code, 5);
    assert.match(
      answer.kind === 'status' ? answer.message : '',
      /^Namespace x+\uFFFD\.\.\. \(1040 characters in all\)$/,
    );
    const described = await env.connection.workflowService.describeNamespace({ namespace: 'default' });
    assert.equal(described.namespaceInfo?.name, 'default');
  } finally {
    client.close();
  }
});
