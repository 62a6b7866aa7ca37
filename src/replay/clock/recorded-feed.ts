/**
 * A recorded sequence served in order, then a deterministic continuation once it runs out.
 */

/** Serves recorded values one read at a time. */
export interface RecordedFeed<T> {
  /** The next recorded value, or the continuation's next value once the recording is used up. */
  next(): T
  /** How many recorded values have been served so far (never more than were recorded). */
  consumed(): number
}

/**
 * Creates a feed over `recorded`, falling back to `continuation` past its end.
 * @example
 * const feed = createRecordedFeed([0.25], () => 0.5)
 * feed.next() // 0.25, then 0.5 forever
 */
export function createRecordedFeed<T>(recorded: readonly T[], continuation: () => T): RecordedFeed<T> {
  let served = 0
  return {
    next() {
      if (served < recorded.length) return recorded[served++] as T
      return continuation()
    },
    consumed: () => served,
  }
}
