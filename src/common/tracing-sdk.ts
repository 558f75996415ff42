// Tracing with the OpenTelemetry SDK: a tracer provider of our own (never the global one, so a process
// that embeds the server keeps its own tracing), a batch span processor with its bounded queue (spans
// past it are dropped, never waited for), and an OTLP exporter (HTTP protobuf or JSON, or gRPC). Loaded
// only when tracing is on (tracing-config.ts). Every call is guarded: a tracing failure never reaches a
// request. Tests give a span processor of their own (an in-memory exporter) to tracingWithProcessor.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { SpanAttributes, SpanKindName, TraceContext, TraceSpan, Tracing } from './tracing';
import type { SamplerName, TracingConfig } from './tracing-config';

/** A clean stop waits at most this long for the last spans to be exported. */
export const TRACING_SHUTDOWN_MAX_MS = 5000;
/** Export failures are logged at most once per this interval (a dead collector must not flood the log). */
const EXPORT_FAILURE_LOG_EVERY_MS = 60_000;

const propagator = new W3CTraceContextPropagator();
const KINDS: Readonly<Record<SpanKindName, SpanKind>> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
};

class SdkSpan implements TraceSpan {
  constructor(private readonly span: Span) {}

  setAttribute(key: string, value: string | number | boolean): void {
    this.span.setAttribute(key, value);
  }

  fail(message: string): void {
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  end(): void {
    this.span.end();
  }

  context(): TraceContext {
    const carrier: Record<string, string> = {};
    try {
      propagator.inject(trace.setSpan(ROOT_CONTEXT, this.span), carrier, defaultTextMapSetter);
    } catch {
      // no context to pass on: the next hop starts a trace of its own
    }
    return carrier;
  }
}

const NOOP: TraceSpan = {
  setAttribute: () => undefined,
  fail: () => undefined,
  end: () => undefined,
  context: () => ({}),
};

class SdkTracing implements Tracing {
  readonly isEnabled = true;
  private readonly tracer: Tracer;
  private stopping: Promise<void> | undefined;

  constructor(private readonly provider: BasicTracerProvider) {
    this.tracer = provider.getTracer('causeway');
  }

  startSpan(name: string, kind: SpanKindName, parent: TraceContext | undefined, attributes: SpanAttributes): TraceSpan {
    try {
      const context = parent ? propagator.extract(ROOT_CONTEXT, parent, defaultTextMapGetter) : ROOT_CONTEXT;
      return new SdkSpan(this.tracer.startSpan(name, { kind: KINDS[kind], attributes }, context));
    } catch {
      return NOOP;
    }
  }

  shutdown(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, TRACING_SHUTDOWN_MAX_MS);
      timer.unref();
      this.provider.shutdown().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        () => {
          clearTimeout(timer);
          resolve();
        },
      );
    });
    return this.stopping;
  }
}

function samplerOf(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/** Tracing into `processor` (tests: a SimpleSpanProcessor over an InMemorySpanExporter). */
export function tracingWithProcessor(
  processor: SpanProcessor,
  resource: Readonly<Record<string, string>> = { 'service.name': 'causeway' },
  sampler: Sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() }),
): Tracing {
  const provider = new BasicTracerProvider({
    resource: Resource.default().merge(new Resource({ ...resource })),
    sampler,
    spanProcessors: [processor],
  });
  return new SdkTracing(provider);
}

/** Tracing to the OTLP endpoint of `config`, through a batch span processor. */
export async function createOtlpTracing(config: TracingConfig, logger: Logger, clock: Clock): Promise<Tracing> {
  const exporter = new LoggingExporter(await otlpExporter(config), logger, clock);
  const processor = new BatchSpanProcessor(exporter, {
    maxQueueSize: config.batch.maxQueueSize,
    maxExportBatchSize: config.batch.maxExportBatchSize,
    scheduledDelayMillis: config.batch.scheduledDelayMs,
    exportTimeoutMillis: config.batch.exportTimeoutMs,
  });
  return tracingWithProcessor(processor, config.resource, samplerOf(config.sampler.name, config.sampler.ratio));
}

async function otlpExporter(config: TracingConfig): Promise<SpanExporter> {
  const common = { url: config.url, timeoutMillis: config.timeoutMs };
  switch (config.protocol) {
    case 'http/json': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      type Options = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;
      return new OTLPTraceExporter({
        ...common,
        headers: { ...config.headers },
        compression: config.compression as Options['compression'],
      });
    }
    case 'http/protobuf': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      type Options = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;
      return new OTLPTraceExporter({
        ...common,
        headers: { ...config.headers },
        compression: config.compression as Options['compression'],
      });
    }
    case 'grpc': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
      const { Metadata } = await import('@grpc/grpc-js');
      type Options = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;
      const metadata = new Metadata();
      for (const [key, value] of Object.entries(config.headers)) metadata.set(key, value);
      return new OTLPTraceExporter({
        ...common,
        metadata,
        compression: config.compression as Options['compression'],
      });
    }
  }
}

/** Passes spans on, and logs a failed export (at most once a minute). */
class LoggingExporter implements SpanExporter {
  private lastLoggedMs = -Infinity;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.logFailure(spans.length, result.error);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private logFailure(count: number, error: Error | undefined): void {
    const nowMs = this.clock.nowMs();
    if (nowMs - this.lastLoggedMs < EXPORT_FAILURE_LOG_EVERY_MS) return;
    this.lastLoggedMs = nowMs;
    this.logger.warn('tracing: exporting spans failed (more failures in the next minute are not logged)', {
      spans: count,
      error: String(error?.message ?? error),
    });
  }
}
