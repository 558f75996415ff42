// The wake-ups of one shard: each run with something due at a time (a timer, a timeout, a retry, the end
// of a backoff) has one persisted wake-up at its earliest deadline (deadlines.ts). Memory holds the
// wake-ups due within a look-ahead window, at most `inMemoryMax` of them; the rest wait in the store and
// are read as the window moves on. One clock timer is armed, for the earliest one. When a wake-up is due
// the run's deadlines are processed in a transaction, whose commit arms the run's next wake-up.
import type { Clock, TimerHandle } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Store } from '../store/store';
import { type RunKey, runKeyString } from './tasks';

export interface WakeupQueueSettings {
  readonly inMemoryMax: number;
  readonly lookAheadMs: number;
  readonly retryDelayMs: number;
}

export const defaultWakeupQueueSettings: WakeupQueueSettings = {
  inMemoryMax: 20_000,
  lookAheadMs: 60_000,
  retryDelayMs: 1000,
};

export interface WakeupQueueHost {
  readonly shardId: number;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  serialize<R>(fn: () => Promise<R>): Promise<R>;
  /** Processes the run's due deadlines (one transaction). */
  wake(key: RunKey): Promise<void>;
}

interface Entry {
  readonly key: RunKey;
  atMs: number;
}

export class WakeupQueue {
  private readonly entries = new Map<string, Entry>();
  private heap: { atMs: number; id: string }[] = [];
  /** Every stored wake-up at or before this time is in memory. */
  private loadedUntilMs = -1;
  private timer: TimerHandle | undefined;
  private timerAtMs = 0;
  private isLoading = false;
  private isStopped = false;

  constructor(
    private readonly host: WakeupQueueHost,
    private readonly settings: WakeupQueueSettings,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  start(): void {
    this.load();
  }

  stop(): void {
    this.isStopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.entries.clear();
    this.heap = [];
  }

  /** A commit set the run's wake-up (0 = none). */
  arm(key: RunKey, atMs: number): void {
    if (this.isStopped) return;
    const id = runKeyString(key);
    if (atMs === 0 || atMs > this.loadedUntilMs) {
      // Beyond the window, the store has it; a later load brings it in.
      this.entries.delete(id);
      return;
    }
    const entry = this.entries.get(id);
    if (entry?.atMs === atMs) return;
    if (!entry && this.entries.size >= this.settings.inMemoryMax) {
      this.loadedUntilMs = Math.min(this.loadedUntilMs, atMs - 1);
      return;
    }
    if (entry) entry.atMs = atMs;
    else this.entries.set(id, { key, atMs });
    this.push(atMs, id);
    this.armTimer();
  }

  private load(): void {
    if (this.isStopped || this.isLoading) return;
    this.isLoading = true;
    const untilMs = this.host.clock.nowMs() + this.settings.lookAheadMs;
    void this.host
      .serialize(async () => {
        const rows = await this.host.store.readWakeups({
          shardId: this.host.shardId,
          untilMs,
          limit: this.settings.inMemoryMax,
        });
        this.entries.clear();
        this.heap = [];
        for (const row of rows) {
          const id = runKeyString(row.key);
          this.entries.set(id, { key: row.key, atMs: row.atMs });
          this.heap.push({ atMs: row.atMs, id });
        }
        this.heap.sort((a, b) => a.atMs - b.atMs);
        const last = rows[rows.length - 1];
        this.loadedUntilMs = rows.length >= this.settings.inMemoryMax && last ? last.atMs : untilMs;
      })
      .catch((error: unknown) => {
        // A stopped shard refuses reads: that is the end, not a failure.
        if (!this.isStopped)
          this.host.logger.error('reading wake-ups failed', { shard: this.host.shardId, error: String(error) });
      })
      .finally(() => {
        this.isLoading = false;
        this.armTimer();
      });
  }

  private armTimer(): void {
    if (this.isStopped) return;
    const next = this.peek();
    // Past the window (or nothing left in it): read the next part of it from the store.
    const dueAtMs = next ? Math.min(next.atMs, this.loadedUntilMs) : this.loadedUntilMs;
    if (this.timer && this.timerAtMs <= dueAtMs) return;
    this.timer?.cancel();
    this.timerAtMs = dueAtMs;
    this.timer = this.host.clock.setTimer(() => this.fire(), Math.max(0, dueAtMs - this.host.clock.nowMs()));
  }

  private fire(): void {
    this.timer = undefined;
    if (this.isStopped) return;
    const nowMs = this.host.clock.nowMs();
    for (;;) {
      const next = this.peek();
      if (!next || next.atMs > nowMs) break;
      this.pop();
      const entry = this.entries.get(next.id);
      if (!entry || entry.atMs !== next.atMs) continue;
      this.entries.delete(next.id);
      this.wake(entry);
    }
    if (nowMs >= this.loadedUntilMs) this.load();
    else this.armTimer();
  }

  private wake(entry: Entry): void {
    this.host.wake(entry.key).catch((error: unknown) => {
      if (this.isStopped) return;
      // Never dropped: the run wakes again a little later.
      this.host.logger.warn('processing deadlines failed; retrying', {
        workflowId: entry.key.workflowId,
        error: String(error),
      });
      this.arm(entry.key, this.host.clock.nowMs() + this.settings.retryDelayMs);
    });
  }

  // A binary min-heap on atMs, with stale entries skipped when popped.

  private peek(): { atMs: number; id: string } | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top) return undefined;
      const entry = this.entries.get(top.id);
      if (entry && entry.atMs === top.atMs) return top;
      this.pop();
    }
  }

  private push(atMs: number, id: string): void {
    if (this.heap.length > 2 * this.entries.size + 1024) this.compact();
    const heap = this.heap;
    heap.push({ atMs, id });
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as { atMs: number }).atMs <= atMs) break;
      [heap[parent], heap[index]] = [
        heap[index] as { atMs: number; id: string },
        heap[parent] as { atMs: number; id: string },
      ];
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && (heap[left] as { atMs: number }).atMs < (heap[smallest] as { atMs: number }).atMs)
        smallest = left;
      if (right < heap.length && (heap[right] as { atMs: number }).atMs < (heap[smallest] as { atMs: number }).atMs)
        smallest = right;
      if (smallest === index) return;
      [heap[smallest], heap[index]] = [
        heap[index] as { atMs: number; id: string },
        heap[smallest] as { atMs: number; id: string },
      ];
      index = smallest;
    }
  }

  private compact(): void {
    this.heap = [...this.entries].map(([id, entry]) => ({ atMs: entry.atMs, id })).sort((a, b) => a.atMs - b.atMs);
  }
}
