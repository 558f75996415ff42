// The tracing configuration, read from the standard OpenTelemetry environment variables (the SDK
// environment variable and OTLP exporter specifications). Tracing is on only when an OTLP endpoint is
// named (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT), OTEL_TRACES_EXPORTER is not
// `none` and OTEL_SDK_DISABLED is not `true`. Pure: `tracingFromEnv` is what loads the SDK, only then.
import type { Clock } from './clock';
import type { Logger } from './logger';
import { NO_TRACING, type Tracing } from './tracing';

export type Environment = Readonly<Record<string, string | undefined>>;

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface BatchSettings {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly exportTimeoutMs: number;
}

export interface TracingConfig {
  readonly protocol: OtlpProtocol;
  /** Where spans are sent: for HTTP the full URL (…/v1/traces), for gRPC the collector's address. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: 'gzip' | 'none';
  /** Resource attributes, service.name included. */
  readonly resource: Readonly<Record<string, string>>;
  readonly batch: BatchSettings;
  readonly sampler: { readonly name: SamplerName; readonly ratio: number };
}

export const DEFAULT_SERVICE_NAME = 'causeway';
/** The spec's defaults for the batch span processor. */
export const DEFAULT_BATCH: BatchSettings = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMs: 5000,
  exportTimeoutMs: 30_000,
};
/** However large OTEL_BSP_MAX_QUEUE_SIZE is, spans waiting for export stay under this many. */
export const SPAN_QUEUE_SIZE_MAX = 100_000;
const OTLP_TIMEOUT_DEFAULT_MS = 10_000;
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

/** The configuration, or undefined when tracing is off; `warnings` says what was ignored and why. */
export function tracingConfigFromEnv(env: Environment): { config: TracingConfig | undefined; warnings: string[] } {
  const warnings: string[] = [];
  const off = { config: undefined, warnings };
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return off;
  const exporters = (value(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp').split(',').map((e) => e.trim().toLowerCase());
  if (exporters.includes('none')) return off;
  const unsupported = exporters.filter((e) => e !== 'otlp');
  if (unsupported.length > 0)
    warnings.push(`OTEL_TRACES_EXPORTER: only otlp is supported, ignoring ${unsupported.join(', ')}`);
  if (!exporters.includes('otlp')) return off;
  const protocol = protocolOf(env, warnings);
  const url = urlOf(env, protocol, warnings);
  if (url === undefined) return off;
  return {
    config: {
      protocol,
      url,
      headers: {
        ...keyValueList(env, 'OTEL_EXPORTER_OTLP_HEADERS', warnings),
        ...keyValueList(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', warnings),
      },
      timeoutMs: positiveInteger(env, tracesOrGeneral(env, 'TIMEOUT').name, OTLP_TIMEOUT_DEFAULT_MS, warnings),
      compression: compressionOf(env, warnings),
      resource: resourceOf(env, warnings),
      batch: batchOf(env, warnings),
      sampler: samplerOf(env, warnings),
    },
    warnings,
  };
}

/**
 * The Tracing the environment asks for: NO_TRACING when off, else the OpenTelemetry SDK (loaded now). A
 * tracing that cannot be set up is logged and left off: it never keeps the server from starting.
 */
export async function tracingFromEnv(env: Environment, logger: Logger, clock: Clock): Promise<Tracing> {
  const { config, warnings } = tracingConfigFromEnv(env);
  for (const warning of warnings) logger.warn(`tracing: ${warning}`);
  if (!config) return NO_TRACING;
  try {
    const { createOtlpTracing } = await import('./tracing-sdk');
    const tracing = await createOtlpTracing(config, logger, clock);
    logger.info('tracing: exporting spans over OTLP', { url: config.url, protocol: config.protocol });
    return tracing;
  } catch (error) {
    logger.error('tracing: the OTLP exporter could not be set up, tracing is off', { error: String(error) });
    return NO_TRACING;
  }
}

function value(env: Environment, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/** The signal-specific variable (OTEL_EXPORTER_OTLP_TRACES_X) if set, else the general one. */
function tracesOrGeneral(env: Environment, suffix: string): { name: string; value: string | undefined } {
  const specific = `OTEL_EXPORTER_OTLP_TRACES_${suffix}`;
  const specificValue = value(env, specific);
  if (specificValue !== undefined) return { name: specific, value: specificValue };
  const general = `OTEL_EXPORTER_OTLP_${suffix}`;
  return { name: general, value: value(env, general) };
}

function protocolOf(env: Environment, warnings: string[]): OtlpProtocol {
  const { name, value: raw } = tracesOrGeneral(env, 'PROTOCOL');
  if (raw === undefined) return 'http/protobuf';
  const protocol = PROTOCOLS.find((p) => p === raw.toLowerCase());
  if (protocol) return protocol;
  warnings.push(`${name}: unknown protocol "${raw}", using http/protobuf`);
  return 'http/protobuf';
}

/** The traces endpoint as is, or the general one with /v1/traces appended for HTTP (as the spec says). */
function urlOf(env: Environment, protocol: OtlpProtocol, warnings: string[]): string | undefined {
  const specific = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const general = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const raw =
    specific ?? (general === undefined || protocol === 'grpc' ? general : `${general.replace(/\/+$/, '')}/v1/traces`);
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return raw;
  } catch {
    warnings.push(
      `${specific ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'}: "${raw}" is not an http(s) URL, tracing is off`,
    );
    return undefined;
  }
}

function compressionOf(env: Environment, warnings: string[]): 'gzip' | 'none' {
  const { name, value: raw } = tracesOrGeneral(env, 'COMPRESSION');
  if (raw === undefined || raw.toLowerCase() === 'none') return 'none';
  if (raw.toLowerCase() === 'gzip') return 'gzip';
  warnings.push(`${name}: unknown compression "${raw}", sending uncompressed`);
  return 'none';
}

/** `key=value,key=value`, keys and values percent-decoded (headers, resource attributes). */
function keyValueList(env: Environment, name: string, warnings: string[]): Record<string, string> {
  const raw = value(env, name);
  const result: Record<string, string> = {};
  if (raw === undefined) return result;
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf('=');
    try {
      if (at <= 0) throw new Error('no key');
      const key = decodeURIComponent(entry.slice(0, at).trim());
      if (key === '') throw new Error('no key');
      result[key] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      warnings.push(`${name}: ignoring "${entry.trim()}" (not key=value)`);
    }
  }
  return result;
}

function resourceOf(env: Environment, warnings: string[]): Record<string, string> {
  const attributes = keyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES', warnings);
  // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES.
  const serviceName = value(env, 'OTEL_SERVICE_NAME') ?? attributes['service.name'] ?? DEFAULT_SERVICE_NAME;
  return { ...attributes, 'service.name': serviceName };
}

function positiveInteger(env: Environment, name: string, fallback: number, warnings: string[]): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (Number.isInteger(parsed) && parsed > 0) return parsed;
  warnings.push(`${name}: "${raw}" is not a positive integer, using ${fallback}`);
  return fallback;
}

function batchOf(env: Environment, warnings: string[]): BatchSettings {
  let maxQueueSize = positiveInteger(env, 'OTEL_BSP_MAX_QUEUE_SIZE', DEFAULT_BATCH.maxQueueSize, warnings);
  if (maxQueueSize > SPAN_QUEUE_SIZE_MAX) {
    warnings.push(
      `OTEL_BSP_MAX_QUEUE_SIZE: ${maxQueueSize} is above ${SPAN_QUEUE_SIZE_MAX}, using ${SPAN_QUEUE_SIZE_MAX}`,
    );
    maxQueueSize = SPAN_QUEUE_SIZE_MAX;
  }
  let maxExportBatchSize = positiveInteger(
    env,
    'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    DEFAULT_BATCH.maxExportBatchSize,
    warnings,
  );
  // The spec: a batch larger than the queue is the queue.
  if (maxExportBatchSize > maxQueueSize) maxExportBatchSize = maxQueueSize;
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMs: positiveInteger(env, 'OTEL_BSP_SCHEDULE_DELAY', DEFAULT_BATCH.scheduledDelayMs, warnings),
    exportTimeoutMs: positiveInteger(env, 'OTEL_BSP_EXPORT_TIMEOUT', DEFAULT_BATCH.exportTimeoutMs, warnings),
  };
}

function samplerOf(env: Environment, warnings: string[]): { name: SamplerName; ratio: number } {
  const raw = value(env, 'OTEL_TRACES_SAMPLER');
  let name: SamplerName = 'parentbased_always_on';
  if (raw !== undefined) {
    const known = SAMPLERS.find((s) => s === raw.toLowerCase());
    if (known) name = known;
    else warnings.push(`OTEL_TRACES_SAMPLER: unsupported sampler "${raw}", using parentbased_always_on`);
  }
  const rawRatio = value(env, 'OTEL_TRACES_SAMPLER_ARG');
  let ratio = 1;
  if (rawRatio !== undefined && name.endsWith('traceidratio')) {
    const parsed = Number(rawRatio);
    if (Number.isFinite(parsed) && parsed >= 0 && parsed <= 1) ratio = parsed;
    else warnings.push(`OTEL_TRACES_SAMPLER_ARG: "${rawRatio}" is not a ratio in [0, 1], using 1`);
  }
  return { name, ratio };
}
