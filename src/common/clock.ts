// The one place that reads wall time and arms real timers. Engine, matching and nexus code take a Clock,
// so tests drive time with a fake one (test/helpers/fake-clock.ts) and never wait in real time.
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  nowMs(): number;
  /** Calls `fn` once after `delayMs`. A timer never keeps the process alive. */
  setTimer(fn: () => void, delayMs: number): TimerHandle;
}

/** setTimeout's own limit: longer delays fire at once, so a longer timer is re-armed in steps. */
export const TIMER_DELAY_MAX_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  nowMs(): number {
    return Date.now();
  },
  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const dueMs = Date.now() + Math.max(0, delayMs);
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const remainingMs = dueMs - Date.now();
      handle = setTimeout(
        remainingMs > TIMER_DELAY_MAX_MS ? arm : fn,
        Math.min(Math.max(0, remainingMs), TIMER_DELAY_MAX_MS),
      );
      handle.unref();
    };
    arm();
    return {
      cancel(): void {
        clearTimeout(handle);
      },
    };
  },
};
