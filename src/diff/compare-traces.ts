/**
 * Comparing two traces of one recording stage by stage, by the culprit rule (DESIGN.md, "The culprit
 * rule"): checkpoints are walked in execution order (a stage's input, its probes, its outbound calls,
 * its outcome); equal digests are skipped without parsing; only the stages where a divergence enters are
 * parsed and diffed. With noise rules, values whose digests differ are parsed and compared under the
 * rules (apply-noise.ts), so a difference only in noise is no divergence.
 */
import type { CapturedValue, StageTrace, Trace } from '../pipeline/types.ts'
import { ParallaxError } from '../recording/errors.ts'
import { createNoisyComparer, type NoisyComparer } from './apply-noise.ts'
import { clipValue } from './clip-value.ts'
import type { DiffJsonOptions } from './compute-delta.ts'
import {
  type DescribeValue,
  diffOutcomes,
  exactComparer,
  outcomeValue,
  sameOutcome,
  type ValueComparer,
} from './diff-captured.ts'
import type { CompiledNoise } from './noise-rules.ts'
import { describeOutbound, sameOutbound } from './outbound-calls.ts'
import { pairStages } from './pair-stages.ts'
import { diffProbe, firstDifferingProbe } from './probe-checkpoints.ts'
import {
  type Comparison,
  type Divergence,
  type DivergenceValues,
  type IntroducedDivergence,
  MAX_KEPT_VALUE_CHARS,
  type StageComparison,
} from './types.ts'

/** How to compare: diff options, and whether to keep the values where the divergence shows. */
export interface CompareOptions extends DiffJsonOptions {
  /**
   * Keep the divergence's values (`divergence.values`, see {@link DivergenceValues}) for side-by-side
   * views. Off by default: it parses the whole diverging value, where the diff parses only what differs.
   */
  keepValues?: boolean
  /**
   * Noise rules (compileNoiseRules): values that differ only where they allow count as equal, changed
   * paths leave out what they hide, and `comparison.noise` says how much each rule hid.
   */
  noise?: CompiledNoise | undefined
}

/**
 * How values are compared under these options: by the noise rules when there are any (the noisy comparer
 * also counts what each rule hid), else exactly.
 * @example const { comparer } = comparersFor({ noise }); comparer.same(a, b, describe)
 */
export function comparersFor(options: CompareOptions): {
  comparer: ValueComparer
  noiseComparer?: NoisyComparer
} {
  const noisy = options.noise && (options.noise.rules.length > 0 || options.noise.identityKeys)
  if (noisy) {
    const noiseComparer = createNoisyComparer(options.noise!)
    return { comparer: noiseComparer, noiseComparer }
  }
  const identity = options.identityKeys
  return { comparer: exactComparer(identity ? { identityKeys: identity } : {}) }
}

/** The first divergence found, before `propagatedTo` is known. */
type FirstDivergence = IntroducedDivergence & { values?: DivergenceValues }

/**
 * Compares two traces of the same recording and names where they diverge: the culprit stage (input
 * equal, output or a probe not), or an external entry (a stage input or outbound request that differs
 * with nothing differing before it), and the stages that only carry it.
 * @example
 * const comparison = compareTraces(localTrace, productionTrace)
 * if (comparison.divergence.kind === 'stage') console.log(comparison.divergence.culprit, comparison.divergence.paths)
 */
export function compareTraces(left: Trace, right: Trace, options: CompareOptions = {}): Comparison {
  const keep = options.keepValues === true
  checkComparable(left, right)
  const { comparer, noiseComparer } = comparersFor(options)
  const variants: [string, string] = [left.variant, right.variant]
  const stages: StageComparison[] = []
  const propagatedTo: string[] = []
  let first: FirstDivergence | undefined
  const others: IntroducedDivergence[] = []

  // Stages whose output differs (or ran under one variant only): what a later stage's input can carry.
  const outputDiffers = new Set<string>()
  const found = (divergence: FirstDivergence) => {
    if (!first) first = divergence
    else others.push(withoutValues(divergence))
  }
  let previous: string | undefined
  for (const pair of pairStages(left.stages, right.stages)) {
    const predecessors = pair.left?.inputs ?? pair.right?.inputs ?? (previous === undefined ? [] : [previous])
    previous = pair.name
    if (!pair.left || !pair.right) {
      stages.push({ name: pair.name, verdict: 'missing', inputEqual: false, outputEqual: false })
      outputDiffers.add(pair.name)
      if (!first) first = missingStage(pair.name, pair.left ? [left, right] : [right, left])
      continue
    }
    const l = pair.left
    const r = pair.right
    const inputEqual = comparer.same(l.input, r.input, describer('input', l, variants))
    const outputEqual = sameOutcome(l.outcome, r.outcome, comparer, describer('output', l, variants))
    const row: StageComparison = { name: pair.name, verdict: 'equal', inputEqual, outputEqual }
    stages.push(row)
    if (!outputEqual) outputDiffers.add(pair.name)

    if (!inputEqual) {
      // In a DAG only what the stage takes counts: a difference on another branch is not its cause.
      if (predecessors.some((name) => outputDiffers.has(name))) {
        row.verdict = 'propagated'
        propagatedTo.push(pair.name)
        continue
      }
      row.verdict = 'entry'
      row.paths = outputEqual
        ? []
        : diffOutcomes(l.outcome, r.outcome, describer('output', l, variants), comparer)
      found({
        kind: 'external',
        source: 'input',
        stage: pair.name,
        detail:
          `Stage ${pair.name} received a different input under ${variants[0]} and ${variants[1]} while no ` +
          'stage before it differs: the difference comes from outside the pipeline (configuration, ' +
          'environment, or the request as each variant sees it).',
        paths: comparer.diff(l.input, r.input, describer('input', l, variants)),
        ...(keep && { values: keptValues(l.input, r.input) }),
      })
      continue
    }

    const probe = firstDifferingProbe(pair.name, l.probes, r.probes, comparer)
    const outboundEqual = sameOutbound(l.outbound, r.outbound)
    if (!probe && outboundEqual && outputEqual) continue

    // Input agrees, something inside the stage does not: a divergence is introduced here.
    row.verdict = 'culprit'
    row.paths = outputEqual
      ? []
      : diffOutcomes(l.outcome, r.outcome, describer('output', l, variants), comparer)
    if (probe) {
      const describe: DescribeValue = (side) =>
        `probe ${probe.name} under ${side === 'left' ? variants[0] : variants[1]}`
      const probeRow: StageComparison = {
        name: probe.name,
        stage: pair.name,
        verdict: 'culprit',
        inputEqual: true,
        outputEqual: false,
        paths: diffProbe(probe, describe, comparer),
      }
      stages.push(probeRow)
      // The stage is the culprit; the probe locates the divergence inside it. Show the output's paths when
      // the output differs too (that is what the stage hands on), the probe's when only the probe does.
      found({
        kind: 'stage',
        culprit: pair.name,
        checkpoint: probe.name,
        paths: outputEqual ? probeRow.paths! : row.paths,
        ...(keep && { values: keptValues(probe.left?.value, probe.right?.value, l.input) }),
      })
    } else if (!outboundEqual) {
      found({
        kind: 'external',
        source: 'outbound',
        stage: pair.name,
        detail: describeOutbound(pair.name, l.outbound, r.outbound, variants),
        paths: row.paths,
        ...(keep && { values: { left: l.outbound, right: r.outbound, clipped: false } }),
      })
    } else {
      found({
        kind: 'stage',
        culprit: pair.name,
        paths: row.paths,
        ...(keep && { values: keptValues(outcomeValue(l.outcome), outcomeValue(r.outcome), l.input) }),
      })
    }
  }

  const comparison: Comparison = {
    recordingId: left.recordingId,
    pipeline: left.pipeline,
    variants,
    stages,
    divergence: divergenceOf(first, propagatedTo, stages, others),
  }
  if (noiseComparer) comparison.noise = noiseComparer.hidden()
  return comparison
}

function divergenceOf(
  first: FirstDivergence | undefined,
  propagatedTo: string[],
  stages: readonly StageComparison[],
  others: IntroducedDivergence[],
): Divergence {
  if (!first) return { kind: 'none', stagesCompared: stages.length }
  return others.length === 0 ? { ...first, propagatedTo } : { ...first, propagatedTo, others }
}

function withoutValues(divergence: FirstDivergence): IntroducedDivergence {
  const { values: _values, ...rest } = divergence
  return rest
}

/** A stage that ran under one variant only, with nothing differing before it (the other replay stopped short). */
function missingStage(name: string, [ran, stopped]: [Trace, Trace]): FirstDivergence {
  const reason = stopped.failure
    ? `: the replay under ${stopped.variant} failed (${stopped.failure.message})`
    : ''
  return {
    kind: 'external',
    source: 'input',
    stage: name,
    detail: `Stage ${name} ran under ${ran.variant} only while no stage before it differs${reason}.`,
    paths: [],
  }
}

/**
 * The values of a divergence, parsed from their canonical JSON; one too long to keep whole is kept as
 * the start of its JSON (a string), and a side that has no value (a probe taken under one variant) as undefined.
 */
function keptValues(
  left: CapturedValue | undefined,
  right: CapturedValue | undefined,
  input?: CapturedValue,
): DivergenceValues {
  let clipped = false
  const keep = (value: CapturedValue | undefined): unknown => {
    if (value === undefined) return undefined
    if (value.json.length <= MAX_KEPT_VALUE_CHARS) {
      try {
        return JSON.parse(value.json)
      } catch {
        // Not JSON (a trace written by hand): kept as text below.
      }
    }
    clipped ||= value.json.length > MAX_KEPT_VALUE_CHARS
    return clipValue(value.json, 2000)
  }
  const values: DivergenceValues = { left: keep(left), right: keep(right), clipped: false }
  if (input !== undefined) values.input = keep(input)
  values.clipped = clipped
  return values
}

function describer(
  what: 'input' | 'output',
  stage: StageTrace,
  variants: readonly [string, string],
): DescribeValue {
  return (side) => `the ${what} of stage ${stage.name} under ${side === 'left' ? variants[0] : variants[1]}`
}

function checkComparable(left: Trace, right: Trace): void {
  for (const field of ['pipeline', 'recordingId'] as const) {
    if (left[field] === right[field]) continue
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to compare traces: they have different ${field === 'pipeline' ? 'pipelines' : 'recordings'} ` +
        `(${left[field]} under ${left.variant}, ${right[field]} under ${right.variant}).`,
      {
        hint: 'Compare two replays of the same recording through the same pipeline, under two variants.',
        details: { field, left: left[field], right: right[field] },
      },
    )
  }
}
