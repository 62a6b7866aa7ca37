/**
 * Where a recording's divergence enters, as one string: what explain groups recordings by and what a
 * shrunk recording must keep.
 */
import type { RecordingResult } from '../report/index.ts'

/**
 * The culprit stage (`decode`), or the stage where an external difference shows with its source
 * (`retrieve (outbound)`); undefined when the variants agree or a replay failed.
 * @example placeOf(outcome.result) // 'decode'
 */
export function placeOf(result: RecordingResult): string | undefined {
  if (result.kind !== 'compared') return undefined
  const divergence = result.comparison.divergence
  if (divergence.kind === 'stage') return divergence.culprit
  if (divergence.kind === 'external') return `${divergence.stage} (${divergence.source})`
  return undefined
}
