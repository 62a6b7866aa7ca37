/**
 * A small least-recently-used cache over a Map, whose insertion order is its recency order.
 */

/** A bounded map that evicts the least recently used entry when full. */
export interface LruCache<K, V> {
  get(key: K): V | undefined
  set(key: K, value: V): void
  /** Changes the bound, evicting the least recently used entries beyond it. */
  resize(maxEntries: number): void
  readonly size: number
  readonly maxEntries: number
}

/**
 * Creates an LRU cache holding at most `maxEntries` entries.
 * @example
 * const cache = createLruCache<string, string[]>(100)
 * cache.set('text', tokenize('text'))
 */
export function createLruCache<K, V>(maxEntries: number): LruCache<K, V> {
  const entries = new Map<K, V>()
  let bound = checkBound(maxEntries)
  const evict = () => {
    for (const key of entries.keys()) {
      if (entries.size <= bound) break
      entries.delete(key)
    }
  }
  return {
    get(key) {
      if (!entries.has(key)) return undefined
      const value = entries.get(key) as V
      entries.delete(key)
      entries.set(key, value)
      return value
    },
    set(key, value) {
      entries.delete(key)
      entries.set(key, value)
      evict()
    },
    resize(next) {
      bound = checkBound(next)
      evict()
    },
    get size() {
      return entries.size
    },
    get maxEntries() {
      return bound
    },
  }
}

function checkBound(maxEntries: number): number {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(
      `Failed to size the LRU cache: maxEntries must be a positive integer, got ${String(maxEntries)}.`,
    )
  }
  return maxEntries
}
