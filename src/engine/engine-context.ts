// What every engine step works with: the injected clock and ids, namespaces, configuration, and the
// lookups other modules provide (Nexus endpoints, circuit breakers).
import type { Clock } from '../common/clock';
import type { Ids } from '../common/ids';
import type { NamespaceRegistry } from './namespace-registry';
import type { NexusEndpointLookup } from './nexus-operations';
import { BLOB_SIZE_MAX_BYTES, BLOB_SIZE_WARN_BYTES } from './blob-size';
import { defaultAttributeLimits, type AttributeLimits } from './attribute-limits';

export interface EngineConfig extends AttributeLimits {
  /** How long GetWorkflowExecutionHistory(wait_new_event) waits before answering empty. */
  readonly historyLongPollMs: number;
  readonly defaultWorkflowTaskTimeoutMs: number;
  /** Time a task may wait on a sticky queue before it moves to the normal queue. */
  readonly stickyScheduleToStartDefaultMs: number;
  readonly pendingActivitiesMax: number;
  readonly pendingChildrenMax: number;
  /** SignalExternalWorkflowExecution / RequestCancelExternalWorkflowExecution commands not yet delivered. */
  readonly pendingSignalsMax: number;
  readonly pendingCancelRequestsMax: number;
  readonly pendingTimersMax: number;
  readonly updateLongPollMs: number;
  readonly queryTimeoutMs: number;
  readonly pendingNexusOperationsMax: number;
  /** The Temporal server's history.maximumSignalsPerExecution. */
  readonly signalsPerExecutionMax: number;
  /** Events per page of history in poll responses and GetWorkflowExecutionHistory (limit.historyMaxPageSize). */
  readonly historyPageSizeMax: number;
  /** The encoded size a payload set, failure or memo may have (limit.blobSize.error). */
  readonly blobSizeMaxBytes: number;
  /** A request's payload set past this is logged at warn (limit.blobSize.warn). */
  readonly blobSizeWarnBytes: number;
  /** A run past either is terminated (limit.historyCount.error, limit.historySize.error). */
  readonly historyCountMax: number;
  readonly historySizeMaxBytes: number;
  /** A run that crosses either is logged at warn (limit.historyCount.warn, limit.historySize.warn). */
  readonly historyCountWarn: number;
  readonly historySizeWarnBytes: number;
  /** From either on, workflow tasks suggest continue-as-new (limit.history*.suggestContinueAsNew). */
  readonly historyCountSuggestContinueAsNew: number;
  readonly historySizeSuggestContinueAsNewBytes: number;
  /** Completion callbacks a run may hold in all (system.maxCallbacksPerWorkflow). */
  readonly callbacksPerWorkflowMax: number;
  /** Completion callbacks one update may hold (system.maxCallbacksPerUpdateID). */
  readonly callbacksPerUpdateMax: number;
  /** Runs kept in memory across all shards (least recently used ones are dropped). */
  readonly runCacheMax: number;
  /** An activity a workflow task asks to run eagerly starts in that task's response (system.enableActivityEagerExecution). */
  readonly activityEagerExecution: boolean;
  /** A start that asks for it gets its first workflow task in the response (system.enableEagerWorkflowStart). */
  readonly eagerWorkflowStart: boolean;
  /** Check on every write that no mutable state item changed without being marked (tests). */
  readonly verifyItemTracking: boolean;
}

export const defaultEngineConfig: EngineConfig = {
  historyLongPollMs: 20_000,
  defaultWorkflowTaskTimeoutMs: 10_000,
  stickyScheduleToStartDefaultMs: 10_000,
  pendingActivitiesMax: 2000,
  pendingChildrenMax: 2000,
  pendingSignalsMax: 2000,
  pendingCancelRequestsMax: 2000,
  ...defaultAttributeLimits,
  pendingTimersMax: 10_000,
  updateLongPollMs: 20_000,
  queryTimeoutMs: 60_000,
  pendingNexusOperationsMax: 30,
  signalsPerExecutionMax: 10_000,
  historyPageSizeMax: 256,
  blobSizeMaxBytes: BLOB_SIZE_MAX_BYTES,
  blobSizeWarnBytes: BLOB_SIZE_WARN_BYTES,
  historyCountMax: 50 * 1024,
  historySizeMaxBytes: 50 * 1024 * 1024,
  historyCountWarn: 10 * 1024,
  historySizeWarnBytes: 10 * 1024 * 1024,
  historyCountSuggestContinueAsNew: 4 * 1024,
  historySizeSuggestContinueAsNewBytes: 4 * 1024 * 1024,
  callbacksPerWorkflowMax: 32,
  callbacksPerUpdateMax: 32,
  runCacheMax: 4096,
  activityEagerExecution: true,
  eagerWorkflowStart: true,
  verifyItemTracking: false,
};

/** Whether the circuit breaker of a caller namespace + endpoint holds calls back now (for describe). */
export interface NexusCircuitLookup {
  isOpen(callerNamespaceId: string, endpoint: string): boolean;
}

export interface EngineContext {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly namespaces: NamespaceRegistry;
  readonly config: EngineConfig;
  readonly nexusEndpoints: NexusEndpointLookup;
  readonly nexusCircuits: NexusCircuitLookup;
}
