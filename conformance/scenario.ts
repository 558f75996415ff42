// What a conformance scenario is: a named client-side script that drives workflows on a server and says
// which executions' histories to record. Scenarios never look at server internals, so the same script
// runs against the Temporal server (to record goldens) and against Causeway (to compare).
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Server features a scenario needs beyond the workflow service; a run can leave out what a server lacks. */
export const Capability = { Nexus: 'nexus' } as const;
export type Capability = (typeof Capability)[keyof typeof Capability];

/** One execution whose history is recorded; continue-as-new successors are followed automatically. */
export interface RecordedExecution {
  /** Stable name in the golden file, e.g. `parent` or `child`. */
  readonly label: string;
  readonly workflowId: string;
  /** The first run to record; the latest run when omitted. */
  readonly runId?: string | undefined;
  /** The namespace the execution runs in; the runner's namespace when omitted. */
  readonly namespace?: string | undefined;
}

export interface ScenarioResult {
  readonly executions: readonly RecordedExecution[];
  /** What the client saw (results, query answers, errors), normalised like the histories. */
  readonly outcome: unknown;
}

export interface ScenarioContext {
  readonly client: Client;
  readonly namespace: string;
  /** A client of another namespace on the same server (e.g. a Nexus handler's). */
  clientFor(namespace: string): Client;
  /** Task queue polled by the runner's worker, which has every conformance workflow and activity. */
  readonly taskQueue: string;
  /** A workflow id unique to this run of the scenario; the same `suffix` gives the same id. */
  workflowId(suffix?: string): string;
  /** Resolves with the history once it holds `count` events of `eventType` (default 1). */
  waitForEvent(handle: WorkflowHandle, eventType: string, count?: number): Promise<HistoryEvent[]>;
  /**
   * Resolves with the history once it holds `eventType` and every workflow task scheduled so far has
   * completed, i.e. the workflow has reacted to the event and waits for something else.
   */
  waitForIdle(handle: WorkflowHandle, eventType: string): Promise<HistoryEvent[]>;
  /**
   * Starts another worker (e.g. a Nexus handler on another namespace) for the rest of the scenario;
   * the runner shuts it down when the scenario ends.
   */
  startWorker(
    options: Omit<WorkerOptions, 'connection' | 'workflowBundle'> & { useConformanceBundle?: boolean },
  ): Promise<void>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly requires?: readonly Capability[];
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** Settles a promise into a plain record of its result or error, for a scenario's outcome. */
export async function settle(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { result: await promise };
  } catch (error) {
    return { error: describeError(error) };
  }
}

function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return { value: String(error) };
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    ...(cause === undefined ? {} : { cause: describeError(cause) }),
  };
}
