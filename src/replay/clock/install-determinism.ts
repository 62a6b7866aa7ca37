/**
 * Feeds the code under test its clock and randomness from the recording, and reports the sources it
 * cannot feed. See docs/decisions/0003-clock-and-randomness.md for why each choice is what it is.
 *
 * - Clock: `Date.now()`, `new Date()` with no argument and `Date()` serve the recorded reads in order, then
 *   stay at the last one (at an epoch derived from the seed when none was recorded). `globalThis.Date` becomes
 *   a proxy of the original whose only change is that no-argument path, and the original's own `Date.now` is
 *   patched too, so code holding the original Date keeps working and still reads the served clock.
 * - `performance.now()`: milliseconds since the clock's first value, moving only when the served clock moves.
 * - `Math.random()`: the recorded values, then a PRNG seeded from `seed`.
 * - `crypto.randomUUID()` (`globalThis.crypto` and node:crypto's module object, synced into ESM named and
 *   namespace imports of `node:crypto`): the recorded UUIDs, then v4 UUIDs from the seeded PRNG.
 * - `crypto.getRandomValues`, node:crypto `randomBytes` / `randomInt` / `randomFill` / `randomFillSync`,
 *   `process.hrtime` / `process.hrtime.bigint`: determinism violations, reported once per source and still
 *   answered deterministically so the run goes on.
 * - Timers stay real. In framework scope every patched source is the original and consumes nothing.
 * - Installed once per isolate, fed once per recording: `installReplayDeterminism` patches, `feed` swaps in one
 *   recording's clock, feeds, PRNG streams and violation log, and between feeds every source is the original.
 * Not covered: a function copied out before installation (`const { randomUUID } = crypto` at module load,
 * `new OriginalDate()` from a reference kept before), and clocks read inside V8 (`Intl.DateTimeFormat().format()`).
 */
import nodeCrypto from 'node:crypto'
import { syncBuiltinESMExports } from 'node:module'
import type { PatchRegistry } from '../../record/patch-registry.ts'
import type { ParallaxError } from '../../recording/errors.ts'
import type { Nondeterminism } from '../../recording/types.ts'
import { inFrameworkScope } from '../framework-scope.ts'
import { createViolationLog } from './determinism-violation.ts'
import { type Controlled, patchGuarded } from './guarded-patch.ts'
import { createRecordedFeed, type RecordedFeed } from './recorded-feed.ts'
import { createReplayClock } from './replay-clock.ts'
import { createSeededRandom } from './seeded-random.ts'
import { seededUuid } from './seeded-uuid.ts'
import { patchUncontrolledSources, type UncontrolledSourceFeed } from './uncontrolled-sources.ts'
import { createVirtualDate } from './virtual-date.ts'

// Independent PRNG streams of one seed: the epoch uses stream 0 (see replay-clock.ts).
const STREAMS = { random: 1, uuid: 2, uncontrolled: 3 } as const

/** One recording's values and the seed that continues them. */
export interface DeterminismFeedOptions {
  /** The recording's nondeterministic values, served in order. */
  recorded: Nondeterminism
  /** Seeds everything invented once the recorded values run out. */
  seed: number
}

export interface DeterminismOptions extends DeterminismFeedOptions {
  /** The isolate's patch registry; `patches.restore()` undoes everything installed here. */
  patches: PatchRegistry
}

/** What one recording's feed observed, read after the pipeline ran. */
export interface Determinism {
  /** Uncontrolled nondeterminism the code under test read, one error per source, in first-read order. */
  readonly violations: ParallaxError[]
  /** How many recorded values were served (never more than were recorded). */
  consumed(): { clock: number; random: number; uuids: number }
  /** Stops feeding this recording: until the next feed the code under test reads the real sources. Idempotent. */
  end(): void
}

/** The isolate's clock and randomness patches, installed once and fed one recording at a time. */
export interface ReplayDeterminism {
  /**
   * Serves `recorded` (then the seed's continuations) to the code under test until the returned feed ends;
   * every counter, PRNG stream and violation starts afresh. A feed still running is ended first.
   */
  feed(options: DeterminismFeedOptions): Determinism
}

/** Everything one recording's replay reads from, built fresh by every `feed`. */
interface Feed {
  clock: ReturnType<typeof createReplayClock>
  random: RecordedFeed<number>
  uuids: RecordedFeed<string>
  uncontrolled: UncontrolledSourceFeed
}

/**
 * Installs the clock and randomness patches once for an isolate, all through `patches`; they serve nothing
 * until `feed` is called (the code under test reads the real sources in between, as framework code always does).
 * @example
 * const determinism = installReplayDeterminism(patches) // when the isolate starts
 * const fed = determinism.feed({ recorded: recording.nondeterminism, seed: 1234 })
 * try { await tracer.run(input) } finally { fed.end() }
 * fed.violations // [] when the pipeline read only what the recording holds
 */
export function installReplayDeterminism(patches: PatchRegistry): ReplayDeterminism {
  let current: Feed | undefined
  const passThrough = () => current === undefined || inFrameworkScope()
  // The patches run only when passThrough() is false, that is while a feed is current.
  const fed = () => current as Feed
  const guard = <T extends object, K extends keyof T>(target: T, key: K, controlled: Controlled) =>
    patchGuarded(patches, target, key, controlled, passThrough)

  // Deferred first, so it runs after our own undo steps. The sync covers every builtin, so patches installed
  // before ours (the network layer's `http.request`) were pushed into ESM bindings too; they are undone after
  // this step, and the microtask syncs once more when the whole synchronous restore is over.
  patches.defer(() => {
    current = undefined
    syncBuiltinESMExports()
    queueMicrotask(syncBuiltinESMExports)
  })

  const RealDate = globalThis.Date
  const readClock = () => fed().clock.read()
  guard(RealDate, 'now', readClock)
  patches.replace(globalThis, 'Date', createVirtualDate(RealDate, readClock, passThrough))
  guard(performance, 'now', () => fed().clock.monotonicMs())
  guard(Math, 'random', () => fed().random.next())
  guard(nodeCrypto, 'randomUUID', () => fed().uuids.next())
  guard(globalThis.crypto, 'randomUUID', () => fed().uuids.next())
  patchUncontrolledSources(patches, () => fed().uncontrolled, passThrough)
  // `import { randomUUID } from 'node:crypto'` is a live binding that only follows the module object when
  // synced. Once per installation: the patched functions stay in place while feeds come and go.
  syncBuiltinESMExports()

  return {
    feed({ recorded, seed }) {
      const clock = createReplayClock(recorded.clock, seed)
      const randomStream = createSeededRandom(seed, STREAMS.random)
      const uuidStream = createSeededRandom(seed, STREAMS.uuid)
      const log = createViolationLog()
      const feed: Feed = {
        clock,
        random: createRecordedFeed(recorded.random, () => randomStream.next()),
        uuids: createRecordedFeed<string>(recorded.uuids, () => seededUuid(uuidStream)),
        uncontrolled: {
          log,
          random: createSeededRandom(seed, STREAMS.uncontrolled),
          monotonicMs: clock.monotonicMs,
        },
      }
      current = feed
      return {
        violations: log.violations,
        consumed: () => ({
          clock: clock.consumed(),
          random: feed.random.consumed(),
          uuids: feed.uuids.consumed(),
        }),
        end() {
          if (current === feed) current = undefined
        },
      }
    },
  }
}

/**
 * Installs the clock and randomness patches and feeds one recording, all through `patches`: the one-shot
 * form of {@link installReplayDeterminism}, for a single replay.
 * @example
 * const determinism = installDeterminism({ patches, recorded: recording.nondeterminism, seed: 1234 })
 * try { await tracer.run(input) } finally { patches.restore() }
 * determinism.violations // [] when the pipeline read only what the recording holds
 */
export function installDeterminism(options: DeterminismOptions): Determinism {
  const { patches, recorded, seed } = options
  const determinism = installReplayDeterminism(patches).feed({ recorded, seed })
  patches.defer(() => determinism.end())
  return determinism
}
