/**
 * Pairing the stages of two traces by name. Traces of one pipeline list the same stages in the same
 * order (a trace that threw stops early); if they do not, left's order wins and extras are unpaired.
 */
import type { StageTrace } from '../pipeline/types.ts'

/** A stage as seen in both traces, or in one only. */
export interface StagePair {
  name: string
  left?: StageTrace
  right?: StageTrace
}

/**
 * Pairs stages by name in left's order, then appends stages only the right trace has, in its order.
 * @example pairStages(left.stages, right.stages).map((pair) => pair.name) // ['parse', 'retrieve', 'render']
 */
export function pairStages(left: readonly StageTrace[], right: readonly StageTrace[]): StagePair[] {
  const rightByName = new Map<string, StageTrace>()
  for (const stage of right) if (!rightByName.has(stage.name)) rightByName.set(stage.name, stage)
  const pairs: StagePair[] = []
  const paired = new Set<string>()
  for (const stage of left) {
    if (paired.has(stage.name)) continue
    paired.add(stage.name)
    const other = rightByName.get(stage.name)
    pairs.push(other ? { name: stage.name, left: stage, right: other } : { name: stage.name, left: stage })
  }
  for (const stage of right) {
    if (paired.has(stage.name)) continue
    paired.add(stage.name)
    pairs.push({ name: stage.name, right: stage })
  }
  return pairs
}
