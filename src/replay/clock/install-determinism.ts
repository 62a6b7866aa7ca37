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
 * Not covered: a function copied out before installation (`const { randomUUID } = crypto` at module load,
 * `new OriginalDate()` from a reference kept before), and clocks read inside V8 (`Intl.DateTimeFormat().format()`).
 */
import nodeCrypto from 'node:crypto'
import { syncBuiltinESMExports } from 'node:module'
import type { ParallaxError } from '../../recording/errors.ts'
import type { Nondeterminism } from '../../recording/types.ts'
import { inFrameworkScope } from '../framework-scope.ts'
import type { PatchRegistry } from '../patches.ts'
import { createViolationLog } from './determinism-violation.ts'
import { patchGuarded } from './guarded-patch.ts'
import { createRecordedFeed } from './recorded-feed.ts'
import { createReplayClock } from './replay-clock.ts'
import { createSeededRandom } from './seeded-random.ts'
import { seededUuid } from './seeded-uuid.ts'
import { patchUncontrolledSources } from './uncontrolled-sources.ts'
import { createVirtualDate } from './virtual-date.ts'

// Independent PRNG streams of one seed: the epoch uses stream 0 (see replay-clock.ts).
const STREAMS = { random: 1, uuid: 2, uncontrolled: 3 } as const

export interface DeterminismOptions {
  /** The isolate's patch registry; `patches.restore()` undoes everything installed here. */
  patches: PatchRegistry
  /** The recording's nondeterministic values, served in order. */
  recorded: Nondeterminism
  /** Seeds everything invented once the recorded values run out. */
  seed: number
}

/** What one installation observed, read after the pipeline ran. */
export interface Determinism {
  /** Uncontrolled nondeterminism the code under test read, one error per source, in first-read order. */
  readonly violations: ParallaxError[]
  /** How many recorded values were served (never more than were recorded). */
  consumed(): { clock: number; random: number; uuids: number }
}

/**
 * Installs the clock and randomness patches for one replay of one recording, all through `patches`.
 * @example
 * const determinism = installDeterminism({ patches, recorded: recording.nondeterminism, seed: 1234 })
 * try { await tracer.run(input) } finally { patches.restore() }
 * determinism.violations // [] when the pipeline read only what the recording holds
 */
export function installDeterminism(options: DeterminismOptions): Determinism {
  const { patches, recorded, seed } = options
  const clock = createReplayClock(recorded.clock, seed)
  const randomStream = createSeededRandom(seed, STREAMS.random)
  const random = createRecordedFeed(recorded.random, () => randomStream.next())
  const uuidStream = createSeededRandom(seed, STREAMS.uuid)
  const uuids = createRecordedFeed<string>(recorded.uuids, () => seededUuid(uuidStream))
  const log = createViolationLog()

  // Deferred first, so it runs after our own undo steps. The sync covers every builtin, so patches installed
  // before ours (the network layer's `http.request`) were pushed into ESM bindings too; they are undone after
  // this step, and the microtask syncs once more when the whole synchronous restore is over.
  patches.defer(() => {
    syncBuiltinESMExports()
    queueMicrotask(syncBuiltinESMExports)
  })

  const RealDate = globalThis.Date
  patchGuarded(patches, RealDate, 'now', () => clock.read())
  patches.replace(globalThis, 'Date', createVirtualDate(RealDate, clock.read, inFrameworkScope))
  patchGuarded(patches, performance, 'now', () => clock.monotonicMs())
  patchGuarded(patches, Math, 'random', () => random.next())
  patchGuarded(patches, nodeCrypto, 'randomUUID', () => uuids.next())
  patchGuarded(patches, globalThis.crypto, 'randomUUID', () => uuids.next())
  patchUncontrolledSources(patches, {
    log,
    random: createSeededRandom(seed, STREAMS.uncontrolled),
    monotonicMs: clock.monotonicMs,
  })
  // `import { randomUUID } from 'node:crypto'` is a live binding that only follows the module object when synced.
  syncBuiltinESMExports()

  return {
    violations: log.violations,
    consumed: () => ({ clock: clock.consumed(), random: random.consumed(), uuids: uuids.consumed() }),
  }
}
