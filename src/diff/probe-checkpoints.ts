/**
 * Probe checkpoints inside a stage, compared in the order they were taken (index by index, names too).
 */
import type { ProbeTrace } from '../pipeline/types.ts'
import { type DescribeValue, parseCaptured, type ValueComparer } from './diff-captured.ts'
import type { ChangedPath } from './types.ts'

/** The first probe position at which two stages' probe lists differ. */
export interface ProbeDifference {
  /** `<stage>:<probe>`, with `#n` for the n-th probe of that name in the stage. */
  name: string
  left?: ProbeTrace
  right?: ProbeTrace
}

/**
 * Finds the first probe that differs in name or value (or exists on one side only); with an exact
 * comparer, digests only, nothing parsed.
 * @example firstDifferingProbe('retrieve', left.probes, right.probes, exactComparer())?.name // 'retrieve:scores'
 */
export function firstDifferingProbe(
  stage: string,
  left: readonly ProbeTrace[],
  right: readonly ProbeTrace[],
  comparer: ValueComparer,
): ProbeDifference | undefined {
  const length = Math.max(left.length, right.length)
  for (let index = 0; index < length; index++) {
    const l = left[index]
    const r = right[index]
    if (l && r && l.name === r.name && comparer.same(l.value, r.value, () => `probe ${stage}:${l.name}`))
      continue
    const named = (l ?? r)!
    const earlier = (l ? left : right).slice(0, index).filter((probe) => probe.name === named.name).length
    const name = `${stage}:${named.name}${earlier > 0 ? `#${earlier + 1}` : ''}`
    const difference: ProbeDifference = { name }
    if (l) difference.left = l
    if (r) difference.right = r
    return difference
  }
  return undefined
}

/**
 * The changed paths of a differing probe: its value's diff, or one change at `$` when the probe was
 * taken under one variant only or under another name.
 * @example diffProbe(difference, describe, exactComparer()) // [{ op: 'replace', path: '$.scores[0]', before: 0.9, after: 0.4 }]
 */
export function diffProbe(
  difference: ProbeDifference,
  describe: DescribeValue,
  comparer: ValueComparer,
): ChangedPath[] {
  const { left, right } = difference
  if (left && right && left.name === right.name) return comparer.diff(left.value, right.value, describe)
  const before = left ? parseCaptured(left.value, () => describe('left')) : undefined
  const after = right ? parseCaptured(right.value, () => describe('right')) : undefined
  if (!left) return [{ op: 'add', path: '$', after }]
  if (!right) return [{ op: 'remove', path: '$', before }]
  return [{ op: 'replace', path: '$', before, after }]
}
