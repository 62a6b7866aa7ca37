/**
 * What each recording's result amounts to (agree, diverge, failed) and where the diverging ones point.
 */
import type { RecordingOutcome, RecordingResult } from './types.ts'

/** The three outcomes a recording can have. */
export type RecordingStatus = 'agree' | 'diverge' | 'failed'

/**
 * The status of one recording's result.
 * @example statusOf({ kind: 'failed', variant: 'local', error, runs: [] }) // 'failed'
 */
export function statusOf(result: RecordingResult): RecordingStatus {
  if (result.kind === 'failed') return 'failed'
  return result.comparison.divergence.kind === 'none' ? 'agree' : 'diverge'
}

/** How many recordings diverge at one place: a culprit stage (or probe), or an external entry at a stage. */
export interface CulpritCount {
  source: 'stage' | 'outbound' | 'input'
  /** The culprit stage or probe (`stage:probe`), or the stage where an external difference is first seen. */
  stage: string
  count: number
}

/**
 * The culprit histogram: one entry per place, most frequent first, ties in order of first appearance.
 * @example countCulprits(run.recordings) // [{ source: 'stage', stage: 'decode', count: 5 }]
 */
export function countCulprits(recordings: readonly RecordingOutcome[]): CulpritCount[] {
  const counts = new Map<string, CulpritCount>()
  for (const outcome of recordings) {
    if (outcome.result.kind !== 'compared') continue
    const divergence = outcome.result.comparison.divergence
    if (divergence.kind === 'none') continue
    const entry: CulpritCount =
      divergence.kind === 'stage'
        ? { source: 'stage', stage: divergence.culprit, count: 0 }
        : { source: divergence.source, stage: divergence.stage, count: 0 }
    const key = `${entry.source}\u0000${entry.stage}`
    const existing = counts.get(key) ?? entry
    existing.count++
    counts.set(key, existing)
  }
  // Array.prototype.sort is stable, so ties keep their order of first appearance.
  return [...counts.values()].sort((a, b) => b.count - a.count)
}
