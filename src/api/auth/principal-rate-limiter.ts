// A token bucket per principal: each holds up to `burst` requests and refills at `perSecond`. The map of
// buckets is bounded (PRINCIPAL_BUCKETS_MAX, least recently used forgotten: a forgotten principal starts
// again with a full bucket, which errs on the side of serving).
import type { Clock } from '../../common/clock';
import { KeyedTokenBuckets } from '../../common/token-bucket';

export const PRINCIPAL_BUCKETS_MAX = 10_000;
/** Requests per second per principal unless causeway.auth.principalRps says otherwise. */
export const PRINCIPAL_RPS_DEFAULT = 2000;

export class PrincipalRateLimiter {
  private readonly buckets: KeyedTokenBuckets;

  constructor(
    private readonly clock: Clock,
    perSecond: number,
    burst: number,
    capacity = PRINCIPAL_BUCKETS_MAX,
  ) {
    this.buckets = new KeyedTokenBuckets(perSecond, burst, capacity);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token of the principal's bucket; false when it is empty. */
  tryTake(principal: string): boolean {
    return this.buckets.tryTake(principal, this.clock.nowMs());
  }
}
