/**
 * The recorder's registry of global patches: each patch remembers how to undo itself and the
 * registry unwinds them newest first, so `close()` leaves the globals exactly as it found them.
 */

/** Global patches with their undo steps. */
export interface PatchRegistry {
  /**
   * Replaces `target[key]` with `value` and remembers the original property descriptor.
   * @example patches.replace(Math, 'random', wrappedRandom)
   */
  replace<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void
  /** Registers any other undo step, run in reverse order on restore. */
  defer(restore: () => void): void
  /** Restores everything, newest patch first; collects the failures instead of stopping at the first. */
  restore(): unknown[]
}

/**
 * Creates an empty patch registry.
 * @example
 * const patches = createPatchRegistry()
 * patches.replace(Date, 'now', wrappedNow)
 * patches.restore()
 */
export function createPatchRegistry(): PatchRegistry {
  const undo: Array<() => void> = []
  return {
    replace(target, key, value) {
      const had = Object.hasOwn(target, key)
      const descriptor = Object.getOwnPropertyDescriptor(target, key)
      Object.defineProperty(target, key, {
        value,
        writable: true,
        configurable: true,
        enumerable: descriptor?.enumerable ?? false,
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
  }
}
