// The history engine: owns open runs in memory, runs every change as a synchronous transaction that is
// committed to the store before anything is acknowledged, and then hands out the consequences (tasks to
// matching, the next wake-up of each run, history waiters, follow-up effects on other runs).
//
// Modes: `start()` recovers every open run from the store (re-offering pending tasks and re-arming
// wake-ups); `stop()` cancels wake-ups and waiters. Between the two, all mutation goes through `run()`.
import type { Store } from '../store/store';
import { type EngineContext, type Effect, type RunLoader, Transaction } from './engine-context';
import { type EngineHooks, noHooks } from './engine-hooks';
import type { TaskSink, RunKey } from './tasks';
import { runKeyString } from './tasks';
import { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import { nextDeadline, processDeadlines } from './deadlines';
import { decodeEvent } from '../common/proto';
import { startChild, deliverExternalRequest } from './children';
import type { Logger } from '../common/logger';
import type { PendingQuery } from './query-registry';
import type { MatchTask } from './tasks';

const TIMER_DELAY_MAX_MS = 2 ** 31 - 1;
const HISTORY_LOAD_PAGE = 10_000;

export class HistoryEngine implements RunLoader {
  private readonly cache = new Map<string, Workflow>();
  private readonly wakeups = new Map<string, { atMs: number; handle: NodeJS.Timeout }>();
  private readonly historyWaiters = new Map<string, Set<() => void>>();
  private isStopped = false;
  hooks: EngineHooks = noHooks;
  /** Queries in flight, by id, across all runs (closed runs are not cached, so they live here). */
  readonly pendingQueries = new Map<string, PendingQuery>();

  constructor(
    readonly ctx: EngineContext,
    readonly store: Store,
    private readonly sink: TaskSink,
    private readonly logger: Logger,
  ) {}

  /** Re-arms every open run after a restart. */
  start(): void {
    for (const record of this.store.listOpenExecutions()) {
      const workflow = this.load(record);
      if (!workflow) continue;
      this.settle(workflow);
      const key = workflow.key;
      for (const child of Object.values(workflow.state.children)) {
        if (!child.isStartResolved)
          this.schedule((tx) => startChild(this.ctx, tx, key, child.initiatedEventId, this.hooks));
      }
      for (const request of Object.values(workflow.state.externalRequests)) {
        this.schedule((tx) => deliverExternalRequest(this.ctx, tx, key, request.initiatedEventId));
      }
    }
  }

  stop(): void {
    this.isStopped = true;
    for (const { handle } of this.wakeups.values()) clearTimeout(handle);
    this.wakeups.clear();
    for (const waiters of this.historyWaiters.values()) for (const wake of waiters) wake();
    this.historyWaiters.clear();
  }

  load(key: RunKey): Workflow | undefined {
    const id = runKeyString(key);
    const cached = this.cache.get(id);
    if (cached) return cached;
    const record = this.store.getExecution(key);
    if (!record) return undefined;
    const events = [];
    let from = 1;
    for (;;) {
      const page = this.store.readHistory({ key, fromEventId: from, limit: HISTORY_LOAD_PAGE });
      for (const stored of page) events.push(decodeEvent(stored.data));
      if (page.length < HISTORY_LOAD_PAGE) break;
      from += page.length;
    }
    const workflow = Workflow.fromRecord(record, events);
    if (isRunning(workflow.state)) this.cache.set(id, workflow);
    return workflow;
  }

  currentRunId(namespaceId: string, workflowId: string): string | undefined {
    return this.store.getCurrentRunId({ namespaceId, workflowId });
  }

  /** Runs one transaction: `fn` mutates runs synchronously; they are committed together. */
  run<R>(fn: (tx: Transaction) => R): R {
    const tx = new Transaction(this, this.ctx.clock.nowMs());
    let result: R;
    try {
      result = fn(tx);
      const writes = [...tx.touched.values()].map((workflow) => workflow.toWrite());
      if (writes.length > 0) this.store.writeExecutions(writes);
    } catch (error) {
      for (const id of tx.touched.keys()) this.cache.delete(id);
      throw error;
    }
    for (const workflow of tx.touched.values()) {
      workflow.committed();
      this.settle(workflow);
    }
    for (const effect of tx.effects) this.schedule(effect);
    return result;
  }

  /** Runs an effect soon, in its own transaction. */
  schedule(effect: Effect): void {
    setImmediate(() => {
      if (this.isStopped) return;
      try {
        this.run(effect);
      } catch (error) {
        this.logger.error('effect failed', { error: String(error) });
      }
    });
  }

  /** Waits until the run has events past `nextEventId` (or closes), or the signal aborts. */
  waitForHistory(key: RunKey, signal: AbortSignal): Promise<void> {
    const id = runKeyString(key);
    return new Promise((resolve) => {
      if (signal.aborted || this.isStopped) return resolve();
      let waiters = this.historyWaiters.get(id);
      if (!waiters) {
        waiters = new Set();
        this.historyWaiters.set(id, waiters);
      }
      const set = waiters;
      const wake = (): void => {
        set.delete(wake);
        if (set.size === 0) this.historyWaiters.delete(id);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      set.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** After a commit: keep open runs cached, offer their tasks, arm their next wake-up, wake waiters. */
  private settle(workflow: Workflow): void {
    const id = runKeyString(workflow.key);
    if (isRunning(workflow.state)) {
      this.cache.set(id, workflow);
      this.offerTasks(workflow);
      this.hooks.onSettled(workflow);
    } else {
      this.cache.delete(id);
    }
    this.armWakeup(id, workflow);
    const waiters = this.historyWaiters.get(id);
    if (waiters) for (const wake of [...waiters]) wake();
  }

  private offerTasks(workflow: Workflow): void {
    const s = workflow.state;
    const task = s.workflowTask;
    if (task && task.startedEventId === 0) {
      // As matching's StickyWorkerUnavailable: a sticky task no worker is polling for (its worker left, or
      // the server restarted) goes to the normal queue; the run stays sticky until a worker starts it.
      const taskQueue =
        task.isSticky && !this.sink.isStickyWorkerAvailable(s.namespaceId, task.taskQueue)
          ? s.taskQueue
          : task.taskQueue;
      const key = `wft:${task.scheduledEventId}:${task.attempt}:${taskQueue}`;
      if (!workflow.enqueued.has(key)) {
        workflow.enqueued.add(key);
        this.sink.offer(s.namespaceId, taskQueue, 'workflow', {
          kind: 'workflow-task',
          key: workflow.key,
          scheduledEventId: task.scheduledEventId,
          attempt: task.attempt,
        });
      }
    }
    for (const activity of Object.values(s.activities)) {
      if (activity.startedTimeMs !== 0 || activity.retryAtMs !== 0) continue;
      const key = `act:${activity.scheduledEventId}:${activity.attempt}`;
      if (workflow.enqueued.has(key)) continue;
      workflow.enqueued.add(key);
      this.sink.offer(s.namespaceId, activity.taskQueue, 'activity', {
        kind: 'activity-task',
        key: workflow.key,
        scheduledEventId: activity.scheduledEventId,
        attempt: activity.attempt,
      });
    }
  }

  private armWakeup(id: string, workflow: Workflow): void {
    const atMs = this.isStopped ? 0 : nextDeadline(workflow);
    const existing = this.wakeups.get(id);
    if (existing && existing.atMs === atMs) return;
    if (existing) clearTimeout(existing.handle);
    this.wakeups.delete(id);
    if (atMs === 0) return;
    const delayMs = Math.min(Math.max(0, atMs - this.ctx.clock.nowMs()), TIMER_DELAY_MAX_MS);
    const key = workflow.key;
    const handle = setTimeout(() => {
      this.wakeups.delete(id);
      try {
        this.run((tx) => {
          const run = tx.get(key);
          if (run) processDeadlines(this.ctx, tx, run, this.hooks);
        });
      } catch (error) {
        this.logger.error('deadline processing failed', { error: String(error) });
      }
    }, delayMs);
    handle.unref();
    this.wakeups.set(id, { atMs, handle });
  }

  offerTask(namespaceId: string, taskQueue: string, kind: 'workflow' | 'activity' | 'nexus', task: MatchTask): void {
    this.sink.offer(namespaceId, taskQueue, kind, task);
  }

  backlogCount(namespaceId: string, taskQueue: string, kind: 'workflow' | 'activity' | 'nexus'): number {
    return this.sink.backlogCount(namespaceId, taskQueue, kind);
  }
}
