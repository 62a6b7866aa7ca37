/**
 * Differential fuzzing of a scenario with fast-check: recordings varied around the ones that agree
 * (recording-arbitrary.ts) are replayed under the two compared variants; the property is that they still
 * agree under the scenario's noise rules. A divergence is shrunk by fast-check to the fewest changes that
 * keep it, then by bytes (explain's shrinking), saved as a recording that replays like any other, and
 * reported with the seed and path that reproduce it.
 */
import { hash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import type { ChangedPath } from '../diff/index.ts'
import { ParallaxError } from '../recording/errors.ts'
import { writeSegment } from '../recording/index.ts'
import type { Recording } from '../recording/types.ts'
import { type RecordingResult, statusOf } from '../report/index.ts'
import { placeOf } from '../scenario/divergence-place.ts'
import { openScenarioReplayer, type ResolvedScenario } from '../scenario/index.ts'
import { loadScenarioRecordings } from '../scenario/run-scenario.ts'
import { shrinkDivergence } from '../scenario/shrink-scenario.ts'
import { type FuzzCase, recordingArbitrary } from './recording-arbitrary.ts'

export interface FuzzOptions {
  /** Runs to try (default 1000); fewer when the time budget or a signal stops it. */
  runs?: number
  /** fast-check's seed; default a fresh one, reported so the run can be repeated. */
  seed?: number
  /** fast-check's path of a counterexample, to replay it directly (with its seed). */
  path?: string
  /** Stop generating after this many milliseconds (shrinking included), keeping what was found. */
  timeBudgetMs?: number
  /** Aborting it (Ctrl-C) stops the run cleanly, keeping what was found. */
  signal?: AbortSignal
  /** Fuzz around these recordings only (default every recording on which the variants agree). */
  recordingIds?: string[]
  /** Where to save the counterexample as a recording; not saved when undefined. */
  saveDir?: string
  /** Called once the recordings to fuzz around are known, before the first run. */
  onStart?: (from: readonly string[], seed: number) => void
  /** Called after each run (generated runs and shrinking runs alike). */
  onRun?: (runs: number, requested: number, shrinking: boolean) => void
  /** Where isolate output goes (default stderr). */
  output?: NodeJS.WritableStream
}

/** A divergence the fuzzer found, shrunk. */
export interface FuzzFinding {
  /** Where it enters: a stage (`decode`) or an external entry (`retrieve (outbound)`). */
  place: string
  /** The recording it was derived from. */
  from: string
  /** What the shrunk case changes from that recording. */
  changes: string[]
  /** The first changed output paths at the culprit. */
  paths: ChangedPath[]
  /** Body bytes of the shrunk case, and of the first failing case before shrinking. */
  bytes: number
  shrunkFromBytes: number
  /** The run (1-based) that first diverged, and the shrinking runs after it. */
  foundAtRun: number
  shrinks: number
  /** fast-check's path of the counterexample (with the seed, `--path` replays it directly). */
  path: string
  /**
   * The counterexample shrunk further by bytes (explain's shrinking: exchanges dropped, bodies cut as text)
   * and pinned to the URLs its calls asked, so it replays as an ordinary recording; what is saved.
   */
  repro: { bytes: number; outbound: number; replays: number }
  /** The saved recording's file and id, when saved. */
  saved?: { file: string; id: string }
}

export interface FuzzReport {
  scenario: string
  variants: [string, string]
  seed: number
  /** Runs asked for, and runs made before a divergence or the end (shrinking runs not counted). */
  requested: number
  runs: number
  /** Recordings fuzzed around, and those left out because the variants already diverge on them. */
  from: string[]
  alreadyDiverging: string[]
  /** Generated recordings whose replay failed (not a divergence: an unrecorded call, a timeout). */
  failedReplays: number
  /** Why it stopped early, if it did. */
  stopped?: 'time budget' | 'interrupted'
  durationMs: number
  finding?: FuzzFinding
}

/**
 * Fuzzes a scenario.
 * @example const report = await fuzzScenario(await loadScenario('scenarios/copilot.ts'), { runs: 2000, seed: 42 })
 */
export async function fuzzScenario(
  scenario: ResolvedScenario,
  options: FuzzOptions = {},
): Promise<FuzzReport> {
  const startedAt = performance.now()
  const requested = options.runs ?? 1000
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0
  const { loaded } = await loadScenarioRecordings(scenario.recordings)
  const candidates = loaded
    .map((entry) => entry.recording)
    .filter((r) => options.recordingIds === undefined || options.recordingIds.includes(r.id))
  if (candidates.length === 0) {
    throw new ParallaxError(
      'PARALLAX_NOT_FOUND',
      `Failed to fuzz ${scenario.name}: no recording to start from.`,
      {
        hint: options.recordingIds
          ? `No recording has id ${options.recordingIds.join(' or ')}; \`parallax inspect\` lists them.`
          : "Record some first (npm run demo), or check the scenario's recordings.",
      },
    )
  }

  // Fuzz around what agrees: a recording that already diverges would only find itself again.
  const exact = openScenarioReplayer(scenario, options.output ? { output: options.output } : {})
  const seeds: Recording[] = []
  const alreadyDiverging: string[] = []
  try {
    for (const recording of candidates) {
      const { result } = await exact.compare(recording)
      if (statusOf(result) === 'agree') seeds.push(recording)
      else alreadyDiverging.push(recording.id)
    }
  } finally {
    await exact.close()
  }
  const report: FuzzReport = {
    scenario: scenario.name,
    variants: scenario.compare,
    seed,
    requested,
    runs: 0,
    from: seeds.map((r) => r.id),
    alreadyDiverging,
    failedReplays: 0,
    durationMs: 0,
  }
  if (seeds.length === 0) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to fuzz ${scenario.name}: the variants already diverge on every recording (${alreadyDiverging.join(', ')}).`,
      {
        hint: 'Fuzzing looks for divergences no recording shows yet: record a request on which the variants agree, or fix the known divergence first (`parallax explain` names it).',
      },
    )
  }

  options.onStart?.(report.from, seed)
  const replayer = openScenarioReplayer(scenario, {
    matching: 'route',
    ...(options.output ? { output: options.output } : {}),
  })
  let runs = 0
  let firstFailure: { run: number; bytes: number } | undefined
  let shrinks = 0
  const arbitrary = fc.oneof(...seeds.map((recording) => recordingArbitrary(recording)))
  const property = fc.asyncProperty(arbitrary, async (fuzzCase) => {
    const { result } = await replayer.compare(fuzzCase.recording)
    if (firstFailure === undefined) runs++
    else shrinks++
    options.onRun?.(
      firstFailure === undefined ? runs : firstFailure.run,
      requested,
      firstFailure !== undefined,
    )
    if (result.kind === 'failed') {
      report.failedReplays++
      return true
    }
    const agrees = statusOf(result) !== 'diverge'
    if (!agrees && firstFailure === undefined) firstFailure = { run: runs, bytes: fuzzCase.bytes }
    return agrees
  })
  const plugins = [stopOn(options.signal, () => (report.stopped = 'interrupted'))]
  if (options.timeBudgetMs !== undefined) plugins.push(fc.interruptAfterTimeLimit(options.timeBudgetMs))
  try {
    const details = await fc.check(property, {
      numRuns: requested,
      seed,
      ...(options.path !== undefined && { path: options.path }),
      plugins,
    })
    if (details.interrupted && report.stopped === undefined) report.stopped = 'time budget'
    report.runs = runs
    const counterexample = (details.counterexample as [FuzzCase] | null)?.[0]
    if (details.failed && counterexample && firstFailure) {
      // Replayed once more for its place and paths.
      const { result } = await replayer.compare(counterexample.recording)
      const place = placeOf(result) ?? 'unknown'
      options.onRun?.(firstFailure.run, requested, true)
      // Its isolates are done: free them before shrinking starts its own (closing twice is harmless).
      await replayer.close()
      const minimal = await shrinkDivergence(scenario, counterexample.recording, place, { maxTests: 1000 })
      const repro = minimal?.recording ?? counterexample.recording
      const finding: FuzzFinding = {
        place,
        from: counterexample.from,
        changes: counterexample.changes,
        paths: pathsOf(result).slice(0, 5),
        bytes: counterexample.bytes,
        shrunkFromBytes: firstFailure.bytes,
        foundAtRun: firstFailure.run,
        shrinks,
        path: details.counterexamplePath ?? '',
        repro: {
          bytes: minimal?.after.bodyBytes ?? counterexample.bytes,
          outbound: repro.outbound.length,
          replays: minimal?.tests ?? 0,
        },
      }
      if (options.saveDir !== undefined) finding.saved = await saveRecording(repro, options.saveDir)
      report.finding = finding
    } else if (details.failed && details.errorInstance) {
      throw details.errorInstance
    }
  } finally {
    await replayer.close()
  }
  report.durationMs = performance.now() - startedAt
  return report
}

/** A fast-check plugin that stops the run (shrinking included) once `signal` aborts. */
function stopOn(signal: AbortSignal | undefined, onStop: () => void): fc.Plugin<unknown> {
  return () => ({
    decorateRun: (nestedRun) => (value) => {
      if (signal?.aborted) {
        onStop()
        return new fc.PreconditionFailure(true)
      }
      return nestedRun(value)
    },
  })
}

function pathsOf(result: RecordingResult): ChangedPath[] {
  if (result.kind !== 'compared' || result.comparison.divergence.kind === 'none') return []
  return result.comparison.divergence.paths
}

/** Saves a recording under an id made of its digest: `fuzz-<10 hex>.ndjson` in `dir`. */
async function saveRecording(recording: Recording, dir: string): Promise<{ file: string; id: string }> {
  const id = `fuzz-${hash('sha256', JSON.stringify(recording)).slice(0, 10)}`
  const file = join(dir, `${id}.ndjson`)
  await mkdir(dir, { recursive: true })
  await writeSegment(file, [{ ...recording, id }])
  return { file, id }
}
