/**
 * The one registry for global patches inside a variant's isolate (STYLE.md, "Global patches"):
 * every patch returns its restore function, and the registry unwinds them in reverse order.
 */

export interface PatchRegistry extends Disposable {
  /**
   * Replaces `target[key]` with `value` and remembers how to put it back.
   * @example patches.replace(Math, 'random', () => 0.5)
   */
  replace<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void
  /** Registers any other undo step (e.g. `server.close`), run in reverse order on dispose. */
  defer(restore: () => void): void
  /** Restores everything, newest patch first. Idempotent. */
  restore(): void
}

/**
 * Creates an empty patch registry; use it with `using` so patches unwind even when a replay throws.
 * @example
 * using patches = createPatchRegistry()
 * patches.replace(globalThis, 'fetch', fakeFetch)
 */
export function createPatchRegistry(): PatchRegistry {
  const undo: Array<() => void> = []
  const registry: PatchRegistry = {
    replace(target, key, value) {
      const had = Object.hasOwn(target, key)
      const descriptor = Object.getOwnPropertyDescriptor(target, key)
      Object.defineProperty(target, key, {
        value,
        writable: true,
        configurable: true,
        enumerable: descriptor?.enumerable ?? true,
      })
      undo.push(() => {
        if (had && descriptor) Object.defineProperty(target, key, descriptor)
        else delete (target as Record<PropertyKey, unknown>)[key as PropertyKey]
      })
    },
    defer(restore) {
      undo.push(restore)
    },
    restore() {
      const errors: unknown[] = []
      while (undo.length > 0) {
        try {
          undo.pop()?.()
        } catch (error) {
          errors.push(error)
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'Failed to restore some global patches.')
    },
    [Symbol.dispose]() {
      registry.restore()
    },
  }
  return registry
}
