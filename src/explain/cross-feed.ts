/**
 * Cross-feeding (DESIGN.md, "Explaining a divergence"): a stage whose input already differs between the
 * two variants is run under the left variant on the right variant's input. If it then gives what the
 * right variant gave, it only carries the divergence (propagates); if not, it introduces one of its own
 * too. Every introducing stage is found this way, not only the first.
 *
 * Blame needs a stage whose output depends on its input alone, so each stage is first run alone on its
 * own input, in a fresh isolate (fresh module state, the recording's network, the clock and randomness
 * from their first value): a stage that then gives another output than inside the pipeline reads state
 * outside its input (left by an earlier stage, or the position in the clock or random feed) and is
 * reported as such, never blamed.
 */
import {
  type ChangedPath,
  type CompiledNoise,
  comparersFor,
  type DescribeValue,
  diffOutcomes,
  sameOutcome,
  type ValueComparer,
} from '../diff/index.ts'
import type { StageOutcome, StageTrace, Trace } from '../pipeline/types.ts'

/** What a stage does with the divergence. */
export type StageRole =
  /** Same input, same output. */
  | 'agrees'
  /**
   * Its output (or a probe inside it) differs on the same input, directly or when cross-fed: a divergence
   * starts here.
   */
  | 'introduces'
  /** Its input differs, and on the same input both variants give the same output: it only carries it. */
  | 'propagates'
  /** Its input differs, its output does not: the divergence stops here. */
  | 'absorbs'
  /** Run alone on its own input it gives another output: it reads state outside its input. */
  | 'impure'
  /** A run alone failed (an outbound call the recording does not hold, a timeout): no verdict. */
  | 'inconclusive'
  /** An earlier stage threw under one variant, so this one did not run under both. */
  | 'not run'

export interface StageRoleResult {
  stage: string
  role: StageRole
  /** Why, in a sentence, for every role but `agrees`. */
  detail?: string
  /** The changed output paths behind `introduces` (on the same input). */
  paths?: ChangedPath[]
}

/**
 * Runs one stage alone, in a fresh isolate of one of the two variants (0 left, 1 right), on each of the
 * inputs (canonical JSON) in turn; one trace per input, each holding that stage only.
 */
export type RunAlone = (side: 0 | 1, stage: string, inputsJson: readonly string[]) => Promise<Trace[]>

/**
 * Classifies every stage of one recording's two traces.
 * @example const roles = await crossFeed(localTrace, productionTrace, runAlone, { noise })
 */
export async function crossFeed(
  left: Trace,
  right: Trace,
  runAlone: RunAlone,
  options: { noise?: CompiledNoise } = {},
): Promise<StageRoleResult[]> {
  const { comparer } = comparersFor(options.noise ? { noise: options.noise } : {})
  const variants = [left.variant, right.variant] as const
  const rightStages = new Map(right.stages.map((s) => [s.name, s]))
  const results: StageRoleResult[] = []
  for (const l of left.stages) {
    const r = rightStages.get(l.name)
    if (!r) {
      results.push({ stage: l.name, role: 'not run', detail: `it ran under ${variants[0]} only` })
      continue
    }
    results.push(await classify(l, r, runAlone, comparer, variants))
  }
  for (const r of right.stages) {
    if (!left.stages.some((l) => l.name === r.name)) {
      results.push({ stage: r.name, role: 'not run', detail: `it ran under ${variants[1]} only` })
    }
  }
  return results
}

async function classify(
  l: StageTrace,
  r: StageTrace,
  runAlone: RunAlone,
  comparer: ValueComparer,
  variants: readonly [string, string],
): Promise<StageRoleResult> {
  const stage = l.name
  const describe =
    (what: string): DescribeValue =>
    (side) =>
      `the ${what} of stage ${stage} under ${side === 'left' ? variants[0] : variants[1]}`
  const inputEqual = comparer.same(l.input, r.input, describe('input'))
  const outputEqual = sameOutcome(l.outcome, r.outcome, comparer, describe('output'))
  if (outputEqual) {
    const probe = inputEqual ? differingProbe(l, r, comparer, variants) : undefined
    if (probe !== undefined) {
      return {
        stage,
        role: 'introduces',
        detail: `same input and output, but its probe ${probe} differs inside it`,
      }
    }
    return inputEqual
      ? { stage, role: 'agrees' }
      : {
          stage,
          role: 'absorbs',
          detail: 'its input differs and its output does not: the divergence stops here',
        }
  }

  const [[leftAlone, crossFed], [rightAlone]] = await Promise.all([
    runAlone(0, stage, inputEqual ? [l.input.json] : [l.input.json, r.input.json]),
    runAlone(1, stage, [r.input.json]),
  ])
  for (const [side, alone, inPipeline] of [
    [0, leftAlone, l],
    [1, rightAlone, r],
  ] as const) {
    const failed = aloneFailure(alone)
    if (failed !== undefined) {
      return {
        stage,
        role: 'inconclusive',
        detail: `run alone under ${variants[side]} on its own input it ${failed}`,
      }
    }
    const outcome = alone!.stages[0]!.outcome
    if (!sameOutcome(outcome, inPipeline.outcome, comparer, describe('output'))) {
      return {
        stage,
        role: 'impure',
        detail:
          `run alone on its own input under ${variants[side]}, in a fresh isolate, it gives another output than ` +
          'inside the pipeline: it reads state outside its input (left by an earlier stage, module state, or its ' +
          'place in the clock or random feed), so cross-feeding cannot blame it',
      }
    }
  }

  if (inputEqual) {
    return {
      stage,
      role: 'introduces',
      detail: 'same input, different output',
      paths: diffOutcomes(l.outcome, r.outcome, describe('output'), comparer),
    }
  }
  const failed = aloneFailure(crossFed)
  if (failed !== undefined) {
    return {
      stage,
      role: 'inconclusive',
      detail: `run under ${variants[0]} on the input it had under ${variants[1]} it ${failed}`,
    }
  }
  const fed: StageOutcome = crossFed!.stages[0]!.outcome
  if (sameOutcome(fed, r.outcome, comparer, describe('output'))) {
    return {
      stage,
      role: 'propagates',
      detail: `fed the same input, ${variants[0]} and ${variants[1]} give the same output`,
    }
  }
  return {
    stage,
    role: 'introduces',
    detail: `fed ${variants[1]}'s input, ${variants[0]} still gives another output: it adds a divergence of its own`,
    paths: diffOutcomes(fed, r.outcome, describe('output'), comparer),
  }
}

/** The name of the first probe that differs between the two runs of a stage (by position), if any. */
function differingProbe(
  l: StageTrace,
  r: StageTrace,
  comparer: ValueComparer,
  variants: readonly [string, string],
): string | undefined {
  const count = Math.max(l.probes.length, r.probes.length)
  for (let index = 0; index < count; index++) {
    const a = l.probes[index]
    const b = r.probes[index]
    if (a === undefined || b === undefined) return (a ?? b)!.name
    const describe: DescribeValue = (side) =>
      `probe ${a.name} of stage ${l.name} under ${side === 'left' ? variants[0] : variants[1]}`
    if (a.name !== b.name || !comparer.same(a.value, b.value, describe)) return a.name
  }
  return undefined
}

/** Why a stage run alone proves nothing (`failed: …`), or undefined when it ran. */
function aloneFailure(trace: Trace | undefined): string | undefined {
  if (trace === undefined) return 'did not run'
  if (trace.failure) return `failed: ${trace.failure.message}`
  if (trace.stages.length !== 1) return 'did not run'
  return undefined
}
