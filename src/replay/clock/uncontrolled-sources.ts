/**
 * Patches for the nondeterminism sources a recording does not hold (secure random bytes, high-resolution
 * time): each read by the code under test is reported as a violation and still answered deterministically,
 * so the run continues and its trace stays byte-identical.
 */
import nodeCrypto from 'node:crypto'
import type { PatchRegistry } from '../../record/patch-registry.ts'
import type { ViolationLog } from './determinism-violation.ts'
import { type Controlled, patchGuarded } from './guarded-patch.ts'
import type { SeededRandom } from './seeded-random.ts'

// A made-up process uptime, so a virtual hrtime looks like one and never starts at zero.
const HRTIME_BASE_NS = 1_000_000_000_000n

type Callback = (error: Error | null, value?: unknown) => void

/** What the uncontrolled sources answer with during one recording's replay. */
export interface UncontrolledSourceFeed {
  log: ViolationLog
  /** Where the deterministic stand-in bytes and integers come from. */
  random: SeededRandom
  /** The virtual monotonic clock, in milliseconds, that stands in for `process.hrtime`. */
  monotonicMs: () => number
}

/**
 * Patches `crypto.getRandomValues`, node:crypto's `randomBytes`, `randomInt`, `randomFill`, `randomFillSync`
 * and `process.hrtime` (with `.bigint`): the original still runs first so invalid arguments throw exactly as
 * before, then its result is overwritten with values from the current feed's `random` (or its virtual clock
 * for hrtime). `feed()` is read on every call the patches do not pass through, so the feed can change
 * between recordings while the patches stay installed.
 * @example patchUncontrolledSources(patches, () => current, () => current === undefined || inFrameworkScope())
 */
export function patchUncontrolledSources(
  patches: PatchRegistry,
  feed: () => UncontrolledSourceFeed,
  passThrough: () => boolean,
): void {
  const guard = <T extends object, K extends keyof T>(target: T, key: K, controlled: Controlled) =>
    patchGuarded(patches, target, key, controlled, passThrough)

  // node:crypto's own getRandomValues is a non-configurable getter that calls this method on the same object.
  guard(globalThis.crypto, 'getRandomValues', (real, self, args) => {
    const { log, random } = feed()
    log.report('crypto.getRandomValues')
    const array = Reflect.apply(real, self, args) as ArrayBufferView
    random.fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
    return array
  })

  guard(nodeCrypto, 'randomBytes', (real, self, args) => {
    const { log, random } = feed()
    log.report('crypto.randomBytes')
    const callback = args[1]
    if (typeof callback !== 'function') {
      const bytes = Reflect.apply(real, self, args) as Buffer
      random.fill(bytes)
      return bytes
    }
    let drawn = new Uint8Array(0)
    Reflect.apply(real, self, [
      args[0],
      (error: Error | null, bytes?: Buffer) => {
        if (bytes) bytes.set(drawn)
        ;(callback as Callback)(error, bytes)
      },
    ])
    // Drawn now, not in the callback: thread-pool completion order must not decide who gets which bytes.
    drawn = new Uint8Array(args[0] as number)
    random.fill(drawn)
    return undefined
  })

  guard(nodeCrypto, 'randomInt', (real, self, args) => {
    const { log, random } = feed()
    log.report('crypto.randomInt')
    const callback = typeof args.at(-1) === 'function' ? (args.at(-1) as Callback) : undefined
    const range = callback ? args.slice(0, -1) : args
    const [min, max] = (range.length >= 2 ? [range[0], range[1]] : [0, range[0]]) as [number, number]
    let value = 0
    if (!callback) Reflect.apply(real, self, range)
    else
      Reflect.apply(real, self, [
        ...range,
        (error: Error | null) => callback(error, error ? undefined : value),
      ])
    value = min + Math.floor(uniform53(random) * (max - min))
    return callback ? undefined : value
  })

  guard(nodeCrypto, 'randomFillSync', (real, self, args) => {
    const { log, random } = feed()
    log.report('crypto.randomFillSync')
    const filled = Reflect.apply(real, self, args)
    random.fill(byteRegion(args[0] as ArrayBufferView | ArrayBuffer, args[1], args[2]))
    return filled
  })

  guard(nodeCrypto, 'randomFill', (real, self, args) => {
    const { log, random } = feed()
    log.report('crypto.randomFill')
    const callback = args.at(-1)
    if (typeof callback !== 'function') return Reflect.apply(real, self, args)
    const positional = args.slice(0, -1)
    const region = byteRegion(positional[0] as ArrayBufferView | ArrayBuffer, positional[1], positional[2])
    let drawn = new Uint8Array(0)
    Reflect.apply(real, self, [
      ...positional,
      (error: Error | null, buffer?: unknown) => {
        if (!error) region.set(drawn)
        ;(callback as Callback)(error, buffer)
      },
    ])
    drawn = new Uint8Array(region.length)
    random.fill(drawn)
    return undefined
  })

  const virtualNs = () => HRTIME_BASE_NS + BigInt(Math.round(feed().monotonicMs() * 1e6))
  const realHrtime = process.hrtime
  // Patch `.bigint` on the original too: code may hold `process.hrtime` from before the replay.
  const bigint = guard(realHrtime, 'bigint', (real, self, args) => {
    feed().log.report('process.hrtime.bigint')
    Reflect.apply(real, self, args)
    return virtualNs()
  })
  const hrtime = guard(process, 'hrtime', (real, self, args) => {
    feed().log.report('process.hrtime')
    Reflect.apply(real, self, args)
    const ns = virtualNs()
    let seconds = Number(ns / 1_000_000_000n)
    let nanoseconds = Number(ns % 1_000_000_000n)
    const previous = args[0] as [number, number] | undefined
    if (previous) {
      seconds -= previous[0]
      nanoseconds -= previous[1]
      if (nanoseconds < 0) {
        seconds -= 1
        nanoseconds += 1e9
      }
    }
    return [seconds, nanoseconds]
  })
  Object.defineProperty(hrtime, 'bigint', {
    value: bigint,
    writable: true,
    configurable: true,
    enumerable: true,
  })
}

/** A float in [0, 1) with 53 random bits, enough for randomInt's 2^48 range. */
function uniform53(random: SeededRandom): number {
  return ((random.uint32() >>> 5) * 2 ** 26 + (random.uint32() >>> 6)) / 2 ** 53
}

/** The bytes `randomFill(Sync)(buffer, offset, size)` writes: offset and size count elements of a typed array. */
function byteRegion(buffer: ArrayBufferView | ArrayBuffer, offset: unknown, size: unknown): Uint8Array {
  const elementSize = ArrayBuffer.isView(buffer)
    ? ((buffer as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1)
    : 1
  const bytes = ArrayBuffer.isView(buffer)
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : new Uint8Array(buffer)
  const start = (typeof offset === 'number' ? offset : 0) * elementSize
  const length = typeof size === 'number' ? size * elementSize : bytes.length - start
  return bytes.subarray(start, start + length)
}
