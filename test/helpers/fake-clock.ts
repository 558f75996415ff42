// A clock for engine tests: time moves only when the test says so, and timers fire in time order as it
// passes. Between timers it lets pending promise work finish (macrotask turns), so a test can advance
// hours of workflow time in milliseconds and never wait in real time.
import type { Clock, TimerHandle } from '../../src/common/clock';

interface Timer {
  readonly atMs: number;
  readonly seq: number;
  readonly fn: () => void;
  isCanceled: boolean;
}

const TURNS_QUIET = 3;
const TURNS_MAX = 500;

export class FakeClock implements Clock {
  private now: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const timer: Timer = { atMs: this.now + Math.max(0, delayMs), seq: this.seq++, fn, isCanceled: false };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    return {
      cancel(): void {
        timer.isCanceled = true;
      },
    };
  }

  /** Timers not yet fired or canceled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.isCanceled).length;
  }

  /** Moves time forward by `ms`, firing each timer at its time and letting the work it starts finish. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await this.settle();
    for (;;) {
      const next = this.timers.find((t) => !t.isCanceled);
      if (!next || next.atMs > target) break;
      this.now = Math.max(this.now, next.atMs);
      await this.settle();
    }
    this.now = target;
    await this.settle();
  }

  /** Fires what is due now and lets pending work finish, until nothing moves for a few turns. */
  async settle(): Promise<void> {
    let quiet = 0;
    for (let turn = 0; turn < TURNS_MAX && quiet < TURNS_QUIET; turn += 1) {
      const due = this.timers.filter((t) => !t.isCanceled && t.atMs <= this.now);
      this.timers = this.timers.filter((t) => !t.isCanceled && t.atMs > this.now);
      for (const timer of due) timer.fn();
      quiet = due.length === 0 ? quiet + 1 : 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
