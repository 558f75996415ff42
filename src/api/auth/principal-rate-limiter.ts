// A token bucket per principal: each holds up to `burst` requests and refills at `perSecond`. The map of
// buckets is bounded (PRINCIPAL_BUCKETS_MAX, least recently used forgotten: a forgotten principal starts
// again with a full bucket, which errs on the side of serving).
import type { Clock } from '../../common/clock';
import { LruCache } from '../../common/lru-cache';

export const PRINCIPAL_BUCKETS_MAX = 10_000;
/** Requests per second per principal unless causeway.auth.principalRps says otherwise. */
export const PRINCIPAL_RPS_DEFAULT = 2000;

interface Bucket {
  tokens: number;
  atMs: number;
}

export class PrincipalRateLimiter {
  private readonly buckets: LruCache<string, Bucket>;

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
    capacity = PRINCIPAL_BUCKETS_MAX,
  ) {
    this.buckets = new LruCache(capacity);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token of the principal's bucket; false when it is empty. */
  tryTake(principal: string): boolean {
    const nowMs = this.clock.nowMs();
    const bucket = this.buckets.get(principal) ?? { tokens: this.burst, atMs: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.atMs) * this.perSecond) / 1000);
    bucket.atMs = nowMs;
    const isTaken = bucket.tokens >= 1;
    if (isTaken) bucket.tokens -= 1;
    this.buckets.set(principal, bucket);
    return isTaken;
  }
}
