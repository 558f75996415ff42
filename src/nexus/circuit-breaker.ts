// One circuit breaker per (caller namespace, endpoint). Modes: closed (calls flow; consecutive
// destination-down failures are counted) -> open after more than `failuresToTrip` of them (no calls until
// the cool-down ends) -> half-open (one trial call; success closes, failure opens again).
import type { Clock } from '../common/clock';
import { LruCache } from '../common/lru-cache';

export interface CircuitBreakerSettings {
  /** Trips when consecutive failures exceed this. */
  readonly failuresToTrip: number;
  readonly openMs: number;
}

export const defaultCircuitBreakerSettings: CircuitBreakerSettings = { failuresToTrip: 5, openMs: 60_000 };
export const CIRCUIT_BREAKERS_MAX = 100_000;

interface BreakerState {
  consecutiveFailures: number;
  openUntilMs: number;
  isTrialInFlight: boolean;
}

export type BreakerDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAtMs: number };

export class CircuitBreakers {
  /** The least recently used breakers are forgotten past the bound (a forgotten breaker is closed). */
  private readonly breakers: LruCache<string, BreakerState>;

  constructor(
    private readonly clock: Clock,
    private readonly settings: CircuitBreakerSettings,
    breakersMax = CIRCUIT_BREAKERS_MAX,
  ) {
    this.breakers = new LruCache(breakersMax);
  }

  get size(): number {
    return this.breakers.size;
  }

  private state(key: string): BreakerState {
    let state = this.breakers.get(key);
    if (!state) {
      state = { consecutiveFailures: 0, openUntilMs: 0, isTrialInFlight: false };
      this.breakers.set(key, state);
    }
    return state;
  }

  /** Asks to make a call. A half-open breaker lets exactly one trial through. */
  tryAcquire(key: string): BreakerDecision {
    const state = this.state(key);
    if (state.openUntilMs === 0) return { allowed: true };
    const now = this.clock.nowMs();
    if (now < state.openUntilMs || state.isTrialInFlight)
      return { allowed: false, retryAtMs: Math.max(now, state.openUntilMs) + (state.isTrialInFlight ? 1000 : 0) };
    state.isTrialInFlight = true;
    return { allowed: true };
  }

  recordSuccess(key: string): void {
    const state = this.state(key);
    state.consecutiveFailures = 0;
    state.openUntilMs = 0;
    state.isTrialInFlight = false;
  }

  /** A destination-down failure (retryable handler error or timeout). */
  recordFailure(key: string): void {
    const state = this.state(key);
    state.consecutiveFailures += 1;
    const wasTrial = state.isTrialInFlight;
    state.isTrialInFlight = false;
    if (wasTrial || state.consecutiveFailures > this.settings.failuresToTrip) {
      state.openUntilMs = this.clock.nowMs() + this.settings.openMs;
    }
  }

  /** Neither success nor destination-down (e.g. an operation error): releases a trial without judging. */
  recordNeutral(key: string): void {
    this.recordSuccess(key);
  }

  isOpen(key: string): boolean {
    const state = this.breakers.peek(key);
    return state !== undefined && state.openUntilMs > this.clock.nowMs();
  }
}
