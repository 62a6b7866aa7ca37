/**
 * Nondeterminism the replay does not feed from the recording, found rather than hidden: each source the
 * code under test reads is reported once per replay, and the replay then fails with the first one.
 */
import { ParallaxError } from '../../recording/errors.ts'

/** The sources parallax cannot feed from a recording; reading one is a determinism violation. */
export const UNCONTROLLED_SOURCES = {
  'crypto.getRandomValues': 'random',
  'crypto.randomBytes': 'random',
  'crypto.randomInt': 'random',
  'crypto.randomFill': 'random',
  'crypto.randomFillSync': 'random',
  'process.hrtime': 'clock',
  'process.hrtime.bigint': 'clock',
} as const satisfies Record<string, 'random' | 'clock'>

/** One of the names in {@link UNCONTROLLED_SOURCES}, as it appears in the error's `details.source`. */
export type UncontrolledSource = keyof typeof UNCONTROLLED_SOURCES

const HINTS = {
  random:
    'Use crypto.randomUUID() or Math.random() (fed from the recording), or pass the value in the request.',
  clock: 'Use Date.now() or performance.now() (fed from the recording), or pass the value in the request.',
} as const

/**
 * The error for one uncontrolled read.
 * @example determinismViolation('crypto.getRandomValues').code // 'PARALLAX_DETERMINISM_VIOLATION'
 */
export function determinismViolation(source: UncontrolledSource): ParallaxError {
  return new ParallaxError(
    'PARALLAX_DETERMINISM_VIOLATION',
    `Failed to replay deterministically: the code under test read ${source}, which parallax does not feed from the recording.`,
    { hint: HINTS[UNCONTROLLED_SOURCES[source]], details: { source } },
  )
}

/** The violations of one replay, one per source, in the order they were first read. */
export interface ViolationLog {
  readonly violations: ParallaxError[]
  /** Notes a read of `source`; a source already reported is not reported again. */
  report(source: UncontrolledSource): void
}

/**
 * Creates an empty log for one replay.
 * @example
 * const log = createViolationLog()
 * log.report('process.hrtime'); log.report('process.hrtime')
 * log.violations.length // 1
 */
export function createViolationLog(): ViolationLog {
  const seen = new Set<UncontrolledSource>()
  const violations: ParallaxError[] = []
  return {
    violations,
    report(source) {
      if (seen.has(source)) return
      seen.add(source)
      violations.push(determinismViolation(source))
    },
  }
}
