/**
 * Validating a fix before it ships: the scenario's recordings replayed under both variants with the
 * pipeline as it is (the baseline) and with a candidate pipeline module, and each recording classified —
 * fixed (diverged, now agrees), still diverging, newly diverging (agreed, now diverges), unchanged.
 */
import { resolve } from 'node:path'
import type { PipelineRef } from '../replay/types.ts'
import { type RecordingOutcome, type ReplayRun, statusOf } from '../report/index.ts'
import type { ResolvedScenario } from './load-scenario.ts'
import { runScenario } from './run-scenario.ts'
import { divergesAt } from './run-suite.ts'

/** What a candidate did to one recording. */
export type VerifyClass = 'fixed' | 'still-diverging' | 'newly-diverging' | 'unchanged' | 'failed'

/** One recording, before and after. */
export interface VerifiedRecording {
  recordingId: string
  route: string
  class: VerifyClass
  /** Where it diverges (or why it failed) under the baseline and under the candidate, in words. */
  before: string
  after: string
  replayKey: string
}

/**
 * The verdict on a candidate.
 * @example const { counts } = await verifyCandidate(scenario, { module: 'fix/pipeline.ts', export: 'copilot' })
 */
export interface Verification {
  scenario: string
  variants: [string, string]
  candidate: string
  recordings: VerifiedRecording[]
  counts: Record<VerifyClass, number>
  baseline: ReplayRun
  candidateRun: ReplayRun
}

/**
 * Replays the scenario with its own pipeline and with `candidate`, and compares the two verdicts.
 * @example await verifyCandidate(scenario, { module: resolve('examples/copilot/candidate-pipeline.ts'), export: 'copilot' })
 */
export async function verifyCandidate(
  scenario: ResolvedScenario,
  candidate: PipelineRef,
  options: { onProgress?: (done: number, total: number, label: string) => void; cwd?: string } = {},
): Promise<Verification> {
  const cwd = options.cwd ?? process.cwd()
  const progress = (phase: string) => (done: number, total: number, outcome: RecordingOutcome) =>
    options.onProgress?.(done, total, `${phase} ${outcome.recordingId}`)
  const baseline = await runScenario(scenario, { cwd, onProgress: progress('baseline') })
  const candidateRun = await runScenario(
    {
      ...scenario,
      pipeline: {
        module: resolve(cwd, candidate.module),
        export: candidate.export ?? scenario.pipeline.export ?? 'pipeline',
      },
    },
    { cwd, onProgress: progress('candidate') },
  )
  const after = new Map(candidateRun.recordings.map((outcome) => [outcome.recordingId, outcome]))
  const recordings = baseline.recordings.map((outcome): VerifiedRecording => {
    const other = after.get(outcome.recordingId)
    return {
      recordingId: outcome.recordingId,
      route: outcome.route,
      class: classify(outcome, other),
      before: verdict(outcome),
      after: other ? verdict(other) : 'not replayed',
      replayKey: outcome.replayKey,
    }
  })
  const counts: Record<VerifyClass, number> = {
    fixed: 0,
    'still-diverging': 0,
    'newly-diverging': 0,
    unchanged: 0,
    failed: 0,
  }
  for (const recording of recordings) counts[recording.class]++
  return {
    scenario: scenario.name,
    variants: baseline.variants,
    candidate: candidate.module,
    recordings,
    counts,
    baseline,
    candidateRun,
  }
}

function classify(before: RecordingOutcome, after: RecordingOutcome | undefined): VerifyClass {
  if (!after) return 'failed'
  const a = statusOf(before.result)
  const b = statusOf(after.result)
  if (a === 'failed' || b === 'failed') return 'failed'
  if (a === 'diverge') return b === 'agree' ? 'fixed' : 'still-diverging'
  return b === 'diverge' ? 'newly-diverging' : 'unchanged'
}

function verdict(outcome: RecordingOutcome): string {
  const result = outcome.result
  if (result.kind === 'failed')
    return `replay failed under ${result.variant}: ${result.error.code ?? result.error.name}`
  const divergence = result.comparison.divergence
  return divergence.kind === 'none' ? 'agrees' : divergesAt(divergence)
}
