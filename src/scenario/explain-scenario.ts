/**
 * `parallax explain`: which stage introduces the divergence (the culprit rule over the scenario's
 * recordings), what every stage does with it (cross-feeding one diverging recording: agrees, introduces,
 * propagates), and which configuration keys it needs — the keys the two variants set differently,
 * delta-debugged (ddmin) by replaying hybrid variants (the left variant with some keys taken from the
 * right) until a minimal set that still reproduces the divergence at the same stage is left — and, when
 * asked, the smallest repro: that recording shrunk while it still diverges at the same place, written
 * as a recording and a vitest file (shrink-scenario.ts).
 */

import { isAbsolute, relative, resolve } from 'node:path'
import { differingKeys, hybrid, settingKeys } from '../explain/config-keys.ts'
import { crossFeed, type RunAlone, type StageRoleResult } from '../explain/cross-feed.ts'
import { ddmin } from '../explain/ddmin.ts'
import type { RecordingSize } from '../explain/shrink-recording.ts'
import type { Trace } from '../pipeline/types.ts'
import type { Recording } from '../recording/types.ts'
import { createReplayer } from '../replay/index.ts'
import type { Variant } from '../replay/types.ts'
import { type ReplayRun, statusOf } from '../report/index.ts'
import { placeOf } from './divergence-place.ts'
import type { ResolvedScenario } from './load-scenario.ts'
import { loadScenarioRecordings, runScenario } from './run-scenario.ts'
import { planRepro, recordingsFolder, shrinkDivergence, writeRepro } from './shrink-scenario.ts'

/** Recordings of the main culprit's group replayed for each hybrid. */
const SAMPLE = 3

/** What explain found. */
export interface Explanation {
  scenario: string
  variants: [string, string]
  /** Divergences by where they enter, most frequent first. */
  culprits: Array<{ place: string; recordings: number; propagatedTo: string[] }>
  /** Every stage's role in one diverging recording of the main culprit, by cross-feeding. */
  stages?: { recording: string; roles: StageRoleResult[] }
  /** The bisection of the main culprit's configuration, when anything diverges. */
  config?: {
    place: string
    differing: string[]
    /** A minimal set of keys that, taken from the right variant, reproduces the divergence. */
    sufficient: string[]
    /** The values of the sufficient keys under both variants. */
    values: Array<{ key: string; left: unknown; right: unknown }>
    /** False when even every differing key together does not reproduce it (it does not come from config). */
    reproduced: boolean
    /**
     * Set when some hybrids failed to replay (did not start, crashed): a minimal set of keys from the right
     * variant that breaks the left one, and the error. Those hybrids counted as not reproducing.
     */
    broken?: { keys: string[]; error: string }
    /** Replays of hybrid variants it took (each over the sampled recordings). */
    replays: number
    recordings: string[]
  }
  /** The smallest repro of the main culprit, when asked for and its recording diverges there on its own. */
  repro?: {
    /** The recording it was shrunk from, and where it diverges. */
    source: string
    place: string
    /** The shrunk recording's id (`min-<hash>`), its segment file and its test file (relative to cwd when under it). */
    id: string
    recording: string
    test: string
    from: RecordingSize
    to: RecordingSize
    /** Replays the shrinking took. */
    tests: number
    /** False when the files were only named, not written (see {@link ShrinkRequest.write}). */
    written: boolean
  }
}

/** Asks explain for the smallest repro of the main culprit, and says where it goes. */
export interface ShrinkRequest {
  /** False: shrink and report the sizes, but write nothing (CI without --allow-write). */
  write: boolean
  /** Folder of the repro recording; default the scenario's first recordings folder. */
  recordingsDir?: string
  /** Folder of the repro test; default `test/repro` under cwd. */
  testDir?: string
  /** Replays the shrinking may take; default 300. */
  maxTests?: number
  /** The module the test imports `loadScenario` and `runScenario` from; default `parallax/scenario`. */
  parallaxModule?: string
}

/**
 * Explains a scenario's divergence.
 * @example const { culprits, config } = await explainScenario(await loadScenario('scenarios/copilot.ts'))
 */
export async function explainScenario(
  scenario: ResolvedScenario,
  options: { onProgress?: (text: string) => void; cwd?: string; shrink?: ShrinkRequest | false } = {},
): Promise<Explanation> {
  const cwd = options.cwd ?? process.cwd()
  const [leftName, rightName] = scenario.compare
  const left = scenario.variants.find((v) => v.name === leftName)!
  const right = scenario.variants.find((v) => v.name === rightName)!
  options.onProgress?.('replaying every recording under both variants')
  const run = await runScenario(scenario, { cwd })
  const culprits = culpritsOf(run)
  const explanation: Explanation = { scenario: scenario.name, variants: [leftName, rightName], culprits }
  const main = culprits[0]
  if (main === undefined) return explanation
  const sample = run.recordings
    .filter((o) => placeOf(o.result) === main.place)
    .slice(0, SAMPLE)
    .map((o) => o.recordingId)
  options.onProgress?.(`cross-feeding the stages of ${sample[0]}`)
  const recording = (await loadScenarioRecordings(scenario.recordings)).loaded.find(
    (entry) => entry.recording.id === sample[0],
  )!.recording
  explanation.stages = {
    recording: recording.id,
    roles: await crossFeedRecording(scenario, recording, [left, right]),
  }
  const differing = differingKeys(left, right)
  let replays = 0
  /** How the hybrid with `keys` from the right replays: the error when it fails (does not start, crashes). */
  const trial = async (keys: readonly string[]) => {
    replays++
    options.onProgress?.(`replaying with ${keys.length} of ${differing.length} keys from ${rightName}`)
    const mixed: Variant = { ...hybrid(left, right, keys), name: `${leftName}+${keys.length}` }
    let run: ReplayRun
    try {
      run = await runScenario(
        { ...scenario, variants: [left, mixed] },
        { cwd, variants: [leftName, mixed.name], recordingIds: sample },
      )
    } catch (error) {
      // The hybrid's isolate could not start (its pipeline module refuses these settings).
      return { diverges: false, error: messageWithCause(error) }
    }
    const failed = run.recordings.find((o) => o.result.kind === 'failed' && o.result.variant === mixed.name)
    return {
      diverges: run.recordings.some((outcome) => placeOf(outcome.result) === main.place),
      ...(failed?.result.kind === 'failed' && { error: failed.result.error.message }),
    }
  }
  const broken: Array<{ keys: readonly string[]; error: string }> = []
  const reproduces = async (keys: readonly string[]) => {
    const result = await trial(keys)
    if (result.error !== undefined) broken.push({ keys, error: result.error })
    return result.diverges
  }
  const reproduced = differing.length > 0 && (await reproduces(differing))
  let sufficient: string[] = []
  if (reproduced) {
    const result = await ddmin(differing, reproduces)
    sufficient = result.minimal
  }
  const breaking = await keysThatBreak(broken, async (keys) => (await trial(keys)).error)
  const l = settingKeys(left)
  const r = settingKeys(right)
  explanation.config = {
    place: main.place,
    differing,
    sufficient,
    values: sufficient.map((key) => ({ key, left: l.get(key), right: r.get(key) })),
    reproduced,
    replays,
    recordings: sample,
    ...(breaking && { broken: breaking }),
  }
  if (options.shrink) {
    const repro = await reproOf(scenario, recording, main.place, options.shrink, cwd, options.onProgress)
    if (repro) explanation.repro = repro
  }
  return explanation
}

/** Shrinks the recording at `place` and writes (or only names) its repro files. */
async function reproOf(
  scenario: ResolvedScenario,
  recording: Recording,
  place: string,
  request: ShrinkRequest,
  cwd: string,
  onProgress: ((text: string) => void) | undefined,
): Promise<Explanation['repro']> {
  onProgress?.(`shrinking ${recording.id}`)
  const shrunk = await shrinkDivergence(scenario, recording, place, {
    ...(request.maxTests !== undefined && { maxTests: request.maxTests }),
    ...(onProgress && { onProgress: (text: string) => onProgress(`shrinking ${recording.id}: ${text}`) }),
  })
  if (!shrunk) return undefined
  const options = {
    scenarioFile: scenario.file,
    recording: shrunk.recording,
    place,
    variants: scenario.compare,
    recordingsDir: resolve(cwd, request.recordingsDir ?? (await recordingsFolder(scenario.recordings))),
    testDir: resolve(cwd, request.testDir ?? 'test/repro'),
    ...(request.parallaxModule !== undefined && { parallaxModule: request.parallaxModule }),
    made: { from: recording.id, before: shrunk.before, after: shrunk.after, tests: shrunk.tests },
  }
  const files = request.write ? await writeRepro(options) : planRepro(options)
  return {
    source: recording.id,
    place,
    id: files.id,
    recording: shortPath(cwd, files.recordingFile),
    test: shortPath(cwd, files.testFile),
    from: shrunk.before,
    to: shrunk.after,
    tests: shrunk.tests,
    written: request.write,
  }
}

/** A path relative to `cwd` when it lies under it, else absolute. */
function shortPath(cwd: string, file: string): string {
  const path = relative(cwd, file)
  return path.startsWith('..') || isAbsolute(path) ? file : path
}

/**
 * Replays one recording under both variants, then cross-feeds its stages, each run alone in a fresh
 * isolate of its variant (closed after the stage's runs).
 */
async function crossFeedRecording(
  scenario: ResolvedScenario,
  recording: Recording,
  variants: [Variant, Variant],
): Promise<StageRoleResult[]> {
  const base = { pipeline: scenario.pipeline, seed: scenario.seed, allowHosts: scenario.allowHosts }
  const replayer = createReplayer({ ...base, variants })
  let traces: Trace[]
  try {
    traces = await replayer.replay(recording)
  } finally {
    await replayer.close()
  }
  const runAlone: RunAlone = async (side, stage, inputsJson) => {
    const fresh = createReplayer({ ...base, variants: [variants[side]] })
    try {
      const out: Trace[] = []
      for (const inputJson of inputsJson) out.push(await fresh.replayStage(recording, 0, stage, inputJson))
      return out
    } finally {
      await fresh.close()
    }
  }
  return crossFeed(traces[0]!, traces[1]!, runAlone, { noise: scenario.noise })
}

/**
 * The smallest failing hybrid's keys, delta-debugged down to a minimal set that still breaks it, with
 * the error; undefined when no hybrid failed.
 */
async function keysThatBreak(
  broken: ReadonlyArray<{ keys: readonly string[]; error: string }>,
  breaks: (keys: readonly string[]) => Promise<string | undefined>,
): Promise<{ keys: string[]; error: string } | undefined> {
  const smallest = [...broken].sort((a, b) => a.keys.length - b.keys.length)[0]
  if (smallest === undefined) return undefined
  let error = smallest.error
  const { minimal } = await ddmin(smallest.keys, async (keys) => {
    const found = await breaks(keys)
    if (found !== undefined && keys.length < smallest.keys.length) error = found
    return found !== undefined
  })
  return { keys: minimal, error }
}

/** An error's message, and its cause's when it has one (a module that threw while loading). */
function messageWithCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : ''
  return `${message}${cause}`
}

function culpritsOf(run: ReplayRun): Explanation['culprits'] {
  const byPlace = new Map<string, { place: string; recordings: number; propagatedTo: Set<string> }>()
  for (const outcome of run.recordings) {
    if (statusOf(outcome.result) !== 'diverge' || outcome.result.kind !== 'compared') continue
    const place = placeOf(outcome.result)!
    const entry = byPlace.get(place) ?? { place, recordings: 0, propagatedTo: new Set<string>() }
    entry.recordings++
    const divergence = outcome.result.comparison.divergence
    if (divergence.kind !== 'none') for (const stage of divergence.propagatedTo) entry.propagatedTo.add(stage)
    byPlace.set(place, entry)
  }
  return [...byPlace.values()]
    .sort((a, b) => b.recordings - a.recordings)
    .map((entry) => ({
      place: entry.place,
      recordings: entry.recordings,
      propagatedTo: [...entry.propagatedTo],
    }))
}
