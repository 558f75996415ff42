// One circuit breaker per (caller namespace, endpoint). Modes: closed (calls flow; consecutive
// destination-down failures are counted) -> open after more than `failuresToTrip` of them (no calls until
// the cool-down ends) -> half-open (one trial call; success closes, failure opens again). In a cluster a
// breaker that opens tells the other members (`onOpen`), which hold their own breaker of that key open
// as long (`holdOpen`): calls to a destination that is down stop everywhere, not member by member.
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

export type BreakerMode = 'closed' | 'open' | 'half-open';

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

  /** Called when a breaker opens here (not when another member's news opens it). */
  onOpen: (key: string, openMs: number) => void = () => undefined;

  get size(): number {
    return this.breakers.size;
  }

  /** Another member's breaker of this key opened: this one stays open as long (a trial in flight goes on). */
  holdOpen(key: string, openMs: number): void {
    const state = this.state(key);
    state.openUntilMs = Math.max(state.openUntilMs, this.clock.nowMs() + Math.max(0, openMs));
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
      this.onOpen(key, this.settings.openMs);
    }
  }

  /** Neither success nor destination-down (e.g. an operation error): releases a trial without judging. */
  recordNeutral(key: string): void {
    this.recordSuccess(key);
  }

  /** Each breaker that is not plainly closed: open (cooling down), half-open (a trial in flight) or counting failures. */
  *states(): Generator<{ readonly key: string; readonly state: BreakerMode }> {
    const now = this.clock.nowMs();
    for (const [key, state] of this.breakers.pairs()) {
      if (state.isTrialInFlight) yield { key, state: 'half-open' };
      else if (state.openUntilMs > now) yield { key, state: 'open' };
      else if (state.consecutiveFailures > 0) yield { key, state: 'closed' };
    }
  }

  isOpen(key: string): boolean {
    const state = this.breakers.peek(key);
    return state !== undefined && state.openUntilMs > this.clock.nowMs();
  }
}
