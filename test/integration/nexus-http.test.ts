// Goal: Nexus over HTTP interoperates with peers that are not Temporal SDKs. (a) A Nexus HTTP client
// written here from the spec starts, cancels and receives completions of operations on a Causeway
// endpoint whose handler is the official TypeScript SDK worker: 200 sync results, 201 async starts whose
// completion is POSTed to a callback server run by the test (retried after a 503), 202 cancels, 424
// operation errors, handler errors with their status and Failure JSON, and the 4xx/520 answers to bad
// requests. (b) A Nexus HTTP handler written here is the target of an external endpoint called from
// caller workflows: sync results, async starts completed through Causeway's callback route, retries of
// a 503, operation and handler errors, and the circuit breaker.
// Setup: one server (caller-ns, handler-ns) with short Nexus and callback retry intervals and a breaker
// that trips after 2 consecutive failures; an endpoint per test; node:http servers on 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { startNexusEnv, endpointName, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';
import { temporal } from '@temporalio/proto';

const CallbackState = temporal.api.enums.v1.CallbackState;

const SERVICE = 'my-service';
const WORKFLOW_EVENT_LINK = 'temporal.api.common.v1.Link.WorkflowEvent';

interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

/** A minimal Nexus HTTP client, from the spec: start and cancel. */
async function post(url: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
  const response = await fetch(url, { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

function startOperation(
  base: string,
  operation: string,
  input: unknown,
  options: { callback?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const query = options.callback ? `?callback=${encodeURIComponent(options.callback)}` : '';
  return post(
    `${base}/${encodeURIComponent(SERVICE)}/${encodeURIComponent(operation)}${query}`,
    {
      'content-type': 'application/json',
      'nexus-request-id': randomUUID(),
      'request-timeout': '5000ms',
      ...options.headers,
    },
    JSON.stringify(input),
  );
}

function cancelOperation(base: string, operation: string, token: string): Promise<HttpAnswer> {
  return post(`${base}/${encodeURIComponent(SERVICE)}/${encodeURIComponent(operation)}/cancel`, {
    'nexus-operation-token': token,
    'request-timeout': '5000ms',
  });
}

interface Recorded {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 that records every request and answers with `respond`. */
interface TestAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

async function startTestServer(
  respond: (request: Recorded, index: number) => Promise<TestAnswer> | TestAnswer,
): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(recorded);
      void Promise.resolve(respond(recorded, requests.length - 1)).then(
        (answer) => {
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sends a completion to the callback a start request carried, as a Nexus handler does. */
function complete(
  start: Recorded,
  state: 'succeeded' | 'failed' | 'canceled',
  token: string,
  body: string,
): Promise<HttpAnswer> {
  const callback = new URL(start.url, 'http://x').searchParams.get('callback') ?? '';
  const headers: Record<string, string> = {
    'nexus-operation-state': state,
    'nexus-operation-token': token,
    'content-type': 'application/json',
    'nexus-operation-start-time': new Date().toUTCString(),
  };
  for (const [key, value] of Object.entries(start.headers)) {
    if (key.startsWith('nexus-callback-') && typeof value === 'string')
      headers[key.slice('nexus-callback-'.length)] = value;
  }
  return post(callback, headers, body);
}

describe('Nexus over HTTP', () => {
  let env: NexusEnv;
  before(async () => {
    env = await startNexusEnv({
      dynamicConfig: {
        'component.nexusoperations.retryPolicy.initialInterval': '100ms',
        'callback.retryPolicy.initialInterval': '100ms',
        'causeway.nexus.circuitBreaker.failuresToTrip': 2,
      },
    });
  });
  after(async () => {
    await env?.stop();
  });

  const httpBase = (): string => `http://127.0.0.1:${env.server.httpPort}`;

  async function workerEndpoint(): Promise<{ id: string; name: string; handlerTaskQueue: string; base: string }> {
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const name = endpointName('http');
    const id = await env.createEndpoint(name, env.handlerNamespace, handlerTaskQueue);
    return { id, name, handlerTaskQueue, base: `${httpBase()}/nexus/endpoints/${id}/services` };
  }

  function describeHandler(
    workflowId: string,
  ): Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse> {
    return env.connection.workflowService.describeWorkflowExecution({
      namespace: env.handlerNamespace,
      execution: { workflowId },
    });
  }

  async function externalEndpoint(url: string): Promise<string> {
    const name = endpointName('ext');
    await env.connection.operatorService.createNexusEndpoint({ spec: { name, target: { external: { url } } } });
    return name;
  }

  describe('(a) a Nexus HTTP client calls a Causeway endpoint served by the TypeScript SDK', () => {
    test('sync, async with a completion callback (retried after a 503), and the task-queue route', async () => {
      const { base, handlerTaskQueue } = await workerEndpoint();
      const callbacks = await startTestServer((_request, index) => ({ status: index === 0 ? 503 : 200 }));
      try {
        await env.withWorkers(handlerTaskQueue, async () => {
          const sync = await startOperation(base, 'echo', { message: 'over http' });
          assert.equal(sync.status, 200);
          assert.match(sync.headers.get('content-type') ?? '', /^application\/json/);
          assert.deepEqual(sync.json(), { message: 'over http' });

          const byQueue = await startOperation(
            `${httpBase()}/namespaces/${env.handlerNamespace}/task-queues/${handlerTaskQueue}/nexus-services`,
            'echo',
            { message: 'by queue' },
          );
          assert.deepEqual([byQueue.status, byQueue.json()], [200, { message: 'by queue' }]);

          const orderId = `order-${randomUUID()}`;
          const started = await startOperation(
            base,
            'processOrder',
            { orderId, items: ['a', 'b'] },
            {
              callback: `${callbacks.url}/complete?op=1`,
              headers: { 'nexus-callback-test-header': 'kept' },
            },
          );
          assert.equal(started.status, 201, started.text);
          const info = started.json() as { token: string; state: string };
          assert.equal(info.state, 'running');
          assert.ok(info.token);
          assert.match(
            started.headers.get('nexus-link') ?? '',
            new RegExp(
              `^<temporal:///namespaces/${env.handlerNamespace}/workflows/${orderId}/.*>; type="${WORKFLOW_EVENT_LINK}"$`,
            ),
          );

          await eventually(() => callbacks.requests.length >= 2, { timeoutMs: 10_000 });
          const [first, second] = callbacks.requests;
          assert.ok(first && second);
          assert.equal(second.url, '/complete?op=1');
          assert.equal(second.body, first.body, 'the retry sends the same completion');
          assert.equal(second.headers['nexus-operation-state'], 'succeeded');
          assert.equal(second.headers['nexus-operation-token'], info.token);
          assert.equal(second.headers['test-header'], 'kept', 'Nexus-Callback-* headers come back without the prefix');
          assert.match(second.headers['content-type'] ?? '', /^application\/json/);
          assert.deepEqual(JSON.parse(second.body), { status: `processed ${orderId} with 2 items` });
          assert.ok(
            !Number.isNaN(Date.parse(String(second.headers['nexus-operation-start-time']))),
            'start time is an HTTP date',
          );
          assert.match(
            String(second.headers['nexus-operation-close-time']),
            /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
          );
          assert.match(
            String(second.headers['nexus-link']),
            new RegExp(`workflows/${orderId}/.*eventType=WorkflowExecutionStarted`),
          );
          const callback = await eventually(async () => {
            const found = (await describeHandler(orderId)).callbacks?.[0];
            return found?.state === CallbackState.CALLBACK_STATE_SUCCEEDED ? found : undefined;
          });
          assert.equal(callback.attempt, 2, 'the 503 and the delivery');
          assert.ok(callback.lastAttemptCompleteTime);
          assert.equal(callback.lastAttemptFailure, null);
        });
      } finally {
        await callbacks.close();
      }
    });

    test('a callback that keeps failing backs off; one refused for good fails (describe shows each)', async () => {
      const { base, handlerTaskQueue } = await workerEndpoint();
      const unavailable = await startTestServer(() => ({ status: 503 }));
      const refusing = await startTestServer(() => ({ status: 400 }));
      try {
        await env.withWorkers(handlerTaskQueue, async () => {
          const retried = `order-${randomUUID()}`;
          const refused = `order-${randomUUID()}`;
          for (const [orderId, url] of [
            [retried, unavailable.url],
            [refused, refusing.url],
          ] as const) {
            const started = await startOperation(
              base,
              'processOrder',
              { orderId, items: ['a'] },
              { callback: `${url}/cb` },
            );
            assert.equal(started.status, 201, started.text);
          }
          const backingOff = await eventually(async () => {
            const found = (await describeHandler(retried)).callbacks?.[0];
            return found?.state === CallbackState.CALLBACK_STATE_BACKING_OFF && (found.attempt ?? 0) >= 2
              ? found
              : undefined;
          });
          assert.ok(backingOff.nextAttemptScheduleTime, 'says when it tries again');
          assert.ok(backingOff.lastAttemptFailure?.message, 'and why the last attempt failed');
          const failed = await eventually(async () => {
            const found = (await describeHandler(refused)).callbacks?.[0];
            return found?.state === CallbackState.CALLBACK_STATE_FAILED ? found : undefined;
          });
          assert.equal(failed.attempt, 1);
          assert.equal(refusing.requests.length, 1, 'a non-retryable refusal is not retried');
        });
      } finally {
        await unavailable.close();
        await refusing.close();
      }
    });

    test('cancel of an async operation: 202, the handler workflow is canceled, the callback says canceled', async () => {
      const { base, handlerTaskQueue } = await workerEndpoint();
      const callbacks = await startTestServer(() => ({ status: 200 }));
      try {
        await env.withWorkers(handlerTaskQueue, async () => {
          const workflowId = `wfc-${randomUUID()}`;
          const started = await startOperation(base, 'waitForCancel', workflowId, { callback: `${callbacks.url}/cb` });
          assert.equal(started.status, 201, started.text);
          const { token } = started.json() as { token: string };
          const missing = await post(`${base}/${SERVICE}/waitForCancel/cancel`, {});
          assert.equal(missing.status, 400, 'a cancel without a token is a bad request');
          const canceled = await cancelOperation(base, 'waitForCancel', token);
          assert.equal(canceled.status, 202, canceled.text);
          assert.equal(canceled.text, '');
          await eventually(
            async () => (await env.handler.workflow.getHandle(workflowId).describe()).status.name === 'CANCELLED',
          );
          await eventually(() => callbacks.requests.length === 1);
          const callback = callbacks.requests[0];
          assert.equal(callback?.headers['nexus-operation-state'], 'canceled');
          const failure = JSON.parse(callback?.body ?? '{}') as {
            metadata?: Record<string, string>;
            details?: Record<string, unknown>;
          };
          assert.equal(failure.metadata?.['type'], 'temporal.api.failure.v1.Failure');
          assert.ok(failure.details?.['canceledFailureInfo'], 'the Failure carries the CanceledFailureInfo');
        });
      } finally {
        await callbacks.close();
      }
    });

    test('operation error -> 424 with the Failure; handler errors -> their status', async () => {
      const { base, handlerTaskQueue } = await workerEndpoint();
      await env.withWorkers(handlerTaskQueue, async () => {
        const plain = await startOperation(base, 'failOperation', 'out of stock');
        assert.equal(plain.status, 424);
        assert.equal(plain.headers.get('nexus-operation-state'), 'failed');
        const cause = plain.json() as {
          message: string;
          metadata: Record<string, string>;
          details: { applicationFailureInfo?: unknown };
        };
        assert.equal(cause.message, 'out of stock');
        assert.equal(cause.metadata['type'], 'temporal.api.failure.v1.Failure', 'older clients get the cause only');
        assert.ok(cause.details.applicationFailureInfo);

        const wrapped = await startOperation(base, 'failOperation', 'out of stock', {
          headers: { 'temporal-nexus-failure-support': 'true' },
        });
        assert.equal(wrapped.status, 424);
        const opError = wrapped.json() as {
          metadata: Record<string, string>;
          details: { state: string };
          cause: { message: string };
        };
        assert.equal(opError.metadata['type'], 'nexus.OperationError');
        assert.equal(opError.details.state, 'failed');
        assert.equal(opError.cause.message, 'out of stock');

        const bad = await startOperation(
          base,
          'failHandler',
          { type: 'BAD_REQUEST', message: 'bad input' },
          { headers: { 'temporal-nexus-failure-support': 'true' } },
        );
        assert.equal(bad.status, 400, bad.text);
        assert.equal(bad.headers.get('temporal-nexus-failure-source'), 'worker');
        const handlerError = bad.json() as {
          message: string;
          metadata: Record<string, string>;
          details: { type: string };
        };
        assert.equal(handlerError.metadata['type'], 'nexus.HandlerError');
        assert.equal(handlerError.details.type, 'BAD_REQUEST');
        assert.equal(handlerError.message, 'bad input');

        const unavailable = await startOperation(
          base,
          'failHandler',
          { type: 'UNAVAILABLE', message: 'later' },
          { headers: { 'temporal-nexus-failure-support': 'true' } },
        );
        assert.equal(unavailable.status, 503);
        assert.equal((unavailable.json() as { details: { type: string } }).details.type, 'UNAVAILABLE');
      });
    });

    test('bad requests get the 4xx the protocol gives, a silent handler 520, and nothing crashes', async () => {
      const { base, id } = await workerEndpoint();
      const unknown = await startOperation(`${httpBase()}/nexus/endpoints/${randomUUID()}/services`, 'echo', {});
      assert.equal(unknown.status, 404);
      assert.equal(unknown.headers.get('nexus-request-retryable'), 'false');
      assert.equal((unknown.json() as { details: { type: string } }).details.type, 'NOT_FOUND');
      assert.equal((await startOperation(`${httpBase()}/nexus/endpoints/not-a-uuid/services`, 'echo', {})).status, 404);
      assert.equal((await post(`${httpBase()}/nowhere`, {})).status, 404);
      assert.equal((await post(`${base}/${SERVICE}`, {})).status, 404, 'no operation in the path');
      const get = await fetch(`${base}/${SERVICE}/echo`);
      assert.equal(get.status, 400, 'only POST is served');
      assert.equal((await startOperation(base, 'echo', {}, { headers: { 'request-timeout': 'soon' } })).status, 400);
      assert.equal((await startOperation(base, 'echo', {}, { headers: { 'nexus-link': 'not a link' } })).status, 400);
      assert.equal(
        (await post(`${base}/${SERVICE}/echo`, { 'content-type': 'application/json' }, 'x'.repeat(2 * 1024 * 1024 + 1)))
          .status,
        400,
      );

      const external = await externalEndpoint('http://127.0.0.1:1/nexus');
      const externalId =
        (await env.connection.operatorService.listNexusEndpoints({ name: external })).endpoints?.[0]?.id ?? '';
      const invalidTarget = await startOperation(`${httpBase()}/nexus/endpoints/${externalId}/services`, 'echo', {});
      assert.equal(invalidTarget.status, 400);
      assert.equal((invalidTarget.json() as { message: string }).message, 'invalid endpoint target');

      const silent = await startOperation(
        `${httpBase()}/nexus/endpoints/${id}/services`,
        'echo',
        { message: 'x' },
        { headers: { 'request-timeout': '800ms' } },
      );
      assert.equal(silent.status, 520, 'no worker polls: UPSTREAM_TIMEOUT');
      assert.equal((silent.json() as { details: { type: string } }).details.type, 'UPSTREAM_TIMEOUT');

      const callbackBase = `${httpBase()}/namespaces/${env.callerNamespace}/nexus/callback`;
      assert.equal(
        (await post(callbackBase, { 'nexus-operation-state': 'succeeded' })).status,
        400,
        'no callback token',
      );
      const token = Buffer.from(
        JSON.stringify({ v: 1, namespaceId: 'nope', workflowId: 'w', runId: 'r', scheduledEventId: 5, requestId: 'q' }),
      ).toString('base64url');
      assert.equal(
        (await post(callbackBase, { 'temporal-callback-token': 'garbage', 'nexus-operation-state': 'succeeded' }))
          .status,
        400,
      );
      assert.equal(
        (
          await post(`${httpBase()}/nexus/callback`, {
            'temporal-callback-token': token,
            'nexus-operation-state': 'succeeded',
          })
        ).status,
        404,
      );
    });
  });

  describe('(b) a Nexus HTTP handler is the target of an external endpoint', () => {
    test('sync success: the request carries what the spec requires', async () => {
      const handler = await startTestServer((request) => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: `echo: ${(JSON.parse(request.body) as { message: string }).message}` }),
      }));
      try {
        const endpoint = await externalEndpoint(`${handler.url}/prefix`);
        const workflowId = `ext-echo-${randomUUID()}`;
        const result = await env.withWorkers(`unused-${randomUUID()}`, (taskQueue) =>
          env.caller.workflow.execute('echoCaller', { taskQueue, workflowId, args: [endpoint, 'hello'] }),
        );
        assert.equal(result, 'echo: hello');
        const request = handler.requests[0];
        assert.ok(request);
        const url = new URL(request.url, 'http://x');
        assert.equal(url.pathname, `/prefix/${SERVICE}/echo`);
        assert.equal(
          url.searchParams.get('callback'),
          `${httpBase()}/namespaces/${env.callerNamespace}/nexus/callback`,
        );
        assert.ok(request.headers['nexus-request-id']);
        assert.match(String(request.headers['request-timeout']), /^\d+ms$/);
        assert.ok(request.headers['nexus-callback-temporal-callback-token']);
        assert.match(
          String(request.headers['nexus-link']),
          new RegExp(
            `^<temporal:///namespaces/${env.callerNamespace}/workflows/${workflowId}/.*eventType=NexusOperationScheduled.*>; type="${WORKFLOW_EVENT_LINK}"$`,
          ),
        );
        assert.equal(request.headers['content-type'], 'application/json');
        assert.deepEqual(JSON.parse(request.body), { message: 'hello' });
      } finally {
        await handler.close();
      }
    });

    test('async start, then the handler POSTs the completion to the callback URL it was given', async () => {
      let callbackAnswer: Promise<HttpAnswer> | undefined;
      const handler = await startTestServer((request) => {
        setTimeout(() => {
          callbackAnswer = complete(
            request,
            'succeeded',
            'ext-token-1',
            JSON.stringify({ status: 'shipped over http' }),
          );
        }, 50);
        return {
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: 'ext-token-1', state: 'running' }),
        };
      });
      try {
        const endpoint = await externalEndpoint(handler.url);
        const workflowId = `ext-async-${randomUUID()}`;
        const result = await env.withWorkers(`unused-${randomUUID()}`, (taskQueue) =>
          env.caller.workflow.execute('callerWorkflow', { taskQueue, workflowId, args: [endpoint, 'o-1', ['a']] }),
        );
        assert.equal(result, 'shipped over http');
        assert.equal((await callbackAnswer)?.status, 200);
        const events = (await env.caller.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
        assert.equal(
          events.find((e) => e.eventType === 49)?.nexusOperationStartedEventAttributes?.operationToken,
          'ext-token-1',
        );
        const late = await complete(handler.requests[0] as Recorded, 'succeeded', 'ext-token-1', '{}');
        assert.equal(late.status, 404, 'a second completion finds the operation done');
      } finally {
        await handler.close();
      }
    });

    test('a completion that arrives before the 201 is recorded still completes the operation once', async () => {
      let early: HttpAnswer | undefined;
      const handler = await startTestServer(async (request) => {
        early = await complete(request, 'succeeded', 'early-token', JSON.stringify({ status: 'done before started' }));
        return {
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: 'early-token', state: 'running' }),
        };
      });
      try {
        const endpoint = await externalEndpoint(handler.url);
        const workflowId = `ext-early-${randomUUID()}`;
        const result = await env.withWorkers(`unused-${randomUUID()}`, (taskQueue) =>
          env.caller.workflow.execute('callerWorkflow', { taskQueue, workflowId, args: [endpoint, 'o-2', []] }),
        );
        assert.equal(result, 'done before started');
        assert.equal(early?.status, 200);
        const types = ((await env.caller.workflow.getHandle(workflowId).fetchHistory()).events ?? []).map(
          (e) => e.eventType,
        );
        assert.equal(types.filter((t) => t === 49).length, 1, 'one NexusOperationStarted (from the callback)');
        assert.equal(types.filter((t) => t === 50).length, 1, 'one NexusOperationCompleted');
      } finally {
        await handler.close();
      }
    });

    test('a completion callback that says failed fails the operation with the handler failure', async () => {
      const handler = await startTestServer((request) => {
        setTimeout(
          () =>
            void complete(
              request,
              'failed',
              't-2',
              JSON.stringify({
                message: 'payment declined',
                metadata: { type: 'nexus.OperationError' },
                details: { state: 'failed' },
              }),
            ),
          50,
        );
        return {
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: 't-2', state: 'running' }),
        };
      });
      try {
        const endpoint = await externalEndpoint(handler.url);
        const result = await env.withWorkers(`unused-${randomUUID()}`, (taskQueue) =>
          env.caller.workflow.execute('probeCaller', {
            taskQueue,
            workflowId: `ext-fail-${randomUUID()}`,
            args: [endpoint, 'processOrder', { orderId: 'x', items: [] }, {}],
          }),
        );
        assert.match(
          result,
          /^NexusOperationFailure\(.*\) <- ApplicationFailure\(payment declined; type=OperationError\)/,
        );
      } finally {
        await handler.close();
      }
    });

    test('a retryable 503 is retried with the same request id; 424 and 400 end the operation', async () => {
      let flakyCount = 0;
      const handler = await startTestServer((request): TestAnswer => {
        const operation = new URL(request.url, 'http://x').pathname.split('/').pop();
        if (operation === 'flakyHandler') {
          flakyCount += 1;
          return flakyCount === 1
            ? {
                status: 503,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({
                  message: 'try later',
                  metadata: { type: 'nexus.HandlerError' },
                  details: { type: 'UNAVAILABLE' },
                }),
              }
            : { status: 200, headers: { 'content-type': 'application/json' }, body: '"ok after retry"' };
        }
        if (operation === 'failOperation') {
          return {
            status: 424,
            headers: { 'content-type': 'application/json', 'nexus-operation-state': 'failed' },
            body: JSON.stringify({ message: 'out of stock' }),
          };
        }
        return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'no' };
      });
      try {
        const endpoint = await externalEndpoint(handler.url);
        const [flaky, failed, rejected] = await env.withWorkers(`unused-${randomUUID()}`, async (taskQueue) => {
          const probe = (operation: string): Promise<string> =>
            env.caller.workflow.execute('probeCaller', {
              taskQueue,
              workflowId: `ext-probe-${randomUUID()}`,
              args: [endpoint, operation, 'x', {}],
            });
          return [await probe('flakyHandler'), await probe('failOperation'), await probe('failHandler')];
        });
        assert.equal(flaky, 'ok: "ok after retry"');
        const flakyRequests = handler.requests.filter((r) => r.url.includes('/flakyHandler'));
        assert.equal(flakyRequests.length, 2);
        assert.equal(
          flakyRequests[0]?.headers['nexus-request-id'],
          flakyRequests[1]?.headers['nexus-request-id'],
          'the request id is the idempotency key',
        );
        assert.equal(
          failed,
          'NexusOperationFailure(nexus operation completed unsuccessfully) <- TemporalFailure(out of stock)',
          'a bare Failure (older peers) keeps its message',
        );
        assert.match(rejected ?? '', /^NexusOperationFailure\(.*\) <- HandlerError\(.*\)/);
        assert.equal(
          handler.requests.filter((r) => r.url.includes('/failHandler')).length,
          1,
          'BAD_REQUEST is not retried',
        );
      } finally {
        await handler.close();
      }
    });

    test('a handler that keeps failing trips the circuit breaker; the pending operation shows it', async () => {
      const handler = await startTestServer(() => ({ status: 503 }));
      try {
        const endpoint = await externalEndpoint(handler.url);
        const workflowId = `ext-breaker-${randomUUID()}`;
        const result = await env.withWorkers(`unused-${randomUUID()}`, async (taskQueue) => {
          const run = env.caller.workflow.execute('probeCaller', {
            taskQueue,
            workflowId,
            args: [endpoint, 'echo', { message: 'x' }, { scheduleToCloseTimeout: '4s' }],
          });
          const blocked = await eventually(async () => {
            const described = await env.connection.workflowService.describeWorkflowExecution({
              namespace: env.callerNamespace,
              execution: { workflowId },
            });
            const pending = described.pendingNexusOperations?.[0];
            return pending?.blockedReason ? pending : undefined;
          });
          assert.equal(blocked.blockedReason, 'The circuit breaker is open.');
          return await run;
        });
        assert.match(result, /TimeoutFailure\(operation timed out; timeout=SCHEDULE_TO_CLOSE/);
        assert.equal(handler.requests.length, 3, 'trips after more than 2 consecutive failures, then sends nothing');
      } finally {
        await handler.close();
      }
    });

    test('an external endpoint that is Causeway itself: the completion comes back through the callback route', async () => {
      const { id, handlerTaskQueue } = await workerEndpoint();
      const endpoint = await externalEndpoint(`${httpBase()}/nexus/endpoints/${id}/services`);
      const orderId = `loop-${randomUUID()}`;
      const result = await env.withWorkers(handlerTaskQueue, (taskQueue) =>
        env.caller.workflow.execute('callerWorkflow', {
          taskQueue,
          workflowId: `loop-caller-${randomUUID()}`,
          args: [endpoint, orderId, ['a', 'b', 'c']],
        }),
      );
      assert.equal(result, `processed ${orderId} with 3 items`);
      const handlerStart = (await env.handler.workflow.getHandle(orderId).fetchHistory()).events?.[0];
      const callback = handlerStart?.workflowExecutionStartedEventAttributes?.completionCallbacks?.[0];
      assert.equal(callback?.nexus?.url, `${httpBase()}/namespaces/${env.callerNamespace}/nexus/callback`);
    });
  });
});
