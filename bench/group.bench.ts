/**
 * Grouping divergences across a large run (report/group-divergences.ts), against `JSON.stringify` of the
 * same recordings measured in the same run:
 * (a) grouping 10,000 diverging recordings (5 changed paths each, a few places and signatures, some failed
 *     replays) takes at most 1 s, an absolute target from the issue, printed as PASS/MISS like the ratios;
 * (b) it costs less than serializing the same recordings once (≤ 1× `JSON.stringify`);
 * (c) it grows linearly: 10,000 recordings take at most 15× what 1,000 take.
 * The Markdown and JUnit reports of the same run are measured alongside, for information.
 */
import type { ChangedPath, Comparison } from '../src/diff/types.ts'
import { groupDivergences } from '../src/report/group-divergences.ts'
import { renderJunit } from '../src/report/render-junit.ts'
import { renderMarkdown } from '../src/report/render-markdown.ts'
import type { RecordingOutcome, ReplayRun, VariantRun } from '../src/report/types.ts'
import { runSuite, type SuiteResult } from './harness.ts'

const VARIANTS: [string, string] = ['local', 'production']
const STAGES = ['parse', 'retrieve', 'decode', 'infer', 'render']
/** The absolute target for 10,000 recordings, in milliseconds. */
const TARGET_MS = 1000

function variantRun(variant: string): VariantRun {
  return {
    variant,
    isolation: 'worker',
    stages: STAGES.map((name) => ({ name, ms: 0.5, threw: false })),
    totalMs: 2.5,
    outbound: { recorded: 1, consumed: 1, unmatched: 0 },
  }
}

/**
 * Recording `i` of a large run: most diverge at decode in a document's text (at varying indices), some at
 * decode in the title too, some at retrieve, one in 50 fails with a timeout whose figures vary.
 */
function outcome(i: number): RecordingOutcome {
  const recordingId = `rec-${i.toString(36).padStart(5, '0')}`
  const base = {
    recordingId,
    source: { file: 'recordings/large.ndjson', line: i + 1 },
    route: i % 3 === 0 ? 'POST /suggest' : 'POST /complete',
    replayKey: `parallax replay scenarios/large.ts --recording ${recordingId} --variants local,production --seed 1`,
  }
  if (i % 50 === 49) {
    return {
      ...base,
      result: {
        kind: 'failed',
        variant: 'production',
        error: {
          name: 'ParallaxError',
          code: 'PARALLAX_STAGE_TIMEOUT',
          message: `Failed to replay ${recordingId}: stage infer timed out after ${5000 + (i % 17)} ms.`,
        },
        runs: [variantRun('local')],
      },
    }
  }
  const culprit = i % 7 === 0 ? 'retrieve' : 'decode'
  const fields = i % 5 === 0 ? ['text', 'title'] : ['text']
  const paths: ChangedPath[] = Array.from({ length: 5 }, (_, k) => ({
    op: 'replace',
    path: `$.documents[${(i + k * 3) % 40}].${fields[k % fields.length]}`,
    before: `Le corps d’une réponse fetch est un ReadableStream de fragments ${k}`,
    after: `Le corps d’une r\ufffd\ufffdponse fetch est un ReadableStream de fragments ${k}`,
  }))
  const comparison: Comparison = {
    recordingId,
    pipeline: 'copilot',
    variants: VARIANTS,
    stages: [],
    divergence: { kind: 'stage', culprit, paths, propagatedTo: ['infer', 'render'] },
  }
  return {
    ...base,
    result: { kind: 'compared', comparison, runs: [variantRun('local'), variantRun('production')] },
  }
}

function largeRun(count: number): ReplayRun {
  const recordings = Array.from({ length: count }, (_, i) => outcome(i))
  const failed = recordings.filter((o) => o.result.kind === 'failed').length
  return {
    scenario: 'large',
    pipeline: 'copilot',
    variants: VARIANTS,
    recordings,
    loadErrors: [],
    summary: { total: count, agree: 0, diverge: count - failed, failed, invalid: 0 },
    durationMs: 60_000,
  }
}

/** Runs the grouping benchmark. */
export async function run(): Promise<SuiteResult[]> {
  const big = largeRun(10_000)
  const small = largeRun(1_000)
  const groups = groupDivergences(big)
  const total = groups.reduce((sum, group) => sum + group.count, 0)
  if (total !== 10_000 || groups.length > 20) {
    throw new Error(
      `Failed to set up the grouping bench: expected 10,000 recordings in a few groups, got ${total} in ${groups.length}.`,
    )
  }
  const baseline = 'JSON.stringify 10,000 recordings'
  const group10k = 'groupDivergences 10,000 recordings'
  const group1k = 'groupDivergences 1,000 recordings'
  const suite = await runSuite({
    title: `Grouping 10,000 diverging recordings into ${groups.length} groups (issue target: ≤ ${TARGET_MS} ms)`,
    baseline,
    rounds: 5,
    cases: [
      { name: baseline, fn: () => JSON.stringify(big.recordings) },
      { name: group10k, fn: () => groupDivergences(big) },
      { name: group1k, fn: () => groupDivergences(small) },
      { name: 'renderMarkdown 10,000 recordings', fn: () => renderMarkdown(big) },
      { name: 'renderJunit 10,000 recordings', fn: () => renderJunit(big) },
    ],
    targets: [
      { case: group10k, max: 1, label: 'cheaper than serializing the recordings once' },
      { case: group10k, against: group1k, max: 15, label: 'growth 1,000 → 10,000, linear' },
    ],
  })
  const ms = suite.cases.find((c) => c.name === group10k)!.medianMs
  const label = `${group10k} ≤ ${TARGET_MS} ms (absolute)`
  const pass = ms <= TARGET_MS
  process.stdout.write(`${pass ? 'PASS' : 'MISS'}  ${label}: ${ms.toFixed(1)} ms\n`)
  suite.targets.push({ label, ratio: ms / TARGET_MS, max: 1, pass })
  return [suite]
}
