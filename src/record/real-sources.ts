/**
 * The real clock and randomness, captured when this module loads, before any recorder wraps them:
 * the recorder's own timestamps, ids and timings must never be recorded as the app's reads.
 */

/** The unwrapped nondeterminism sources the recorder itself uses and the wrappers delegate to. */
export interface RealSources {
  readonly Date: DateConstructor
  /** Epoch milliseconds (the real `Date.now`). */
  now(): number
  /** `new Date(now()).toISOString()`, the date formatted once per second however many requests read it. */
  isoNow(): string
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

/** `YYYY-MM-DDTHH:mm:ss.` of the second `isoSecond`: formatting a date costs more than a request's capture. */
let isoSecond = Number.NaN
let isoPrefix = ''

function isoNow(): string {
  const ms = realNow()
  const second = Math.floor(ms / 1000)
  if (second !== isoSecond) {
    // Without its `sssZ` tail, which is the same 4 characters for every year toISOString can write.
    isoPrefix = new RealDate(second * 1000).toISOString().slice(0, -4)
    isoSecond = second
  }
  const milli = ms - second * 1000
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`
}

/**
 * The real sources as they were when parallax loaded.
 * @example const startedAt = realSources.monotonicMs()
 */
export const realSources: RealSources = Object.freeze({
  Date: RealDate,
  now: () => realNow(),
  isoNow,
  monotonicMs: () => realPerformanceNow(),
  random: () => realRandom(),
  randomUUID: () => realRandomUUID(),
})
