// What every engine step works with: the injected clock and ids, namespaces, configuration, and the
// transaction that collects the runs a step touched so they are committed together.
import type { Clock } from '../common/clock';
import type { Ids } from '../common/ids';
import type { NamespaceRegistry } from './namespace-registry';
import type { Workflow } from './workflow';
import { type RunKey, runKeyString } from './tasks';
import type { NexusEndpointLookup } from './nexus-operations';

export interface EngineConfig {
  /** How long GetWorkflowExecutionHistory(wait_new_event) waits before answering empty. */
  readonly historyLongPollMs: number;
  readonly defaultWorkflowTaskTimeoutMs: number;
  /** Time a task may wait on a sticky queue before it moves to the normal queue. */
  readonly stickyScheduleToStartDefaultMs: number;
  readonly pendingActivitiesMax: number;
  readonly pendingChildrenMax: number;
  readonly pendingTimersMax: number;
  readonly updateLongPollMs: number;
  readonly queryTimeoutMs: number;
  readonly pendingNexusOperationsMax: number;
}

export const defaultEngineConfig: EngineConfig = {
  historyLongPollMs: 20_000,
  defaultWorkflowTaskTimeoutMs: 10_000,
  stickyScheduleToStartDefaultMs: 10_000,
  pendingActivitiesMax: 2000,
  pendingChildrenMax: 2000,
  pendingTimersMax: 10_000,
  updateLongPollMs: 20_000,
  queryTimeoutMs: 60_000,
  pendingNexusOperationsMax: 30,
};

/** Reads runs for a transaction; implemented by the engine's cache. */
export interface RunLoader {
  load(key: RunKey): Workflow | undefined;
  currentRunId(namespaceId: string, workflowId: string): string | undefined;
}

/** A unit of work run after a commit, in a transaction of its own (Temporal's transfer tasks). */
export type Effect = (tx: Transaction) => void;

export class Transaction {
  readonly touched = new Map<string, Workflow>();
  readonly effects: Effect[] = [];

  constructor(
    private readonly loader: RunLoader,
    readonly nowMs: number,
  ) {}

  get(key: RunKey): Workflow | undefined {
    const id = runKeyString(key);
    const touched = this.touched.get(id);
    if (touched) return touched;
    const workflow = this.loader.load(key);
    if (workflow) this.touched.set(id, workflow);
    return workflow;
  }

  /** The current run of a workflow id, touched or from the loader. */
  getCurrent(namespaceId: string, workflowId: string): Workflow | undefined {
    for (const workflow of this.touched.values()) {
      const s = workflow.state;
      if (s.namespaceId === namespaceId && s.workflowId === workflowId && workflow.isCurrentCandidate) return workflow;
    }
    const runId = this.loader.currentRunId(namespaceId, workflowId);
    return runId === undefined ? undefined : this.get({ namespaceId, workflowId, runId });
  }

  add(workflow: Workflow): void {
    this.touched.set(runKeyString(workflow.key), workflow);
  }

  after(effect: Effect): void {
    this.effects.push(effect);
  }
}

export interface EngineContext {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly namespaces: NamespaceRegistry;
  readonly config: EngineConfig;
  readonly nexusEndpoints: NexusEndpointLookup;
}
