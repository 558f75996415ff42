// Goal: OpenTelemetry traces. With the OTEL_* variables set, one trace follows a Nexus call from the
// client that starts the caller workflow, through the caller workflow (caller-ns), the server's Nexus
// attempt, the handler (handler-ns) and, for an async operation, the handler workflow and the completion
// callback back to the caller: the server's spans (RPCs of both namespaces, the attempt, the callback)
// and the SDKs' spans share one trace id, each a child of the span that carried its context. Also: the
// exporter honours OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS; http/protobuf
// works; a `traceparent` in gRPC metadata parents the RPC's span; a failed RPC's span is an error; a
// request of the Nexus HTTP API joins its `traceparent` and hands its own span to the handler; and
// `causeway server start-dev` exports what it still holds when SIGTERM stops it.
// Setup: an in-process OTLP/HTTP receiver (helpers/otlp-receiver.ts); a Causeway with OTEL_* given as its
// env (http/json); caller and handler workers and the client with the SDK's OpenTelemetryPlugin, whose
// spans go to an in-memory exporter; an endpoint from caller-ns to handler-ns (fixtures/nexus).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, Runtime, DefaultLogger } from '@temporalio/worker';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { eventually } from '../helpers/eventually';
import { myServiceHandler } from '../fixtures/nexus/handler';

const RPC = 'temporal.api.workflowservice.v1.WorkflowService/';
const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');

/** A span of either side, as the assertions read it. */
interface AnySpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

function sdkSpan(span: ReadableSpan): AnySpan {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanId ?? '',
    name: span.name,
    attributes: span.attributes,
  };
}

function env(receiver: OtlpReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'causeway-under-test',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,service.name=ignored',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=secret%20token',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...extra,
  };
}

describe('OpenTelemetry traces', () => {
  let receiver: OtlpReceiver;
  let server: TestServer;
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;
  let plugin: OpenTelemetryPlugin;
  let code: { code: string };
  const sdkExporter = new InMemorySpanExporter();

  before(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    receiver = await startOtlpReceiver();
    const sdkProcessor = new SimpleSpanProcessor(sdkExporter);
    const resource = new Resource({ 'service.name': 'sdk-worker' });
    const provider = new BasicTracerProvider({ resource, spanProcessors: [sdkProcessor] });
    // The SDK side as an application sets it up: a global provider, context manager and W3C propagator.
    provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
    plugin = new OpenTelemetryPlugin({ resource, spanProcessor: sdkProcessor });
    server = await startTestServer(
      { port: 0, logLevel: 'error', namespaces: ['caller-ns', 'handler-ns'] },
      { env: env(receiver) },
    );
    connection = await Connection.connect({ address: server.address });
    native = await NativeConnection.connect({ address: server.address });
    client = new Client({ connection, namespace: 'caller-ns', plugins: [plugin] });
    code = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '..', 'fixtures', 'nexus', 'workflows.js'),
      logger: new DefaultLogger('WARN'),
      plugins: [plugin],
    });
  });
  after(async () => {
    await connection?.close();
    await native?.close();
    await server?.stop();
    await receiver?.close();
  });

  async function withWorkers<T>(
    fn: (callerTaskQueue: string, endpoint: string, endpointId: string) => Promise<T>,
  ): Promise<T> {
    const endpoint = `ep-${randomUUID().slice(0, 8)}`;
    const handlerTaskQueue = `handler-${randomUUID()}`;
    const callerTaskQueue = `caller-${randomUUID()}`;
    const created = await connection.operatorService.createNexusEndpoint({
      spec: { name: endpoint, target: { worker: { namespace: 'handler-ns', taskQueue: handlerTaskQueue } } },
    });
    const handlerWorker = await Worker.create({
      connection: native,
      namespace: 'handler-ns',
      taskQueue: handlerTaskQueue,
      workflowBundle: code,
      nexusServices: [myServiceHandler],
      plugins: [plugin],
    });
    const callerWorker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      namespace: 'caller-ns',
      taskQueue: callerTaskQueue,
      workflowBundle: code,
      plugins: [plugin],
    });
    const handlerRun = handlerWorker.run();
    try {
      return await callerWorker.runUntil(fn(callerTaskQueue, endpoint, created.endpoint?.id ?? ''));
    } finally {
      handlerWorker.shutdown();
      await handlerRun;
    }
  }

  const sdkSpans = (): AnySpan[] => sdkExporter.getFinishedSpans().map(sdkSpan);
  const allSpans = (): AnySpan[] => [...receiver.spans, ...sdkSpans()];

  /**
   * A span that matches, waited for; its description names what was missing. (In a cluster run a
   * forwarded RPC has a second span, on the member that served it, a child of the first.)
   */
  async function spanWhere(description: string, match: (span: AnySpan) => boolean): Promise<AnySpan> {
    try {
      return await eventually(() => allSpans().find(match), { timeoutMs: 15_000 });
    } catch {
      const seen = allSpans().map((s) => `${s.name} ${s.traceId}/${s.spanId}<-${s.parentSpanId}`);
      assert.fail(`no span ${description}; seen:\n${seen.join('\n')}`);
    }
  }

  function assertChild(child: AnySpan, parent: AnySpan, what: string): void {
    assert.equal(child.traceId, parent.traceId, `${what}: in the trace of ${parent.name}`);
    assert.equal(child.parentSpanId, parent.spanId, `${what}: a child of ${parent.name}`);
  }

  /** The spans every call has, up to the handler's own: returns the handler's span. */
  async function assertCallerSide(
    workflowType: string,
    workflowId: string,
    endpoint: string,
    operation: string,
    outcome: string,
  ): Promise<{ traceId: string; handlerSpan: AnySpan }> {
    const clientStart = await spanWhere(
      `StartWorkflow:${workflowType}`,
      (s) => s.name === `StartWorkflow:${workflowType}` && s.attributes['temporalWorkflowId'] === workflowId,
    );
    const { traceId } = clientStart;
    const inTrace = (s: AnySpan): boolean => s.traceId === traceId;
    const startRpc = await spanWhere(
      `${RPC}StartWorkflowExecution of ${workflowId}, a child of the client's span`,
      (s) =>
        s.name === `${RPC}StartWorkflowExecution` &&
        s.attributes['temporalWorkflowID'] === workflowId &&
        s.parentSpanId === clientStart.spanId,
    );
    assertChild(startRpc, clientStart, 'the caller namespace StartWorkflowExecution');
    assert.equal(startRpc.attributes['temporalNamespace'], 'caller-ns');
    assert.equal(typeof startRpc.attributes['temporalRunID'], 'string');
    const runWorkflow = await spanWhere(
      `RunWorkflow:${workflowType}`,
      (s) => inTrace(s) && s.name === `RunWorkflow:${workflowType}`,
    );
    assertChild(runWorkflow, clientStart, 'the caller workflow run');
    const nexusStart = await spanWhere(
      `StartNexusOperation:my-service/${operation}`,
      (s) => inTrace(s) && s.name === `StartNexusOperation:my-service/${operation}`,
    );
    const attempt = await spanWhere(
      `nexus.StartOperation of ${workflowId}`,
      (s) => s.name === 'nexus.StartOperation' && s.attributes['temporalWorkflowID'] === workflowId,
    );
    assertChild(attempt, nexusStart, 'the Nexus attempt');
    assert.deepEqual(
      {
        namespace: attempt.attributes['temporalNamespace'],
        endpoint: attempt.attributes['temporalNexusEndpoint'],
        service: attempt.attributes['temporalNexusService'],
        operation: attempt.attributes['temporalNexusOperation'],
        attempt: attempt.attributes['temporalNexusAttempt'],
        outcome: attempt.attributes['temporalNexusOutcome'],
      },
      { namespace: 'caller-ns', endpoint, service: 'my-service', operation, attempt: 1, outcome },
    );
    const handlerSpan = await spanWhere(
      `RunStartNexusOperation:my-service/${operation}`,
      (s) => inTrace(s) && s.name === `RunStartNexusOperation:my-service/${operation}`,
    );
    assertChild(handlerSpan, attempt, 'the handler');
    const respond = await spanWhere(
      `${RPC}RespondNexusTaskCompleted, a child of the attempt`,
      (s) => inTrace(s) && s.name === `${RPC}RespondNexusTaskCompleted` && s.parentSpanId === attempt.spanId,
    );
    assertChild(respond, attempt, "the handler's answer");
    assert.equal(respond.attributes['temporalNamespace'], 'handler-ns');
    return { traceId, handlerSpan };
  }

  test('a sync operation: one trace from the caller workflow through the handler', async () => {
    const workflowId = `echo-${randomUUID()}`;
    const result = await withWorkers(async (taskQueue, endpoint) => {
      const answer = await client.workflow.execute('echoCaller', { taskQueue, workflowId, args: [endpoint, 'traced'] });
      await assertCallerSide('echoCaller', workflowId, endpoint, 'echo', 'successful');
      return answer;
    });
    assert.equal(result, 'traced');
    const attempt = receiver.spans.find((s) => s.name === 'nexus.StartOperation') as ReceivedSpan;
    assert.equal(attempt.resource['service.name'], 'causeway-under-test', 'OTEL_SERVICE_NAME');
    assert.equal(attempt.resource['deployment.environment'], 'test', 'OTEL_RESOURCE_ATTRIBUTES');
    assert.ok(
      receiver.requests.every(
        (r) => r.headers['x-collector-token'] === 'secret token' && r.contentType.includes('application/json'),
      ),
      'OTEL_EXPORTER_OTLP_HEADERS and http/json on every export',
    );
  });

  test('an async operation: one trace through the handler workflow and the completion callback', async () => {
    const workflowId = `order-caller-${randomUUID()}`;
    const orderId = `order-${randomUUID()}`;
    const result = await withWorkers(async (taskQueue, endpoint) => {
      const status = await client.workflow.execute('callerWorkflow', {
        taskQueue,
        workflowId,
        args: [endpoint, orderId, ['a', 'b']],
      });
      const { traceId, handlerSpan } = await assertCallerSide(
        'callerWorkflow',
        workflowId,
        endpoint,
        'processOrder',
        'pending',
      );
      const inTrace = (s: AnySpan): boolean => s.traceId === traceId;
      const handlerStart = await spanWhere(
        'StartWorkflow:processOrderWorkflow',
        (s) => inTrace(s) && s.name === 'StartWorkflow:processOrderWorkflow',
      );
      assertChild(handlerStart, handlerSpan, "the handler's workflow start");
      const startRpc = await spanWhere(
        `${RPC}StartWorkflowExecution of ${orderId}, a child of the handler's start`,
        (s) =>
          s.name === `${RPC}StartWorkflowExecution` &&
          s.attributes['temporalWorkflowID'] === orderId &&
          s.parentSpanId === handlerStart.spanId,
      );
      assertChild(startRpc, handlerStart, 'the handler namespace StartWorkflowExecution');
      assert.equal(startRpc.attributes['temporalNamespace'], 'handler-ns');
      const handlerRun = await spanWhere(
        'RunWorkflow:processOrderWorkflow',
        (s) => inTrace(s) && s.name === 'RunWorkflow:processOrderWorkflow',
      );
      assertChild(handlerRun, handlerStart, 'the handler workflow run');
      const callback = await spanWhere(
        `nexus.CompletionCallback of ${orderId}`,
        (s) => s.name === 'nexus.CompletionCallback' && s.attributes['temporalWorkflowID'] === orderId,
      );
      assertChild(callback, handlerStart, 'the completion callback');
      assert.equal(callback.attributes['temporalNamespace'], 'handler-ns');
      assert.equal(callback.attributes['temporalNexusOutcome'], 'succeeded');
      assert.equal(callback.attributes['temporalNexusCallbackTarget'], 'system');
      return status;
    });
    assert.equal(result, `processed ${orderId} with 2 items`);
  });

  test('the Nexus HTTP API: a start request joins the trace of its traceparent and hands it to the handler', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const callerSpanId = randomUUID().replace(/-/g, '').slice(0, 16);
    const answer = await withWorkers(async (_taskQueue, endpoint, endpointId) => {
      const response = await fetch(
        `http://127.0.0.1:${server.httpPort}/nexus/endpoints/${endpointId}/services/my-service/echo`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'nexus-request-id': randomUUID(),
            'request-timeout': '5000ms',
            traceparent: `00-${traceId}-${callerSpanId}-01`,
          },
          body: JSON.stringify({ message: 'over http' }),
        },
      );
      const httpSpan = await spanWhere(
        'nexus.http.StartOperation in the trace',
        (s) => s.traceId === traceId && s.name === 'nexus.http.StartOperation',
      );
      assert.equal(httpSpan.parentSpanId, callerSpanId);
      assert.equal(httpSpan.attributes['temporalNexusEndpoint'], endpoint);
      assert.equal(httpSpan.attributes['temporalNamespace'], 'handler-ns');
      assert.equal(httpSpan.attributes['temporalNexusOutcome'], 'response');
      const handlerSpan = await spanWhere(
        'RunStartNexusOperation:my-service/echo in the trace',
        (s) => s.traceId === traceId && s.name === 'RunStartNexusOperation:my-service/echo',
      );
      assertChild(handlerSpan, httpSpan, 'the handler');
      return { status: response.status, body: await response.text() };
    });
    assert.deepEqual(answer, { status: 200, body: JSON.stringify({ message: 'over http' }) });
  });

  test('http/protobuf: a traceparent in gRPC metadata parents the span, and a failed RPC is an error', async () => {
    const other = await startTestServer(
      { port: 0, logLevel: 'error' },
      { env: env(receiver, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }) },
    );
    const otherConnection = await Connection.connect({ address: other.address });
    try {
      const traceId = randomUUID().replace(/-/g, '');
      const parentId = randomUUID().replace(/-/g, '').slice(0, 16);
      await assert.rejects(
        otherConnection.withMetadata({ traceparent: `00-${traceId}-${parentId}-01` }, () =>
          otherConnection.workflowService.describeNamespace({ namespace: 'no-such-namespace' }),
        ),
      );
      const span = await eventually(
        () => receiver.spans.find((s) => s.traceId === traceId && s.name === `${RPC}DescribeNamespace`),
        { timeoutMs: 15_000 },
      );
      assert.equal(span.parentSpanId, parentId);
      assert.equal(span.kind, 2, 'SPAN_KIND_SERVER');
      assert.equal(span.statusCode, 2, 'STATUS_CODE_ERROR');
      assert.equal(span.attributes['rpc.grpc.status_code'], 5);
      assert.equal(span.attributes['temporalNamespace'], 'no-such-namespace');
      assert.ok(receiver.requests.some((r) => r.contentType.includes('application/x-protobuf')));
    } finally {
      await otherConnection.close();
      await other.stop();
    }
  });

  test('start-dev exports the spans it holds when SIGTERM stops it', async () => {
    // A schedule delay longer than the test: only the shutdown's flush can deliver the span.
    const child = spawn(process.execPath, [BIN, 'server', 'start-dev', '--headless', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env(receiver, { OTEL_BSP_SCHEDULE_DELAY: '600000' }) },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const address = await eventually(() => /Server:\s+(\S+)/.exec(output)?.[1], { timeoutMs: 15_000 });
    const devConnection = await Connection.connect({ address });
    const workflowId = `flushed-${randomUUID()}`;
    try {
      await devConnection.workflowService.describeNamespace({ namespace: 'default' });
      await assert.rejects(
        devConnection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } }),
      );
    } finally {
      await devConnection.close();
    }
    assert.ok(!receiver.spans.some((s) => s.attributes['temporalWorkflowID'] === workflowId), 'nothing exported yet');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [exitCode] = (await exited) as [number | null];
    assert.equal(exitCode, 0);
    const span = receiver.spans.find((s) => s.attributes['temporalWorkflowID'] === workflowId);
    assert.equal(span?.name, `${RPC}DescribeWorkflowExecution`);
  });
});
