/**
 * The pipeline's clock during a replay: recorded epoch reads in order, then frozen at the last one,
 * plus a virtual monotonic clock that only moves when the served clock does.
 */
import { createRecordedFeed } from './recorded-feed.ts'
import { createSeededRandom } from './seeded-random.ts'

const SEED_EPOCH_BASE_MS = Date.UTC(2020, 0, 1)
const SEED_EPOCH_SPAN_MS = 365 * 24 * 60 * 60 * 1000

/** The clock served to the code under test. */
export interface ReplayClock {
  /** Serves one clock read (`Date.now()`, `new Date()`, `Date()`), as epoch milliseconds. */
  read(): number
  /** Milliseconds since the clock's first value, never decreasing: the virtual `performance.now()`. */
  monotonicMs(): number
  /** How many recorded clock reads have been served. */
  consumed(): number
}

/**
 * A fixed epoch for replays of recordings that hold no clock read: the same for one seed, somewhere in 2020.
 * @example seedEpochMs(1234) // the same instant in every run with seed 1234
 */
export function seedEpochMs(seed: number): number {
  return SEED_EPOCH_BASE_MS + Math.floor(createSeededRandom(seed, 0).next() * SEED_EPOCH_SPAN_MS)
}

/**
 * Creates the served clock for one replay; past the recorded reads it stays at the last value rather
 * than inventing elapsed time, so durations computed late in a stage are zero, never noise.
 * @example
 * const clock = createReplayClock([1000, 1250], 1)
 * clock.read() // 1000; clock.read() // 1250; clock.read() // 1250; clock.monotonicMs() // 250
 */
export function createReplayClock(recorded: readonly number[], seed: number): ReplayClock {
  const origin = recorded[0] ?? seedEpochMs(seed)
  let last = origin
  let monotonic = 0
  const feed = createRecordedFeed(recorded, () => last)
  return {
    read() {
      last = feed.next()
      // A recorded clock may step back (NTP); the monotonic view must not.
      monotonic = Math.max(monotonic, last - origin)
      return last
    },
    monotonicMs: () => monotonic,
    consumed: () => feed.consumed(),
  }
}
