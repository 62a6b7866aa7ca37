/**
 * The one registry for global patches (STYLE.md, "Global patches"), used by the recorder and, inside a
 * variant's isolate, by replay: each patch remembers how to undo itself and the registry unwinds them
 * newest first, so globals are left exactly as they were found.
 */

/** Global patches with their undo steps. */
export interface PatchRegistry extends Disposable {
  /**
   * Replaces `target[key]` with `value` and remembers the original property descriptor.
   * @example patches.replace(Math, 'random', wrappedRandom)
   */
  replace<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void
  /** Registers any other undo step, run in reverse order on restore. */
  defer(restore: () => void): void
  /**
   * Restores everything, newest patch first; returns the failures instead of stopping at the first (the
   * recorder reports them, it never throws into the app). Idempotent. Disposing throws them instead.
   */
  restore(): unknown[]
}

/**
 * Creates an empty patch registry.
 * @example
 * using patches = createPatchRegistry()
 * patches.replace(Date, 'now', wrappedNow)
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
      return errors
    },
    [Symbol.dispose]() {
      const errors = registry.restore()
      if (errors.length > 0) throw new AggregateError(errors, 'Failed to restore some global patches.')
    },
  }
  return registry
}
