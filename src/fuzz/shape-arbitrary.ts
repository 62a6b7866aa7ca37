/**
 * Arbitraries derived from the shape of a recorded JSON value: the same keys and types, with values
 * pushed to the edges that break code — strings with Unicode edge cases (combining marks, astral
 * emoji, right-to-left text, NUL, multi-byte characters), numbers at their boundaries, empty and huge
 * strings and arrays, a missing field. Every mutation shrinks back toward the recorded value, so a
 * counterexample keeps only the changes that matter.
 */
import fc from 'fast-check'

/**
 * Pieces inserted into recorded strings, simplest first (fast-check shrinks toward the first): the bytes
 * that cut badly (2-, 3- and 4-byte UTF-8), then the characters that render or compare badly.
 */
export const UNICODE_EDGES: readonly string[] = [
  'é',
  '€',
  '😀',
  'e\u0301',
  '\u0000',
  'שלום',
  '\u202e',
  '👩‍👩‍👧',
  '\ufeff',
  '\u00a0',
  '𝕏',
  '\u200b',
  'ﬁ',
]

/** Numbers at the edges of what code handles. */
const NUMBER_EDGES: readonly number[] = [
  0,
  -1,
  1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 31,
  -(2 ** 31),
  1e308,
  5e-324,
  0.1,
]

/**
 * Every choice shrinks across to its first option, the recorded value: a counterexample keeps only the
 * changes it needs.
 */
export const CROSS = { withCrossShrink: true } as const

/** A string as long as a dependency might send when it misbehaves. */
const HUGE = 65_536

/** How deep a value's shape is followed; deeper parts are kept as recorded. */
const MAX_DEPTH = 16

/**
 * A string arbitrary around a recorded one: itself (40%), with 1–4 edge pieces inserted at any code-point
 * position (50%), made only of edge pieces, empty, or (1%) huge.
 * @example fc.sample(stringAround('hello'), 3) // ['hello', 'he😀llo', '']
 */
export function stringAround(recorded: string): fc.Arbitrary<string> {
  const points = [...recorded]
  const piece = fc.constantFrom(...UNICODE_EDGES)
  const inserted = fc
    .array(fc.tuple(fc.nat({ max: points.length }), piece), { minLength: 1, maxLength: 4 })
    .map((inserts) => {
      const out = [...points]
      // Later positions first, so each index refers to the recorded string.
      for (const [at, text] of [...inserts].sort((a, b) => b[0] - a[0])) out.splice(at, 0, text)
      return out.join('')
    })
  return fc.oneof(
    CROSS,
    { weight: 40, arbitrary: fc.constant(recorded) },
    { weight: 50, arbitrary: inserted },
    { weight: 6, arbitrary: fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join('')) },
    { weight: 3, arbitrary: fc.constant('') },
    // Rare: a body with ten strings gets one about one run in ten.
    { weight: 1, arbitrary: fc.constant('x'.repeat(HUGE)) },
  )
}

/**
 * An arbitrary of values shaped like `recorded`: objects keep their keys (one may go missing), arrays
 * their items (or go empty), strings, numbers and booleans vary as above; null stays null.
 * @example fc.sample(shapeArbitrary({ text: 'hi', k: 3 }), 2) // [{ text: 'hi', k: 3 }, { text: 'h€i', k: 0 }]
 */
export function shapeArbitrary(recorded: unknown, depth = 0): fc.Arbitrary<unknown> {
  if (depth >= MAX_DEPTH) return fc.constant(recorded)
  switch (typeof recorded) {
    case 'string':
      return stringAround(recorded)
    case 'number':
      return fc.oneof(
        CROSS,
        { weight: 4, arbitrary: fc.constant(recorded) },
        { weight: 1, arbitrary: fc.constantFrom(...NUMBER_EDGES) },
      )
    case 'boolean':
      return fc.oneof(CROSS, fc.constant(recorded), fc.constant(!recorded))
    default:
      break
  }
  if (Array.isArray(recorded)) {
    if (recorded.length === 0) return fc.constant([])
    const items = fc.tuple(...recorded.map((item) => shapeArbitrary(item, depth + 1)))
    return fc.oneof(CROSS, { weight: 9, arbitrary: items }, { weight: 1, arbitrary: fc.constant([]) })
  }
  if (typeof recorded === 'object' && recorded !== null) {
    const entries = Object.entries(recorded)
    if (entries.length === 0) return fc.constant({})
    const model = Object.fromEntries(entries.map(([key, value]) => [key, shapeArbitrary(value, depth + 1)]))
    const missing = fc.oneof(
      CROSS,
      { weight: 9, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...entries.map(([key]) => key)) },
    )
    return fc.tuple(fc.record(model), missing).map(([value, drop]) => {
      if (drop === undefined) return value
      const { [drop]: _dropped, ...rest } = value
      return rest
    })
  }
  return fc.constant(recorded)
}
