// Goal: the Temporal HTTP API on --http-port, with its routes from the protos' google.api.http
// annotations: a workflow started over HTTP is seen by the TypeScript SDK and signalled, described,
// listed and counted over HTTP; a Nexus endpoint created over HTTP is listed by the SDK's operator client
// and deleted over HTTP; errors carry grpc-gateway's body (gRPC code, message, details such as
// NamespaceNotFoundFailure) and HTTP status; bad JSON is 400 and an unknown route 404, as are a bad percent-encoding in the path and a lone surrogate (400); a body past the limit is 429. Setup: one
// server; plain fetch for HTTP, the SDK's Connection for cross-checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

describe('the Temporal HTTP API', () => {
  let env: TestEnv;
  let base = '';
  before(async () => {
    env = await startTestEnv({ httpPort: 0 });
    base = `http://127.0.0.1:${env.server.httpPort}/api/v1`;
  });
  after(async () => {
    await env?.stop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  test('workflows: start, signal, describe, list and count', async () => {
    const workflowId = uniqueId('http');
    const taskQueue = uniqueId('tq');
    const started = await call('POST', `/namespaces/default/workflows/${workflowId}`, {
      workflowType: { name: 'waitForever' },
      taskQueue: { name: taskQueue },
      input: {
        payloads: [
          {
            metadata: { encoding: Buffer.from('json/plain').toString('base64') },
            data: Buffer.from('1').toString('base64'),
          },
        ],
      },
    });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    const runId = started.json['runId'];
    assert.equal(typeof runId, 'string');
    assert.equal((await env.client.workflow.getHandle(workflowId).describe()).runId, runId);

    const signalled = await call('POST', `/namespaces/default/workflows/${workflowId}/signal/poke`, {
      input: {
        payloads: [
          {
            metadata: { encoding: Buffer.from('json/plain').toString('base64') },
            data: Buffer.from('"x"').toString('base64'),
          },
        ],
      },
    });
    assert.equal(signalled.status, 200);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    assert.ok(history.events?.some((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'poke'));

    const described = await call('GET', `/namespaces/default/workflows/${workflowId}`);
    const info = described.json['workflowExecutionInfo'] as { status: string; type: { name: string } };
    assert.equal(info.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
    assert.equal(info.type.name, 'waitForever');
    const listed = await call(
      'GET',
      `/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId = '${workflowId}'`)}`,
    );
    assert.equal((listed.json['executions'] as unknown[]).length, 1);
    const counted = await call(
      'GET',
      `/namespaces/default/workflow-count?query=${encodeURIComponent(`TaskQueue = '${taskQueue}'`)}`,
    );
    assert.equal(counted.json['count'], '1');
  });

  test('Nexus endpoints: create, list through the SDK, delete', async () => {
    const name = uniqueId('http-ep');
    const created = await call('POST', '/nexus/endpoints', {
      spec: { name, target: { worker: { namespace: 'default', taskQueue: 'http-handlers' } } },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const endpoint = created.json['endpoint'] as { id: string; version: string };
    const listed = await env.connection.operatorService.listNexusEndpoints({ name });
    assert.equal(listed.endpoints?.[0]?.id, endpoint.id);
    const deleted = await call('DELETE', `/nexus/endpoints/${endpoint.id}?version=${endpoint.version}`);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
    assert.equal((await env.connection.operatorService.listNexusEndpoints({ name })).endpoints?.length ?? 0, 0);
  });

  test('errors: gRPC code, message and details with the HTTP status; bad JSON; unknown routes', async () => {
    const missing = await call('GET', '/namespaces/no-such-namespace/workflows/x');
    assert.equal(missing.status, 404);
    assert.equal(missing.json['code'], 5);
    assert.match(String(missing.json['message']), /no-such-namespace/);
    assert.deepEqual(missing.json['details'], [
      {
        '@type': 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure',
        namespace: 'no-such-namespace',
      },
    ]);
    const duplicate = uniqueId('dup');
    const start = { workflowType: { name: 'waitForever' }, taskQueue: { name: 'tq' } };
    assert.equal((await call('POST', `/namespaces/default/workflows/${duplicate}`, start)).status, 200);
    const again = await call('POST', `/namespaces/default/workflows/${duplicate}`, start);
    assert.equal(again.status, 409);
    assert.equal(again.json['code'], 6);
    const badJson = await call('POST', `/namespaces/default/workflows/${uniqueId()}`, '{not json');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.json['code'], 3);
    assert.equal((await call('GET', '/no/such/route')).status, 404);
  });

  // Found by the fuzzer (docs/fuzzing.md): both answered 500 with a JavaScript error's text.
  test('a path with invalid percent-encoding is 400; a request target no URL parser takes is 404', async () => {
    const escaped = await call('GET', '/namespaces/default/workflows/%zz');
    assert.equal(escaped.status, 400);
    assert.equal(escaped.json['code'], 3);
    assert.match(String(escaped.json['message']), /invalid URL escape in the path value "%zz"/);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(env.server.httpPort, '127.0.0.1', () =>
        socket.end('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 404 /);
  });

  // Found by the fuzzer: a lone surrogate was a 500 (the gRPC decoder refused the bytes), and the answer
  // to a body past the limit was lost (the connection was destroyed before it was written).
  test('a lone surrogate in a string is 400; a body past the limit is answered 429, then the connection closes', async () => {
    const surrogate = await call(
      'POST',
      `/namespaces/default/workflows/${uniqueId()}`,
      '{"workflowType":{"name":"\\ud800"}}',
    );
    assert.equal(surrogate.status, 400);
    assert.equal(surrogate.json['code'], 3);
    assert.match(String(surrogate.json['message']), /lone surrogates/);
    // A null among a map's scalar values names the field, not the decoder's exception.
    const nullBytes = await call('POST', `/namespaces/default/workflows/${uniqueId()}`, {
      workflowType: { name: 'w' },
      input: { payloads: [{ metadata: { encoding: null }, data: '' }] },
    });
    assert.equal(nullBytes.status, 400);
    assert.match(String(nullBytes.json['message']), /Payload\.metadata: invalid value for bytes type: null/);
    const huge = await fetch(`${base}/namespaces/default/workflows/${uniqueId()}`, {
      method: 'POST',
      body: Buffer.alloc(17 * 1024 * 1024, 0x20),
    });
    assert.equal(huge.status, 429);
    assert.match(String(((await huge.json()) as Record<string, unknown>)['message']), /larger than 16777216 bytes/);
  });
});
