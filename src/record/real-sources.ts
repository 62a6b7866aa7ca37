/**
 * The real clock and randomness, captured when this module loads, before any recorder wraps them:
 * the recorder's own timestamps, ids and timings must never be recorded as the app's reads.
 */

/** The unwrapped nondeterminism sources the recorder itself uses and the wrappers delegate to. */
export interface RealSources {
  readonly Date: DateConstructor
  /** Epoch milliseconds (the real `Date.now`). */
  now(): number
  /** Monotonic milliseconds for durations and offsets (the real `performance.now`). */
  monotonicMs(): number
  random(): number
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`
}

const RealDate = Date
const realNow = Date.now
const realRandom = Math.random
const realRandomUUID = crypto.randomUUID.bind(crypto)
const realPerformanceNow = performance.now.bind(performance)

/**
 * The real sources as they were when parallax loaded.
 * @example const startedAt = realSources.monotonicMs()
 */
export const realSources: RealSources = Object.freeze({
  Date: RealDate,
  now: () => realNow(),
  monotonicMs: () => realPerformanceNow(),
  random: () => realRandom(),
  randomUUID: () => realRandomUUID(),
})
