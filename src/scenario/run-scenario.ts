/**
 * Running a scenario: load its recordings, replay each under the two compared variants side by side,
 * compare the traces, and gather what the reporters render.
 */
import { glob } from 'node:fs/promises'
import { relative } from 'node:path'
import { type CompareOptions, type CompiledNoise, compareTraces, mergeNoise } from '../diff/index.ts'

import type { Trace } from '../pipeline/types.ts'
import { ParallaxError, serializeError } from '../recording/errors.ts'
import { inboundRoute, loadRecordings } from '../recording/index.ts'
import type { Recording } from '../recording/types.ts'
import { createReplayer, type Matching } from '../replay/index.ts'
import type { Isolation } from '../replay/types.ts'
import {
  type NoiseTotal,
  type RecordingOutcome,
  type RecordingResult,
  type RecordingStatus,
  type ReplayRun,
  statusOf,
  type VariantRun,
} from '../report/index.ts'
import type { ResolvedScenario } from './load-scenario.ts'
import { shellCommand } from './shell-command.ts'

export interface RunScenarioOptions {
  /** Which two variants to compare; default the scenario's `compare`. */
  variants?: [string, string]
  /** Only these recording ids. */
  recordingIds?: string[]
  seed?: number
  /** Called after each recording, for progress. */
  onProgress?: (done: number, total: number, outcome: RecordingOutcome) => void
  /** Where isolate output goes (default stderr). */
  output?: NodeJS.WritableStream
  /** Working directory used to print short paths in replay keys. */
  cwd?: string
  /** Keep the values where each divergence shows (`divergence.values`), for the HTML report. */
  keepValues?: boolean
  /** Noise rules added to the scenario's own (from the command line). */
  noise?: CompiledNoise
  /** Only the recordings this accepts (a CI shard, a filter); a scenario left with none is an error. */
  select?: (recording: Recording) => boolean
  /**
   * Command-line flags that change the result (the noise flags, e.g. `['--ignore', '**.at']`), added to
   * every replay command so that it replays the same comparison.
   */
  replayFlags?: readonly string[]
}

interface Loaded {
  recording: Recording
  file: string
  line: number
}

/**
 * Replays every recording of a scenario under two variants and compares them.
 * @example const run = await runScenario(await loadScenario('scenarios/copilot.ts'))
 */
export async function runScenario(
  scenario: ResolvedScenario,
  options: RunScenarioOptions = {},
): Promise<ReplayRun> {
  const startedAt = performance.now()
  const cwd = options.cwd ?? process.cwd()
  const [leftName, rightName] = options.variants ?? scenario.compare
  const pick = (name: string) => {
    const variant = scenario.variants.find((v) => v.name === name)
    if (!variant) {
      throw new ParallaxError(
        'PARALLAX_USAGE',
        `Failed to run scenario ${scenario.name}: it has no variant ${name}.`,
        {
          hint: `Variants in ${relative(cwd, scenario.file)}: ${scenario.variants.map((v) => v.name).join(', ')}.`,
        },
      )
    }
    return variant
  }
  const variants = [pick(leftName), pick(rightName)]
  const seed = options.seed ?? scenario.seed
  const noise = mergeNoise(scenario.noise, options.noise)

  const { loaded, loadErrors } = await loadScenarioRecordings(scenario.recordings)
  const named = options.recordingIds ? selectIds(loaded, options.recordingIds, scenario) : loaded
  const selected = options.select ? named.filter((entry) => options.select!(entry.recording)) : named
  if (selected.length === 0 && named.length > 0) {
    throw new ParallaxError(
      'PARALLAX_NOT_FOUND',
      `Failed to run scenario ${scenario.name}: none of its ${named.length} recordings is selected.`,
      { hint: 'Widen the selection (shard, filter).', details: { loaded: named.length, selected: 0 } },
    )
  }
  if (selected.length === 0) {
    throw new ParallaxError(
      'PARALLAX_NOT_FOUND',
      `Failed to run scenario ${scenario.name}: no recording loaded.`,
      {
        hint:
          loadErrors.length > 0
            ? `Every recording failed to load; the first error: ${loadErrors[0]!.message}`
            : `Record some first (npm run demo), or check recordings in ${relative(cwd, scenario.file)}.`,
        details: { recordings: scenario.recordings },
      },
    )
  }

  const replayer = createReplayer({
    pipeline: scenario.pipeline,
    variants,
    seed,
    allowHosts: scenario.allowHosts,
    ...(options.output ? { output: options.output } : {}),
  })
  const outcomes: RecordingOutcome[] = []
  let pipelineName = ''
  try {
    const replays = replayer.replayAll(selected.map((entry) => entry.recording))
    for (const entry of selected) {
      const { value: traces } = await replays.next()
      const [left, right] = traces as [Trace, Trace]
      pipelineName ||= left.pipeline || right.pipeline
      const isolations = replayer.variants.map((v) => v.isolation) as [Isolation, Isolation]
      const outcome: RecordingOutcome = {
        recordingId: entry.recording.id,
        source: { file: relative(cwd, entry.file), line: entry.line },
        route: inboundRoute(entry.recording.inbound.request),
        result: resultOf(left, right, isolations, { keepValues: options.keepValues === true, noise }),
        replayKey: shellCommand([
          'parallax',
          'replay',
          relative(cwd, scenario.file),
          '--recording',
          entry.recording.id,
          '--variants',
          `${leftName},${rightName}`,
          '--seed',
          String(seed),
          ...(options.replayFlags ?? []),
        ]),
      }
      outcomes.push(outcome)
      options.onProgress?.(outcomes.length, selected.length, outcome)
    }
  } finally {
    await replayer.close()
  }

  const count = (kind: RecordingStatus) => outcomes.filter((o) => statusOf(o.result) === kind).length
  return {
    scenario: scenario.name,
    pipeline: pipelineName,
    variants: [leftName, rightName],
    recordings: outcomes,
    loadErrors: loadErrors.map((error) => serializeError(error)),
    summary: {
      total: outcomes.length,
      agree: count('agree'),
      diverge: count('diverge'),
      failed: count('failed'),
      invalid: loadErrors.length,
    },
    ...(noise.rules.length > 0 && { noise: noiseTotals(outcomes) }),
    durationMs: performance.now() - startedAt,
  }
}

/** A scenario's two compared variants kept running, for recordings made on the fly (fuzzing, shrinking). */
export interface ScenarioReplayer {
  /** Replays one recording under both variants and compares the traces under the scenario's noise rules. */
  compare(recording: Recording): Promise<{ result: RecordingResult; traces: [Trace, Trace] }>
  close(): Promise<void>
}

/**
 * Starts the isolates of a scenario's compared variants, reused for every recording until closed.
 * @example
 * const replayer = openScenarioReplayer(scenario, { matching: 'route' })
 * const { result } = await replayer.compare(mutated)
 */
export function openScenarioReplayer(
  scenario: ResolvedScenario,
  options: { matching?: Matching; output?: NodeJS.WritableStream } = {},
): ScenarioReplayer {
  const variants = scenario.compare.map((name) => scenario.variants.find((v) => v.name === name)!)
  const replayer = createReplayer({
    pipeline: scenario.pipeline,
    variants,
    seed: scenario.seed,
    allowHosts: scenario.allowHosts,
    ...(options.output ? { output: options.output } : {}),
    ...(options.matching ? { matching: options.matching } : {}),
  })
  const isolations = replayer.variants.map((v) => v.isolation) as [Isolation, Isolation]
  return {
    async compare(recording) {
      const [left, right] = (await replayer.replay(recording)) as [Trace, Trace]
      const result = resultOf(left, right, isolations, { noise: scenario.noise })
      return { result, traces: [left, right] }
    },
    close: () => replayer.close(),
  }
}

/**
 * What each noise rule hid over a run, and in how many recordings.
 * @example noiseTotals(run.recordings) // [{ rule: 'ignore **.at', hidden: 12, recordings: 8 }]
 */
export function noiseTotals(outcomes: readonly RecordingOutcome[]): NoiseTotal[] {
  const totals = new Map<string, NoiseTotal>()
  for (const outcome of outcomes) {
    if (outcome.result.kind !== 'compared') continue
    for (const { rule, hidden } of outcome.result.comparison.noise ?? []) {
      const total = totals.get(rule) ?? { rule, hidden: 0, recordings: 0 }
      total.hidden += hidden
      if (hidden > 0) total.recordings++
      totals.set(rule, total)
    }
  }
  return [...totals.values()]
}

/**
 * Every recording a scenario names (globs expanded; a glob matching nothing is an error), with the lines
 * that failed to load. What runScenario replays, noise detection and the vitest suite read.
 * @example const { loaded, loadErrors } = await loadScenarioRecordings(scenario.recordings)
 */
export async function loadScenarioRecordings(paths: readonly string[]) {
  const loaded: Loaded[] = []
  const loadErrors: ParallaxError[] = []
  for (const path of await expandGlobs(paths)) {
    const { recordings, errors } = await loadRecordings(path)
    loaded.push(...recordings)
    loadErrors.push(...errors)
  }
  return { loaded, loadErrors }
}

/** Characters that make a recordings entry a glob (`recordings/api/*.ndjson`, `recordings/{api,web}`). */
const GLOB = /[*?[{]/

/**
 * The scenario's recordings entries with globs expanded (sorted); a glob that matches nothing is an error
 * naming it, not a silently smaller suite.
 */
async function expandGlobs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = []
  for (const path of paths) {
    if (!GLOB.test(path)) {
      out.push(path)
      continue
    }
    const matches: string[] = []
    for await (const match of glob(path)) matches.push(match)
    if (matches.length === 0) {
      throw new ParallaxError(
        'PARALLAX_NOT_FOUND',
        `Failed to load recordings: the glob ${path} matches nothing.`,
        {
          hint: 'Check the pattern (it is relative to the scenario file), or record some first.',
          details: { glob: path },
        },
      )
    }
    out.push(...matches.sort())
  }
  return out
}

function selectIds(loaded: Loaded[], ids: string[], scenario: ResolvedScenario): Loaded[] {
  const missing = ids.filter((id) => !loaded.some((entry) => entry.recording.id === id))
  if (missing.length > 0) {
    throw new ParallaxError(
      'PARALLAX_NOT_FOUND',
      `Failed to select recording ${missing.join(', ')}: not in scenario ${scenario.name}.`,
      {
        hint: `Recording ids there start with: ${loaded
          .slice(0, 5)
          .map((entry) => entry.recording.id)
          .join(', ')}${loaded.length > 5 ? ', …' : ''}.`,
      },
    )
  }
  return loaded.filter((entry) => ids.includes(entry.recording.id))
}

function resultOf(
  left: Trace,
  right: Trace,
  isolations: [Isolation, Isolation],
  compare: CompareOptions,
): RecordingResult {
  const runs: [VariantRun, VariantRun] = [variantRun(left, isolations[0]), variantRun(right, isolations[1])]
  const failed = left.failure ? left : right.failure ? right : undefined
  if (failed?.failure) return { kind: 'failed', variant: failed.variant, error: failed.failure, runs }
  return { kind: 'compared', comparison: compareTraces(left, right, compare), runs }
}

function variantRun(trace: Trace, isolation: Isolation): VariantRun {
  return {
    variant: trace.variant,
    isolation,
    stages: trace.stages.map((s) => ({
      name: s.name,
      ms: trace.timings.stages[s.name] ?? 0,
      threw: s.outcome.kind === 'error',
    })),
    totalMs: trace.timings.totalMs,
    outbound: {
      recorded: trace.outbound.recorded,
      consumed: trace.outbound.consumed,
      unmatched: trace.outbound.unmatched.length,
    },
  }
}
