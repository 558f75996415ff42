// A map with a capacity that forgets its least recently used entries. An entry the owner still needs
// (`isPinned`) is skipped by eviction, so the map can hold more than its capacity only while pinned
// entries fill it; they are bounded by whatever pins them (requests in flight).
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    readonly capacity: number,
    private readonly isPinned: (value: V) => boolean = () => false,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Looks without making the entry recent. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.evict();
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  /** Every entry, least recently used first (reading them does not make them recent). */
  pairs(): IterableIterator<[K, V]> {
    return this.entries.entries();
  }

  private evict(): void {
    if (this.entries.size <= this.capacity) return;
    for (const [key, value] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      if (!this.isPinned(value)) this.entries.delete(key);
    }
  }
}
