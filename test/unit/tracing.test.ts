// Goal: tracing is off unless an OTLP endpoint is named, and then nothing of the SDK is even loaded and
// no span object is made; the OTEL_* variables are read as the OpenTelemetry specification says
// (endpoints, protocol, headers, resource, batch queue bounds, sampler), with a warning for what is
// ignored; spans join the trace context they are given (a traceparent, the SDKs' `_tracer-data`
// header) and hand their own on; an RPC's span takes its parent from the Nexus task it answers, else
// the metadata, else the request's header.
// Setup: tracing-config.ts on literal environments; tracing-sdk.ts over an in-memory exporter, loaded
// only after the first test checked that nothing had loaded it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  NO_TRACING,
  traceContextOfNexusHeader,
  traceContextOfTemporalHeader,
  withTraceContext,
} from '../../src/common/tracing';
import {
  DEFAULT_BATCH,
  SPAN_QUEUE_SIZE_MAX,
  tracingConfigFromEnv,
  tracingFromEnv,
  type Environment,
} from '../../src/common/tracing-config';
import { systemClock } from '../../src/common/clock';
import type { Logger } from '../../src/common/logger';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

function quietLogger(lines: string[] = []): Logger {
  const keep = (message: string): void => void lines.push(message);
  return { debug: keep, info: keep, warn: keep, error: keep };
}

function isSdkLoaded(): boolean {
  return Object.keys(require.cache).some((file) => file.includes('@opentelemetry/sdk-trace-base'));
}

test('off without an endpoint, with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED: no SDK, no span', async () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
  for (const env of [
    {},
    { OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    { ...endpoint, OTEL_TRACES_EXPORTER: 'none' },
    { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces', OTEL_TRACES_EXPORTER: 'otlp,none' },
    { ...endpoint, OTEL_SDK_DISABLED: 'true' },
    { ...endpoint, OTEL_TRACES_EXPORTER: 'console' },
  ] satisfies Environment[]) {
    assert.equal(await tracingFromEnv(env, quietLogger(), systemClock), NO_TRACING, JSON.stringify(env));
  }
  assert.equal(NO_TRACING.isEnabled, false);
  assert.equal(isSdkLoaded(), false, 'the OpenTelemetry SDK is not loaded while tracing is off');
  // Even a caller that does not check isEnabled gets one shared no-op span, not a new object.
  const first = NO_TRACING.startSpan('a', 'server', { traceparent: TRACEPARENT }, {});
  assert.equal(NO_TRACING.startSpan('b', 'client', undefined, {}), first);
  assert.deepEqual(first.context(), {});
});

test('endpoints and protocol: /v1/traces is appended to the general endpoint for HTTP only', () => {
  const general = tracingConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).config;
  assert.equal(general?.url, 'http://collector:4318/v1/traces');
  assert.equal(general?.protocol, 'http/protobuf', 'the spec default');
  const specific = tracingConfigFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
  }).config;
  assert.equal(specific?.url, 'https://traces.example/custom', 'the traces endpoint is used as it is');
  assert.equal(specific?.protocol, 'http/json', 'the traces protocol wins');
  const grpcConfig = tracingConfigFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  }).config;
  assert.equal(grpcConfig?.url, 'http://collector:4317');
  const unknown = tracingConfigFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:1',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'udp',
  });
  assert.equal(unknown.config?.protocol, 'http/protobuf');
  assert.match(unknown.warnings.join('\n'), /unknown protocol "udp"/);
  const bad = tracingConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
  assert.equal(bad.config, undefined, 'an endpoint that is no http(s) URL turns tracing off');
  assert.match(bad.warnings.join('\n'), /not an http\(s\) URL/);
});

test('headers, resource, timeout, compression, batch queue and sampler', () => {
  const { config, warnings } = tracingConfigFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
    OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b, x-one=1,broken',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-one=2',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=from-resource,team=a%2Cb',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
    OTEL_BSP_MAX_QUEUE_SIZE: '100',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
    OTEL_BSP_SCHEDULE_DELAY: '250',
    OTEL_BSP_EXPORT_TIMEOUT: 'soon',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.25',
  });
  assert.deepEqual(config?.headers, { 'api-key': 'a b', 'x-one': '2' });
  assert.deepEqual(config?.resource, {
    'deployment.environment': 'prod',
    'service.name': 'from-resource',
    team: 'a,b',
  });
  assert.equal(config?.timeoutMs, 2500);
  assert.equal(config?.compression, 'gzip');
  assert.deepEqual(config?.batch, {
    maxQueueSize: 100,
    maxExportBatchSize: 100,
    scheduledDelayMs: 250,
    exportTimeoutMs: DEFAULT_BATCH.exportTimeoutMs,
  });
  assert.deepEqual(config?.sampler, { name: 'parentbased_traceidratio', ratio: 0.25 });
  assert.match(warnings.join('\n'), /ignoring "broken"/);
  assert.match(warnings.join('\n'), /OTEL_BSP_EXPORT_TIMEOUT: "soon"/);

  const named = tracingConfigFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
    OTEL_SERVICE_NAME: 'my-causeway',
    OTEL_RESOURCE_ATTRIBUTES: 'service.name=other',
    OTEL_BSP_MAX_QUEUE_SIZE: String(SPAN_QUEUE_SIZE_MAX * 10),
  });
  assert.equal(named.config?.resource['service.name'], 'my-causeway', 'OTEL_SERVICE_NAME wins');
  assert.equal(named.config?.batch.maxQueueSize, SPAN_QUEUE_SIZE_MAX, 'the queue has a bound of its own');
  assert.equal(named.config?.batch.maxExportBatchSize, DEFAULT_BATCH.maxExportBatchSize);
  const plain = tracingConfigFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' });
  assert.equal(plain.config?.resource['service.name'], 'causeway', 'the default service name');
  assert.deepEqual(plain.config?.batch, DEFAULT_BATCH);
  assert.deepEqual(plain.config?.sampler, { name: 'parentbased_always_on', ratio: 1 });
  assert.deepEqual(plain.warnings, []);
});

test('trace context from Nexus and Temporal headers, and replacing it', () => {
  assert.deepEqual(traceContextOfNexusHeader({ Traceparent: TRACEPARENT, TraceState: 'a=1', other: 'x' }), {
    traceparent: TRACEPARENT,
    tracestate: 'a=1',
  });
  assert.equal(traceContextOfNexusHeader({ 'request-timeout': '10s' }), undefined);
  // As the SDKs' interceptors write it: a json/plain payload of the text map.
  const header = { fields: { '_tracer-data': defaultPayloadConverter.toPayload({ traceparent: TRACEPARENT }) } };
  assert.deepEqual(traceContextOfTemporalHeader(header), { traceparent: TRACEPARENT });
  const garbled = { fields: { '_tracer-data': { metadata: {}, data: Buffer.from('{not json') } } };
  assert.equal(traceContextOfTemporalHeader(garbled), undefined, 'a bad header is ignored, not thrown');
  assert.equal(traceContextOfTemporalHeader(null), undefined);
  assert.deepEqual(withTraceContext({ TraceParent: 'old', tracestate: 'old', keep: 'me' }, { traceparent: 'new' }), {
    keep: 'me',
    traceparent: 'new',
  });
});

test('spans join the context they are given and hand on their own', async () => {
  const { InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { tracingWithProcessor } = await import('../../src/common/tracing-sdk');
  const exporter = new InMemorySpanExporter();
  const tracing = tracingWithProcessor(new SimpleSpanProcessor(exporter), { 'service.name': 'unit' });
  assert.equal(tracing.isEnabled, true);
  const child = tracing.startSpan('child', 'client', { traceparent: TRACEPARENT, tracestate: 'k=v' }, { n: 1 });
  const context = child.context();
  child.fail('it broke');
  child.end();
  const root = tracing.startSpan('root', 'server', { traceparent: 'garbage' }, {});
  root.end();
  const [exportedChild, exportedRoot] = exporter.getFinishedSpans();
  assert.equal(exportedChild?.spanContext().traceId, TRACE_ID);
  assert.equal(exportedChild?.parentSpanId, PARENT_ID);
  assert.equal(exportedChild?.status.code, 2, 'ERROR');
  assert.equal(exportedChild?.status.message, 'it broke');
  assert.equal(exportedChild?.attributes['n'], 1);
  assert.equal(exportedChild?.resource.attributes['service.name'], 'unit');
  assert.equal(context['traceparent'], `00-${TRACE_ID}-${exportedChild?.spanContext().spanId}-01`);
  assert.equal(context['tracestate'], 'k=v');
  assert.equal(exportedRoot?.parentSpanId, undefined, 'an unreadable traceparent starts a new trace');
  await tracing.shutdown();
});

test("an RPC's parent: the Nexus task it answers, else the metadata's traceparent, else the request header", async () => {
  const { InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { tracingWithProcessor } = await import('../../src/common/tracing-sdk');
  const { RpcTracer, endRpcSpan } = await import('../../src/api/rpc-tracing');
  const { encodeTaskToken } = await import('../../src/engine/tasks');
  const exporter = new InMemorySpanExporter();
  const taskParent = `00-${TRACE_ID}-${'1'.repeat(16)}-01`;
  const tracer = new RpcTracer(tracingWithProcessor(new SimpleSpanProcessor(exporter)), {
    requestOf: (taskId) => (taskId === 'task-1' ? { header: { traceparent: taskParent } } : undefined),
  });
  const service = 'temporal.api.workflowservice.v1.WorkflowService';
  const metadata = new grpc.Metadata();
  metadata.set('traceparent', `00-${TRACE_ID}-${'2'.repeat(16)}-01`);
  const header = {
    fields: {
      '_tracer-data': defaultPayloadConverter.toPayload({ traceparent: `00-${TRACE_ID}-${'3'.repeat(16)}-01` }),
    },
  };
  const start = { namespace: 'ns', workflowId: 'wf', header };
  endRpcSpan(tracer.start(service, 'StartWorkflowExecution', start, metadata), { runId: 'run' }, undefined);
  endRpcSpan(tracer.start(service, 'StartWorkflowExecution', start, new grpc.Metadata()), {}, undefined);
  const taskToken = encodeTaskToken({ k: 'nx', ns: 'ns-id', t: 'task-1' });
  endRpcSpan(tracer.start(service, 'RespondNexusTaskCompleted', { taskToken }, metadata), {}, undefined);
  endRpcSpan(tracer.start(service, 'DescribeNamespace', {}, new grpc.Metadata()), undefined, 5, 'not found');
  const spans = exporter.getFinishedSpans();
  assert.deepEqual(
    spans.map((s) => s.parentSpanId),
    ['2'.repeat(16), '3'.repeat(16), '1'.repeat(16), undefined],
  );
  assert.equal(spans[0]?.name, `${service}/StartWorkflowExecution`);
  assert.deepEqual(
    [
      spans[0]?.attributes['temporalNamespace'],
      spans[0]?.attributes['temporalWorkflowID'],
      spans[0]?.attributes['temporalRunID'],
    ],
    ['ns', 'wf', 'run'],
  );
  assert.equal(spans[3]?.status.code, 2);
  assert.equal(spans[3]?.attributes['rpc.grpc.status_code'], 5);
});

test('each OTLP protocol sets up, and a collector that is not there is logged, not thrown', async () => {
  for (const protocol of ['http/protobuf', 'http/json', 'grpc']) {
    const lines: string[] = [];
    const tracing = await tracingFromEnv(
      // Port 9 on loopback: nothing listens, the export is refused at once.
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: protocol },
      quietLogger(lines),
      systemClock,
    );
    assert.equal(tracing.isEnabled, true, protocol);
    tracing.startSpan('lost', 'internal', undefined, {}).end();
    await tracing.shutdown();
    assert.ok(
      lines.some((line) => line.includes('exporting spans failed')),
      `${protocol}: the failed export is logged (${lines.join('; ')})`,
    );
  }
});
