// Runs conformance scenarios against a server at an address and returns their normalised records.
// One worker with every conformance workflow and activity polls one task queue for the whole run;
// scenarios run one after another, so no scenario's timing depends on another's.
import { randomUUID } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import * as path from 'node:path';
import { Client, Connection, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import * as activities from './activities';
import { Normaliser } from './normalise';
import type { RecordedHistory, ScenarioRecord } from './record';
import type { Capability, HistoryEvent, RecordedExecution, Scenario, ScenarioContext } from './scenario';
import { scenarios as allScenarios } from './scenarios';

export interface RunOptions {
  readonly address: string;
  readonly namespace?: string;
  /** Scenario names to run; all when empty or omitted. */
  readonly only?: readonly string[];
  /** Capabilities the server lacks: scenarios that require one are left out. */
  readonly without?: readonly Capability[];
  /** Called as each scenario finishes, e.g. to print progress. */
  readonly onScenario?: (record: ScenarioRecord, elapsedMs: number) => void;
}

const WAIT_FOR_EVENT_TIMEOUT_MS = 30_000;
const WAIT_FOR_EVENT_INTERVAL_MS = 50;
const SCENARIO_TIMEOUT_MS = 60_000;
const CONTINUE_AS_NEW_RUNS_MAX = 20;

let bundle: Promise<{ code: string }> | undefined;

export function conformanceBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'workflows.js'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

export function selectScenarios(options: Pick<RunOptions, 'only' | 'without'>): Scenario[] {
  const only = options.only ?? [];
  const unknown = only.filter((name) => !allScenarios.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${allScenarios.map((s) => s.name).join(', ')}`);
  }
  return allScenarios.filter(
    (scenario) =>
      (only.length === 0 || only.includes(scenario.name)) &&
      !(scenario.requires ?? []).some((capability) => (options.without ?? []).includes(capability)),
  );
}

export async function runScenarios(options: RunOptions): Promise<ScenarioRecord[]> {
  installRuntime();
  const namespace = options.namespace ?? 'default';
  const selected = selectScenarios(options);
  const connection = await Connection.connect({ address: options.address });
  const nativeConnection = await NativeConnection.connect({ address: options.address });
  const client = new Client({ connection, namespace });
  const taskQueue = `conformance-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: await conformanceBundle(),
    activities,
    shutdownGraceTime: '1s',
  });
  const workerRun = worker.run();
  const records: ScenarioRecord[] = [];
  const extraWorkers = new Set<ExtraWorker>();
  try {
    for (const scenario of selected) {
      const startedAtMs = Date.now();
      const record = await withTimeout(
        runOne(scenario, { client, namespace, taskQueue, nativeConnection, extraWorkers }),
        SCENARIO_TIMEOUT_MS,
        scenario.name,
      );
      records.push(record);
      options.onScenario?.(record, Date.now() - startedAtMs);
    }
  } finally {
    // A scenario that timed out still has its workers; they must stop before the connection closes.
    await stopWorkers([...extraWorkers]);
    worker.shutdown();
    await workerRun;
    await connection.close();
    await nativeConnection.close();
  }
  return records;
}

interface RunnerResources {
  readonly client: Client;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly nativeConnection: NativeConnection;
  /** Workers started by scenarios and not yet stopped. */
  readonly extraWorkers: Set<ExtraWorker>;
}

interface ExtraWorker {
  readonly worker: Worker;
  readonly running: Promise<void>;
}

async function stopWorkers(workers: readonly ExtraWorker[]): Promise<void> {
  for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.allSettled(workers.map(({ running }) => running));
}

async function runOne(scenario: Scenario, resources: RunnerResources): Promise<ScenarioRecord> {
  const runTag = randomUUID();
  const extraWorkers: ExtraWorker[] = [];
  const clients = new Map<string, Client>([[resources.namespace, resources.client]]);
  const clientFor = (namespace: string): Client => {
    const existing = clients.get(namespace);
    if (existing !== undefined) return existing;
    const client = new Client({ connection: resources.client.connection, namespace });
    clients.set(namespace, client);
    return client;
  };
  const context: ScenarioContext = {
    client: resources.client,
    namespace: resources.namespace,
    clientFor,
    taskQueue: resources.taskQueue,
    workflowId: (suffix) => `${scenario.name}-${runTag}${suffix === undefined ? '' : `-${suffix}`}`,
    waitForEvent: (handle, eventType, count) => waitForEvent(handle, eventType, count ?? 1),
    waitForIdle: (handle, eventType) => waitForIdle(handle, eventType),
    async startWorker({ useConformanceBundle, ...workerOptions }) {
      const worker = await Worker.create({
        connection: resources.nativeConnection,
        shutdownGraceTime: '1s',
        ...(useConformanceBundle === true ? { workflowBundle: await conformanceBundle() } : {}),
        ...workerOptions,
      });
      const extra = { worker, running: worker.run() };
      extraWorkers.push(extra);
      resources.extraWorkers.add(extra);
    },
  };
  try {
    const result = await scenario.run(context);
    const normaliser = new Normaliser();
    normaliser.register('taskQueue', resources.taskQueue);
    for (const execution of result.executions) normaliser.register('workflowId', execution.workflowId);
    const raw = await Promise.all(
      result.executions.map((execution) => fetchRuns(clientFor(execution.namespace ?? resources.namespace), execution)),
    );
    for (const runs of raw) for (const run of runs) normaliser.collect(run.events);
    const histories: RecordedHistory[] = raw
      .flat()
      .map((run) => ({ label: run.label, run: run.run, events: normaliser.history(run.events) }));
    return {
      scenario: scenario.name,
      description: scenario.description,
      histories,
      outcome: normaliser.value(result.outcome),
    };
  } finally {
    await stopWorkers(extraWorkers);
    for (const extra of extraWorkers) resources.extraWorkers.delete(extra);
  }
}

/** The history of an execution and of every run it continued as new into. */
async function fetchRuns(
  client: Client,
  execution: RecordedExecution,
): Promise<Array<{ label: string; run: number; events: HistoryEvent[] }>> {
  const runs: Array<{ label: string; run: number; events: HistoryEvent[] }> = [];
  let runId = execution.runId;
  for (let run = 1; run <= CONTINUE_AS_NEW_RUNS_MAX; run += 1) {
    const history = await client.workflow.getHandle(execution.workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.push({ label: execution.label, run, events });
    const next = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (next === undefined || next === null || next === '') return runs;
    runId = next;
  }
  throw new Error(`${execution.label}: more than ${CONTINUE_AS_NEW_RUNS_MAX} continue-as-new runs`);
}

async function waitForEvent(handle: WorkflowHandle, eventType: string, count: number): Promise<HistoryEvent[]> {
  const deadlineMs = Date.now() + WAIT_FOR_EVENT_TIMEOUT_MS;
  for (;;) {
    const events = await eventsSoFar(handle);
    const seen = events.filter((event) => eventTypeName(event) === eventType).length;
    if (seen >= count) return events;
    if (Date.now() > deadlineMs) {
      throw new Error(
        `${handle.workflowId}: ${eventType} x${count} not in history within ${WAIT_FOR_EVENT_TIMEOUT_MS} ms (saw ${seen})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_FOR_EVENT_INTERVAL_MS));
  }
}

/** Waits until `eventType` is in history and no workflow task is scheduled without having completed. */
async function waitForIdle(handle: WorkflowHandle, eventType: string): Promise<HistoryEvent[]> {
  const deadlineMs = Date.now() + WAIT_FOR_EVENT_TIMEOUT_MS;
  for (;;) {
    const events = await eventsSoFar(handle);
    const types = events.map(eventTypeName);
    const isIdle =
      types.lastIndexOf('EVENT_TYPE_WORKFLOW_TASK_COMPLETED') > types.lastIndexOf('EVENT_TYPE_WORKFLOW_TASK_SCHEDULED');
    if (types.includes(eventType) && isIdle) return events;
    if (Date.now() > deadlineMs) {
      throw new Error(
        `${handle.workflowId}: not idle after ${eventType} within ${WAIT_FOR_EVENT_TIMEOUT_MS} ms (history: ${types.join(', ')})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_FOR_EVENT_INTERVAL_MS));
  }
}

/** The history so far; none while the workflow does not exist yet (e.g. a Nexus operation still starting it). */
async function eventsSoFar(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  try {
    return (await handle.fetchHistory()).events ?? [];
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof WorkflowNotFoundError || code === grpcStatus.NOT_FOUND) return [];
    throw error;
  }
}

function eventTypeName(event: HistoryEvent): string {
  // Decoded events carry the enum as a number; the proto module maps it back to its name.
  const type = event.eventType;
  if (typeof type === 'string') return type;
  return eventTypeNames()[type ?? 0] ?? String(type);
}

let names: Record<number, string> | undefined;
function eventTypeNames(): Record<number, string> {
  names ??= Object.fromEntries(Object.entries(temporal.api.enums.v1.EventType).map(([name, value]) => [value, name]));
  return names;
}

function installRuntime(): void {
  try {
    // Workflow task failures are part of the scenarios: only errors are worth printing.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // Already installed by this process (e.g. by a test helper): the existing runtime is fine.
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario ${name} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
