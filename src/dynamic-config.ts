// The --dynamic-config-value keys Causeway honours, with the Temporal server's names.
import type { EngineConfig } from './engine/engine-context';
import { defaultEngineConfig } from './engine/engine-context';
import type { ApiConfig } from './api/api-deps';
import { invalidArgument } from './common/errors';
import { defaultCircuitBreakerSettings, type CircuitBreakerSettings } from './nexus/circuit-breaker';
import { NEXUS_RETRY_INITIAL_INTERVAL_MS } from './nexus/retry';
import { defaultDestinationLimits, type DestinationLimits } from './nexus/destination-limiter';
import { defaultNamespaceRateLimits, type NamespaceRateLimits } from './api/namespace-rate-limit';
import { NEXUS_REQUEST_TIMEOUT_MS } from './nexus/operation-executor';
import { START_DEV_SHARD_COUNT } from './server-options';
import { PRINCIPAL_RPS_DEFAULT } from './api/auth/principal-rate-limiter';
import { AUDIT_EVENTS_MAX } from './api/auth/audit-log';

export const DEFAULT_TASK_QUEUE_LONG_POLL_MS = 60_000;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(key: string, value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    if (match) return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  throw invalidArgument(`dynamic config ${key}: expected a duration such as "10s", got ${JSON.stringify(value)}`);
}

function toRate(key: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw invalidArgument(`dynamic config ${key}: expected a positive number, got ${JSON.stringify(value)}`);
}

function toBoolean(key: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw invalidArgument(`dynamic config ${key}: expected true or false, got ${JSON.stringify(value)}`);
}

function toCount(key: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw invalidArgument(`dynamic config ${key}: expected a positive integer, got ${JSON.stringify(value)}`);
}

export interface ServerConfig {
  engine: EngineConfig;
  longPollMs: number;
  nexusRetryInitialIntervalMs: number;
  nexusRequestTimeoutMs: number;
  circuitBreaker: CircuitBreakerSettings;
  destinationLimits: DestinationLimits;
  namespaceRateLimits: NamespaceRateLimits;
  /** Requests per second and burst per principal (with credentials configured), and audit events kept. */
  auth: { principalRps: number; principalBurst: number; auditEventsMax: number };
}

export function configFromDynamicConfig(values: Readonly<Record<string, unknown>>): ServerConfig {
  const engine: { -readonly [K in keyof EngineConfig]: EngineConfig[K] } = { ...defaultEngineConfig };
  let longPollMs = DEFAULT_TASK_QUEUE_LONG_POLL_MS;
  let nexusRetryInitialIntervalMs = NEXUS_RETRY_INITIAL_INTERVAL_MS;
  let nexusRequestTimeoutMs = NEXUS_REQUEST_TIMEOUT_MS;
  const circuitBreaker = { ...defaultCircuitBreakerSettings };
  const destinationLimits = { ...defaultDestinationLimits };
  const namespaceRateLimits = { ...defaultNamespaceRateLimits };
  const auth = { principalRps: PRINCIPAL_RPS_DEFAULT, principalBurst: 0, auditEventsMax: AUDIT_EVENTS_MAX };
  for (const [key, value] of Object.entries(values)) {
    switch (key) {
      case 'matching.longPollExpirationInterval':
        longPollMs = toMs(key, value);
        break;
      case 'history.longPollExpirationInterval':
        engine.historyLongPollMs = toMs(key, value);
        break;
      case 'limit.numPendingActivities.error':
        engine.pendingActivitiesMax = toCount(key, value);
        break;
      case 'limit.numPendingChildExecutions.error':
        engine.pendingChildrenMax = toCount(key, value);
        break;
      case 'limit.numPendingSignals.error':
        engine.pendingSignalsMax = toCount(key, value);
        break;
      case 'limit.numPendingCancelRequests.error':
        engine.pendingCancelRequestsMax = toCount(key, value);
        break;
      case 'limit.memoSize.error':
        engine.memoSizeMaxBytes = toCount(key, value);
        break;
      case 'frontend.searchAttributesNumberOfKeysLimit':
        engine.searchAttributesKeysMax = toCount(key, value);
        break;
      case 'frontend.searchAttributesSizeOfValueLimit':
        engine.searchAttributeValueMaxBytes = toCount(key, value);
        break;
      case 'frontend.searchAttributesTotalSizeLimit':
        engine.searchAttributesTotalMaxBytes = toCount(key, value);
        break;
      case 'history.cacheMaxSize':
        engine.runCacheMax = toCount(key, value) * START_DEV_SHARD_COUNT;
        break;
      case 'limit.historyMaxPageSize':
        engine.historyPageSizeMax = toCount(key, value);
        break;
      case 'limit.historyCount.error':
        engine.historyCountMax = toCount(key, value);
        break;
      case 'limit.historySize.error':
        engine.historySizeMaxBytes = toCount(key, value);
        break;
      case 'limit.historyCount.warn':
        engine.historyCountWarn = toCount(key, value);
        break;
      case 'limit.historySize.warn':
        engine.historySizeWarnBytes = toCount(key, value);
        break;
      case 'limit.historyCount.suggestContinueAsNew':
        engine.historyCountSuggestContinueAsNew = toCount(key, value);
        break;
      case 'limit.historySize.suggestContinueAsNew':
        engine.historySizeSuggestContinueAsNewBytes = toCount(key, value);
        break;
      case 'limit.blobSize.warn':
        engine.blobSizeWarnBytes = toCount(key, value);
        break;
      case 'limit.blobSize.error':
        engine.blobSizeMaxBytes = toCount(key, value);
        break;
      case 'system.maxCallbacksPerWorkflow':
        engine.callbacksPerWorkflowMax = toCount(key, value);
        break;
      case 'system.maxCallbacksPerUpdateID':
        engine.callbacksPerUpdateMax = toCount(key, value);
        break;
      case 'history.maximumSignalsPerExecution':
        engine.signalsPerExecutionMax = toCount(key, value);
        break;
      case 'component.nexusoperations.limit.operation.concurrency':
        engine.pendingNexusOperationsMax = toCount(key, value);
        break;
      case 'component.nexusoperations.request.timeout':
        nexusRequestTimeoutMs = toMs(key, value);
        break;
      case 'component.nexusoperations.retryPolicy.initialInterval':
        nexusRetryInitialIntervalMs = toMs(key, value);
        break;
      case 'frontend.namespaceRPS':
        namespaceRateLimits.rps = toRate(key, value);
        break;
      case 'frontend.namespaceBurstRatio':
        namespaceRateLimits.burstRatio = toRate(key, value);
        break;
      case 'history.outboundQueue.groupLimiter.concurrency':
        destinationLimits.concurrency = toCount(key, value);
        break;
      case 'history.outboundQueue.groupLimiter.bufferSize':
        destinationLimits.bufferSize = toCount(key, value);
        break;
      case 'history.outboundQueue.hostScheduler.maxTaskRPS':
        destinationLimits.rps = toRate(key, value);
        break;
      case 'causeway.nexus.circuitBreaker.failuresToTrip':
        circuitBreaker.failuresToTrip = toCount(key, value);
        break;
      case 'causeway.nexus.circuitBreaker.openDuration':
        circuitBreaker.openMs = toMs(key, value);
        break;
      case 'causeway.auth.principalRps':
        auth.principalRps = toCount(key, value);
        break;
      case 'causeway.auth.principalBurst':
        auth.principalBurst = toCount(key, value);
        break;
      case 'system.enableActivityEagerExecution':
        engine.activityEagerExecution = toBoolean(key, value);
        break;
      case 'system.enableEagerWorkflowStart':
        engine.eagerWorkflowStart = toBoolean(key, value);
        break;
      case 'causeway.audit.eventsMax':
        auth.auditEventsMax = toCount(key, value);
        break;
      default:
        break;
    }
  }
  // A burst of one second's requests unless given.
  if (auth.principalBurst === 0) auth.principalBurst = auth.principalRps;
  return {
    engine,
    longPollMs,
    nexusRetryInitialIntervalMs,
    nexusRequestTimeoutMs,
    circuitBreaker,
    destinationLimits,
    namespaceRateLimits,
    auth,
  };
}

export type { ApiConfig };
