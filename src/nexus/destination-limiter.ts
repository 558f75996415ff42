// The Temporal server's limits on outbound work per destination: Nexus attempts go out per (caller
// namespace, endpoint) and completion callbacks per (handler namespace, URL host), each group with at most
// `concurrency` requests in flight (history.outboundQueue.groupLimiter.concurrency, 100), at most
// `bufferSize` more waiting for one of them (history.outboundQueue.groupLimiter.bufferSize, 100) and at
// most `rps` started per second (history.outboundQueue.hostScheduler.maxTaskRPS, 100). A task that finds
// its group's rate spent, or its buffer full, is deferred (the outbox runs it again later); nothing is
// refused. Groups with nothing in flight are forgotten once more than GROUPS_MAX are known.
import type { Clock } from '../common/clock';
import { LruCache } from '../common/lru-cache';
import { TokenBucket } from '../common/token-bucket';

export interface DestinationLimits {
  readonly concurrency: number;
  readonly bufferSize: number;
  readonly rps: number;
}

export const defaultDestinationLimits: DestinationLimits = { concurrency: 100, bufferSize: 100, rps: 100 };

/** Groups kept; one with requests in flight or waiting is never dropped. */
export const GROUPS_MAX = 10_000;

/** How long a task that found the buffer full waits before it tries again. */
export const BUFFER_FULL_RETRY_MS = 100;

export type Admission = { readonly kind: 'run'; release(): void } | { readonly kind: 'defer'; readonly atMs: number };

interface Group {
  running: number;
  readonly waiting: (() => void)[];
  /** At most one second's worth of starts. */
  readonly rate: TokenBucket;
}

export class DestinationLimiter {
  private readonly groups: LruCache<string, Group>;

  constructor(
    private readonly limits: DestinationLimits,
    private readonly clock: Clock,
    groupsMax = GROUPS_MAX,
  ) {
    this.groups = new LruCache(groupsMax, (group) => group.running > 0 || group.waiting.length > 0);
  }

  get groupCount(): number {
    return this.groups.size;
  }

  /** A slot for one request to `destination` of `namespaceId`, or when to try again. */
  async acquire(namespaceId: string, destination: string): Promise<Admission> {
    const key = `${namespaceId}\u0000${destination}`;
    const nowMs = this.clock.nowMs();
    let group = this.groups.get(key);
    if (!group) {
      group = { running: 0, waiting: [], rate: new TokenBucket(this.limits.rps, Math.max(1, this.limits.rps), nowMs) };
      this.groups.set(key, group);
    }
    const dueMs = group.rate.availableAtMs(nowMs);
    if (dueMs > nowMs) return { kind: 'defer', atMs: dueMs };
    if (group.running >= this.limits.concurrency) {
      if (group.waiting.length >= this.limits.bufferSize) return { kind: 'defer', atMs: nowMs + BUFFER_FULL_RETRY_MS };
      // The slot is handed over by release(): `running` does not change.
      await new Promise<void>((resolve) => group.waiting.push(resolve));
    } else {
      group.running += 1;
    }
    group.rate.take(this.clock.nowMs());
    return { kind: 'run', release: once(() => this.release(group)) };
  }

  private release(group: Group): void {
    const next = group.waiting.shift();
    if (next) next();
    else group.running -= 1;
  }
}

function once(fn: () => void): () => void {
  let isDone = false;
  return () => {
    if (isDone) return;
    isDone = true;
    fn();
  };
}
