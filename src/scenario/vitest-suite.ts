/**
 * `parallax/vitest`: a scenario as a vitest suite — one test per recording, named by route and id, failing
 * with the culprit stage and the changed paths, held to the scenario's expectation like `parallax test`.
 * The recordings are replayed once, when the first test of the file runs; vitest's own `--shard`,
 * `-t` filters, reporters and watch mode apply as to any test.
 *
 * ```ts
 * // test/replay.test.ts
 * import { replaySuite } from 'parallax/vitest'
 * await replaySuite('scenarios/copilot.ts')
 * ```
 */
import { relative, resolve } from 'node:path'
import { describe, it } from 'vitest'
import { inboundRoute } from '../recording/index.ts'
import { formatChange, type RecordingOutcome, type ReplayRun } from '../report/index.ts'
import { loadScenario } from './load-scenario.ts'
import { loadScenarioRecordings, runScenario } from './run-scenario.ts'
import { checkExpectation } from './run-suite.ts'

/** Options of {@link replaySuite}. */
export interface ReplaySuiteOptions {
  /** Folder the scenario path is relative to; default the working directory. */
  cwd?: string
  /** Per-test timeout in ms (the first test waits for the whole replay); default 120 000. */
  timeoutMs?: number
}

/** Paths shown in a failure message before "+N more". */
const PATHS_SHOWN = 5

/**
 * Declares the suite of a scenario. Await it at the top of a test file (vitest collects the tests while
 * the file loads, and the recording ids come from disk).
 * @example await replaySuite('scenarios/copilot.ts')
 */
export async function replaySuite(scenarioPath: string, options: ReplaySuiteOptions = {}): Promise<void> {
  const cwd = options.cwd ?? process.cwd()
  const scenario = await loadScenario(resolve(cwd, scenarioPath))
  const recordings = (await loadScenarioRecordings(scenario.recordings)).loaded.map(({ recording }) => ({
    id: recording.id,
    route: inboundRoute(recording.inbound.request),
  }))
  let replayed: Promise<{ run: ReplayRun; problem?: string }> | undefined
  const replay = () => {
    replayed ??= runScenario(scenario, { cwd }).then((run) => {
      const checked = checkExpectation(run, scenario.expect, scenario.file, false)
      return { run, ...(checked.problem !== undefined && { problem: checked.problem }) }
    })
    return replayed
  }
  const timeout = options.timeoutMs ?? 120_000
  const expectation =
    scenario.expect === 'agree' ? 'agree' : `known divergence at ${scenario.expect.divergeAt}`
  describe(`parallax ${scenario.name} (${relative(cwd, scenario.file)}, expects ${expectation})`, () => {
    for (const { id, route } of recordings) {
      it(`${route} (${id})`, { timeout }, async () => {
        const { run } = await replay()
        const outcome = run.recordings.find((o) => o.recordingId === id)
        if (!outcome) throw new Error(`Recording ${id} was not replayed.`)
        if (outcome.expectation?.met === false) throw new Error(failureText(outcome, run))
      })
    }
    if (scenario.expect !== 'agree') {
      const stage = scenario.expect.divergeAt
      it(`the known divergence at ${stage} is still there`, { timeout }, async () => {
        const { problem } = await replay()
        if (problem !== undefined) throw new Error(problem)
      })
    }
  })
}

/** What a failing recording says: where it diverges, the first changed paths, and how to replay it. */
function failureText(outcome: RecordingOutcome, run: ReplayRun): string {
  const lines = [`${outcome.recordingId} ${outcome.route}: ${outcome.expectation?.reason ?? 'fails'}.`]
  const result = outcome.result
  if (result.kind === 'failed') {
    lines.push(`The replay failed under ${result.variant}: ${result.error.message}`)
    if (result.error.hint) lines.push(`hint: ${result.error.hint}`)
  } else {
    const divergence = result.comparison.divergence
    if (divergence.kind !== 'none') {
      const [left, right] = run.variants
      lines.push(`Changed paths, ${left} → ${right}:`)
      for (const change of divergence.paths.slice(0, PATHS_SHOWN)) {
        const text = formatChange(change, 60)
        lines.push(
          change.op === 'move'
            ? `  ${text.path}  ${text.before ?? ''}  moved ${text.move ?? ''}`
            : `  ${text.path}  ${text.before ?? '(absent)'} → ${text.after ?? '(absent)'}`,
        )
      }
      if (divergence.paths.length > PATHS_SHOWN)
        lines.push(`  +${divergence.paths.length - PATHS_SHOWN} more`)
      if (divergence.propagatedTo.length > 0)
        lines.push(`Carried on by: ${divergence.propagatedTo.join(', ')}`)
    }
  }
  lines.push(`Replay it: ${outcome.replayKey}`)
  return lines.join('\n')
}
