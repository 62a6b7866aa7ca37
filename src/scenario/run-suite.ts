/**
 * `parallax test`: every scenario of a folder replayed and held to its expectation (`agree`, or a known
 * divergence at one stage), optionally on one shard of the recordings for a CI matrix.
 */
import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { Divergence } from '../diff/index.ts'
import { ParallaxError } from '../recording/errors.ts'
import type { Recording } from '../recording/types.ts'
import { plural, type RecordingOutcome, type ReplayRun, statusOf } from '../report/index.ts'
import type { ScenarioExpectation } from './define-scenario.ts'
import { loadScenario } from './load-scenario.ts'
import { runScenario } from './run-scenario.ts'

/** One shard of a CI matrix: `index` of `count`, 1-based (`--shard 2/4`). */
export interface Shard {
  index: number
  count: number
}

/** A scenario of the suite, run and checked. */
export interface ScenarioResult {
  file: string
  run: ReplayRun
  expect: ScenarioExpectation
  /** Recordings whose outcome the expectation does not allow. */
  failed: number
  /** A failure of the scenario as a whole: the known divergence it expects is gone. */
  problem?: string
  /** Recorded outbound calls no replay used (under either variant): stale recordings, or code that stopped calling. */
  unusedOutbound: { calls: number; recordings: number }
}

/** The whole suite. */
export interface SuiteRun {
  scenarios: ScenarioResult[]
  /** Scenarios left out, and why (no recording on this shard or through the filter). */
  skipped: Array<{ file: string; reason: string }>
  /** True when `--bail` stopped the suite after a failing scenario. */
  bailed: boolean
  passed: boolean
}

export interface SuiteOptions {
  shard?: Shard
  /** Stop after the first scenario that fails. */
  bail?: boolean
  /** Only scenarios whose name or file, or recordings whose id or route, contain this text. */
  filter?: string
  /** Fail a scenario whose recordings hold outbound calls no replay used. */
  failOnUnused?: boolean
  onScenarioStart?: (file: string, index: number, total: number) => void
  onProgress?: (done: number, total: number, outcome: RecordingOutcome) => void
  cwd?: string
}

/**
 * The scenario files under `paths` (files, or folders searched one level deep for `.ts`, `.js`, `.mjs` and
 * `.json`, not learned `.noise.json` rules),
 * sorted; a path that does not exist, or a folder without scenarios, is a usage error.
 * @example findScenarioFiles(['scenarios']) // ['/repo/scenarios/api.ts', '/repo/scenarios/copilot.ts']
 */
export function findScenarioFiles(paths: readonly string[], cwd = process.cwd()): string[] {
  const files: string[] = []
  for (const path of paths.length === 0 ? ['scenarios'] : paths) {
    const full = resolve(cwd, path)
    let isFolder: boolean
    try {
      isFolder = statSync(full).isDirectory()
    } catch {
      throw new ParallaxError(
        'PARALLAX_NOT_FOUND',
        `Failed to find scenarios in ${path}: no such file or folder.`,
        {
          hint: 'Run parallax test in a project with a scenarios/ folder, or name scenario files or folders.',
        },
      )
    }
    if (!isFolder) {
      files.push(full)
      continue
    }
    const found = readdirSync(full)
      .filter(
        (name) =>
          /\.(ts|js|mjs|json)$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.noise.json'),
      )
      .map((name) => join(full, name))
    if (found.length === 0) {
      throw new ParallaxError(
        'PARALLAX_NOT_FOUND',
        `Failed to find scenarios in ${path}: it holds no scenario file.`,
        {
          hint: 'Scenario files are .ts or .js modules exporting defineScenario({...}), or .json files (schema/scenario.schema.json).',
        },
      )
    }
    files.push(...found)
  }
  return [...new Set(files)].sort()
}

/**
 * The shard a recording belongs to: a hash of the scenario and recording id, so every machine of a
 * matrix computes the same split and each recording runs on exactly one of them.
 * @example shardOf('copilot', 'fr-abort', 4) // 1…4
 */
export function shardOf(scenario: string, recordingId: string, count: number): number {
  const digest = createHash('sha256').update(`${scenario}\u0000${recordingId}`).digest()
  return (digest.readUInt32BE(0) % count) + 1
}

/**
 * Parses `--shard i/n`.
 * @example parseShard('2/4') // { index: 2, count: 4 }
 */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to parse --shard ${value}: it is not <index>/<count>.`,
      {
        hint: 'Write --shard 2/4 for the second of four shards (index from 1 to count).',
      },
    )
  }
  return { index, count }
}

/**
 * Runs every scenario file, one after the other (each already replays its variants in parallel isolates).
 * @example const suite = await runSuite(findScenarioFiles([]), { shard: { index: 1, count: 2 } })
 */
export async function runSuite(files: readonly string[], options: SuiteOptions = {}): Promise<SuiteRun> {
  const cwd = options.cwd ?? process.cwd()
  const filter = options.filter?.toLowerCase()
  const scenarios: ScenarioResult[] = []
  const skipped: SuiteRun['skipped'] = []
  let bailed = false
  for (const [index, file] of files.entries()) {
    options.onScenarioStart?.(file, index, files.length)
    const scenario = await loadScenario(file)
    const whole =
      filter === undefined || `${scenario.name} ${relative(cwd, file)}`.toLowerCase().includes(filter)
    const select = (recording: Recording) =>
      (options.shard === undefined ||
        shardOf(scenario.name, recording.id, options.shard.count) === options.shard.index) &&
      (whole ||
        `${recording.id} ${recording.inbound.request.method} ${recording.inbound.request.url}`
          .toLowerCase()
          .includes(filter!))
    let run: ReplayRun
    try {
      run = await runScenario(scenario, {
        select,
        cwd,
        ...(options.onProgress && { onProgress: options.onProgress }),
      })
    } catch (error) {
      // A shard or a filter may leave a scenario with nothing to run: that is no failure.
      if ((options.shard || filter !== undefined) && isNothingSelected(error)) {
        skipped.push({
          file,
          reason: options.shard
            ? `no recording on shard ${options.shard.index}/${options.shard.count}`
            : 'no recording matches the filter',
        })
        continue
      }
      throw error
    }
    const result = checkExpectation(
      run,
      scenario.expect,
      file,
      options.shard !== undefined || filter !== undefined,
    )
    if (options.failOnUnused && result.unusedOutbound.calls > 0 && result.problem === undefined) {
      result.problem = `${plural(result.unusedOutbound.calls, 'recorded outbound call')} (in ${plural(result.unusedOutbound.recordings, 'recording')}) ${result.unusedOutbound.calls === 1 ? 'was' : 'were'} not used by any replay: re-record, or check what stopped calling them.`
    }
    scenarios.push(result)
    if (options.bail && (result.failed > 0 || result.problem !== undefined)) {
      bailed = index < files.length - 1
      break
    }
  }
  const passed = scenarios.every(scenarioPassed)
  return { scenarios, skipped, bailed, passed }
}

/**
 * Holds a run to its scenario's expectation, marking each recording's outcome (`outcome.expectation`).
 * `partial` (a shard, a filter): the run holds only some recordings, so a known divergence not seen here
 * may still be seen elsewhere — the "it is gone" check is left to a full run.
 * @example checkExpectation(run, { divergeAt: 'decode' }, file, false).failed // 0
 */
export function checkExpectation(
  run: ReplayRun,
  expect: ScenarioExpectation,
  file: string,
  partial: boolean,
): ScenarioResult {
  let failed = 0
  let seen = 0
  for (const outcome of run.recordings) {
    const status = statusOf(outcome.result)
    const divergence = outcome.result.kind === 'compared' ? outcome.result.comparison.divergence : undefined
    let met: boolean
    let reason: string
    if (status === 'failed') {
      met = false
      reason = 'the replay failed'
    } else if (expect === 'agree') {
      met = status === 'agree'
      reason = met ? 'agrees, as expected' : `${divergesAt(divergence)}; the scenario expects agreement`
    } else if (status === 'agree') {
      met = true
      reason = 'agrees'
    } else {
      const at = divergence?.kind === 'stage' ? divergence.culprit : undefined
      met = at === expect.divergeAt && (divergence?.kind !== 'stage' || divergence.others === undefined)
      if (met) seen++
      reason = met
        ? `diverges at ${expect.divergeAt}: the known divergence the scenario expects`
        : `${divergesAt(divergence)}; the scenario expects only a known divergence at ${expect.divergeAt}`
    }
    outcome.expectation = { met, reason }
    if (!met) failed++
  }
  const result: ScenarioResult = { file, run, expect, failed, unusedOutbound: unusedOutbound(run) }
  if (expect !== 'agree' && seen === 0 && !partial) {
    result.problem = `No recording diverges at ${expect.divergeAt} any more: the known bug looks fixed. Set expect: 'agree' in the scenario (or drop expect).`
  }
  return result
}

/** Recorded outbound calls that neither variant's replay used, over the run. */
function unusedOutbound(run: ReplayRun): { calls: number; recordings: number } {
  let calls = 0
  let recordings = 0
  for (const outcome of run.recordings) {
    if (outcome.result.kind !== 'compared') continue
    const unused = Math.min(
      ...outcome.result.runs.map((r) => Math.max(0, r.outbound.recorded - r.outbound.consumed)),
    )
    if (unused > 0) {
      calls += unused
      recordings++
    }
  }
  return { calls, recordings }
}

/**
 * Whether a scenario of the suite passed: every recording met the expectation, nothing failed as a whole,
 * and every recording line loaded.
 * @example suite.scenarios.filter(scenarioPassed).length
 */
export function scenarioPassed(result: ScenarioResult): boolean {
  return result.failed === 0 && result.problem === undefined && result.run.summary.invalid === 0
}

/** Where a recording diverges, in words: `diverges at decode (and at stock)`, `diverges outside the pipeline (input of parse)`. */
export function divergesAt(divergence: Divergence | undefined): string {
  if (divergence === undefined || divergence.kind === 'none') return 'diverges'
  const first =
    divergence.kind === 'stage'
      ? `diverges at ${divergence.culprit}`
      : `diverges outside the pipeline (${divergence.source === 'outbound' ? 'outbound requests' : 'input'} of ${divergence.stage})`
  const others = (divergence.others ?? []).map((other) =>
    other.kind === 'stage' ? other.culprit : other.stage,
  )
  return others.length === 0 ? first : `${first} (and at ${others.join(', ')})`
}

/** The error runScenario throws when a selection (shard, filter) left none of its recordings. */
function isNothingSelected(error: unknown): boolean {
  return (
    error instanceof ParallaxError && error.code === 'PARALLAX_NOT_FOUND' && error.details?.['selected'] === 0
  )
}
