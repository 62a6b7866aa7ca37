/**
 * Differential fuzzing on the demo scenario: runs per second against the replay rate of the same
 * recordings (both variants, same isolates, no fuzzing), runs to the first finding of the decode bug
 * from the ASCII recordings (median of 10 seeds), and how far shrinking takes the counterexample.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fuzzScenario } from '../src/fuzz/fuzz-scenario.ts'
import { loadScenario, openScenarioReplayer } from '../src/scenario/index.ts'
import { loadScenarioRecordings } from '../src/scenario/run-scenario.ts'
import { AGREEING, copilotScenario } from '../test/support/copilot-scenario.ts'
import type { SuiteResult } from './harness.ts'

const ROOT = join(import.meta.dirname, '..')
const RUNS = 400
const SEEDS = 10

/** Runs the fuzz bench. */
export async function run(): Promise<SuiteResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-fuzz-'))
  try {
    const buggy = await loadScenario(join(ROOT, 'scenarios/copilot.ts'))
    const agreeing = await loadScenario(await copilotScenario(dir, AGREEING))
    const ascii = ['en-stream', 'en-retry', 'en-timeout']
    const recordings = (await loadScenarioRecordings(agreeing.recordings)).loaded
      .map((entry) => entry.recording)
      .filter((r) => ascii.includes(r.id))

    // Baseline: the same recordings replayed under both variants, one after the other.
    const replayer = openScenarioReplayer(agreeing, { matching: 'route' })
    let replayRate: number
    try {
      for (const recording of recordings) await replayer.compare(recording)
      const started = performance.now()
      for (let i = 0; i < RUNS; i++) await replayer.compare(recordings[i % recordings.length]!)
      replayRate = RUNS / ((performance.now() - started) / 1000)
    } finally {
      await replayer.close()
    }
    let fuzzStarted = 0
    const clean = await fuzzScenario(agreeing, {
      runs: RUNS,
      seed: 1,
      onStart: () => {
        fuzzStarted = performance.now()
      },
    })
    const fuzzRate = clean.runs / ((performance.now() - fuzzStarted) / 1000)

    const found: number[] = []
    const shrunk: Array<{ from: number; to: number; repro: number; seed: number }> = []
    const seedBodies = recordings.map(
      (r) =>
        (r.inbound.request.body?.size ?? 0) +
        r.outbound.reduce((sum, e) => sum + (e.response.body?.size ?? 0), 0),
    )
    for (let seed = 1; seed <= SEEDS; seed++) {
      const report = await fuzzScenario(buggy, { runs: 2000, seed })
      if (report.finding?.place !== 'decode')
        throw new Error(`bench: seed ${seed} did not find the decode bug`)
      found.push(report.finding.foundAtRun)
      shrunk.push({
        from: report.finding.shrunkFromBytes,
        to: report.finding.bytes,
        repro: report.finding.repro.bytes,
        seed,
      })
    }
    const title = 'Differential fuzzing on the demo scenario'
    const ratios = shrunk.map((s) => s.repro / s.from)
    process.stdout.write(
      `\n${title}\n` +
        `  replay of the ASCII recordings, both variants: ${replayRate.toFixed(0)} recordings/s\n` +
        `  fuzzing (${RUNS} runs, variants that agree): ${fuzzRate.toFixed(0)} runs/s = ${(fuzzRate / replayRate).toFixed(2)}× replay\n` +
        `  runs to the first decode divergence from ASCII, ${SEEDS} seeds: ${found.join(', ')} (median ${median(found)})\n` +
        `  body bytes of the counterexample, first failing → fast-check's shrink → shrunk by bytes:\n    ${shrunk.map((s) => `${s.from}→${s.to}→${s.repro}`).join(', ')}\n` +
        `  (median repro ${median(shrunk.map((s) => s.repro))} bytes, ${(100 * median(ratios)).toFixed(1)}% of the first failing case; the seed recordings' bodies are ${seedBodies.join(', ')} bytes)\n`,
    )
    return [{ title, baseline: 'replay', rounds: 1, cases: [], targets: [] }]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The middle value (the upper one of the two middles). */
function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
}
