/**
 * Diffing captured values (canonical JSON text plus digest). Equal digests mean equal values, so only
 * values whose digests differ are looked into: for a 10 MB output that agrees, the cost is one string compare.
 */
import type { CapturedValue, StageOutcome } from '../pipeline/types.ts'
import { ParallaxError } from '../recording/errors.ts'
import { computeDelta, type DiffJsonOptions } from './compute-delta.ts'
import { flattenDelta } from './flatten-delta.ts'
import { computeTextDelta } from './text-delta.ts'
import type { ChangedPath } from './types.ts'

/** Names a captured value in error messages: `the output of stage retrieve under production`. */
export type DescribeValue = (side: 'left' | 'right') => string

/**
 * How two captured values are compared: exactly (equal digests; see {@link exactComparer}) or under
 * noise rules (apply-noise.ts).
 * @example if (!comparer.same(l.input, r.input, describe)) paths = comparer.diff(l.input, r.input, describe)
 */
export interface ValueComparer {
  /** True when the values count as equal. */
  same(left: CapturedValue, right: CapturedValue, describe: DescribeValue): boolean
  /** The changed paths (empty exactly when `same`). */
  diff(left: CapturedValue, right: CapturedValue, describe: DescribeValue): ChangedPath[]
}

/**
 * Compares captured values exactly: equal digests, and {@link diffCaptured} for the paths.
 * @example exactComparer({ identityKeys: ['docId'] }).same(a, b, describe)
 */
export function exactComparer(options: DiffJsonOptions = {}): ValueComparer {
  return {
    same: (left, right) => left.digest === right.digest,
    diff: (left, right, describe) => diffCaptured(left, right, describe, options),
  }
}

/**
 * True when two stage outcomes are the same: same kind (ok or error) and equal values.
 * @example sameOutcome(left.outcome, right.outcome, exactComparer(), describe)
 */
export function sameOutcome(
  left: StageOutcome,
  right: StageOutcome,
  comparer: ValueComparer,
  describe: DescribeValue,
): boolean {
  return left.kind === right.kind && comparer.same(outcomeValue(left), outcomeValue(right), describe)
}

/**
 * The captured value of an outcome: the output when the stage returned, the encoded error when it threw.
 * @example outcomeValue({ kind: 'ok', output }) === output
 */
export function outcomeValue(outcome: StageOutcome): CapturedValue {
  return outcome.kind === 'ok' ? outcome.output : outcome.error
}

/**
 * Parses a captured value's canonical JSON, failing with a ParallaxError that names the value.
 * @example parseCaptured(stage.input, () => 'the input of stage parse under local')
 */
export function parseCaptured(value: CapturedValue, describe: () => string): unknown {
  try {
    return JSON.parse(value.json)
  } catch (error) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to compare traces: ${describe()} is not JSON (${(error as Error).message}).`,
      {
        hint: 'Compare traces as the replayer writes them: every captured value holds canonical JSON text.',
        cause: error,
      },
    )
  }
}

/**
 * The changed paths between two captured values: nothing is parsed when their digests agree, and only
 * the subtrees whose canonical text differs when they do not (see text-delta.ts).
 * @example diffCaptured(left.input, right.input, (side) => `the input of stage parse (${side})`)
 */
export function diffCaptured(
  left: CapturedValue,
  right: CapturedValue,
  describe: DescribeValue,
  options: DiffJsonOptions = {},
): ChangedPath[] {
  if (left.digest === right.digest) return []
  try {
    return flattenDelta(computeTextDelta(left.json, right.json, options))
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    // Name the side that is not JSON; if both parse, diff the parsed values the plain way.
    const before = parseCaptured(left, () => describe('left'))
    const after = parseCaptured(right, () => describe('right'))
    return flattenDelta(computeDelta(before, after, options))
  }
}

/**
 * The changed paths between two outcomes. An error against a normal output is one replace of `$` (the
 * encoded error against the output), not a key-by-key diff of two unrelated shapes.
 * @example diffOutcomes({ kind: 'ok', output }, { kind: 'error', error, message }, describe, exactComparer()) // [{ op: 'replace', path: '$', … }]
 */
export function diffOutcomes(
  left: StageOutcome,
  right: StageOutcome,
  describe: DescribeValue,
  comparer: ValueComparer,
): ChangedPath[] {
  const leftValue = outcomeValue(left)
  const rightValue = outcomeValue(right)
  if (left.kind === right.kind) return comparer.diff(leftValue, rightValue, describe)
  return [
    {
      op: 'replace',
      path: '$',
      before: parseCaptured(leftValue, () => describe('left')),
      after: parseCaptured(rightValue, () => describe('right')),
    },
  ]
}
