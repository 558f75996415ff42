// A token bucket on an injected time: `ratePerSecond` tokens a second, at most `burst` kept. The rate
// limits (requests per namespace and per principal, outbound tasks per destination) are made of these.
import { LruCache } from './lru-cache';
export class TokenBucket {
  private tokens: number;
  private refilledMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.refilledMs = nowMs;
  }

  /** Takes a token if there is one. */
  tryTake(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes a token even if there is none: the next ones are due later by as much. */
  take(nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= 1;
  }

  /** When a token is there: `nowMs` if one is now. */
  availableAtMs(nowMs: number): number {
    this.refill(nowMs);
    if (this.tokens >= 1) return nowMs;
    return nowMs + Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.refilledMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSecond);
    this.refilledMs = nowMs;
  }
}

/**
 * A token bucket per key (a namespace, a principal), at most `capacity` kept: the least recently used is
 * forgotten, and starts again full, which errs on the side of serving.
 */
export class KeyedTokenBuckets {
  private readonly buckets: LruCache<string, TokenBucket>;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    capacity: number,
  ) {
    this.buckets = new LruCache(capacity);
  }

  get size(): number {
    return this.buckets.size;
  }

  tryTake(key: string, nowMs: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake(nowMs);
  }
}
