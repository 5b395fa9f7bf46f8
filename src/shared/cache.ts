/**
 * Holds the answer of a slow, rarely changing lookup (reference data, the partnership's members) for
 * a while, so a hot path asks the database once per interval instead of once per request. Callers that
 * change the data call `invalidate()`; other processes see the change when their copy expires.
 */
export interface Refreshing<T> {
  get(): Promise<T>;
  invalidate(): void;
}

export function refreshing<T>(load: () => Promise<T>, maxAgeMs: number, now: () => number = Date.now): Refreshing<T> {
  let current: { value: Promise<T>; loadedAt: number } | undefined;
  return {
    get() {
      if (!current || now() - current.loadedAt >= maxAgeMs) {
        const value = load();
        const entry = { value, loadedAt: now() };
        current = entry;
        // A failed load is not kept: the next request tries again.
        value.catch(() => {
          if (current === entry) current = undefined;
        });
      }
      return current.value;
    },
    invalidate() {
      current = undefined;
    },
  };
}

/** A map that forgets its least recently used entry beyond `capacity`: Map keeps insertion order. */
export class LeastRecentlyUsed<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }
}
