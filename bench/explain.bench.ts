/**
 * Configuration bisection (`parallax explain`) on a variant pair that differs in 32 configuration keys,
 * one of them guilty: the replays of hybrid variants it takes (the target: ≤ 2·log2(32) + 2 = 12),
 * for every position of the guilty key among 8 spread over the 32, on the fault pipeline's recordings.
 * Then shrinking: each of the demo's diverging recordings shrunk to its smallest repro (body bytes before
 * and after, and the replays it took).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { placeOf } from '../src/scenario/divergence-place.ts'
import { explainScenario } from '../src/scenario/explain-scenario.ts'
import { loadScenario, openScenarioReplayer } from '../src/scenario/index.ts'
import { loadScenarioRecordings } from '../src/scenario/run-scenario.ts'
import { shrinkDivergence } from '../src/scenario/shrink-scenario.ts'
import { greetingRecording, recordingsFolder, UPSTREAM } from '../test/support/recordings.ts'
import type { SuiteResult } from './harness.ts'

const KEYS = 32
const TARGET = 2 * Math.log2(KEYS) + 2

/** Runs the bisection bench. */
export async function run(): Promise<SuiteResult[]> {
  const folder = await recordingsFolder([greetingRecording('ada'), greetingRecording('bob')])
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-explain-'))
  try {
    const replays: number[] = []
    const started = performance.now()
    for (const guilty of [0, 5, 9, 14, 18, 23, 27, 31]) {
      // 31 harmless keys differ (the pipeline never reads them) and `upper`, at position `guilty`, does.
      const local: Record<string, unknown> = { upstream: UPSTREAM }
      const production: Record<string, unknown> = { upstream: UPSTREAM }
      for (let key = 0; key < KEYS; key++) {
        const name = key === guilty ? 'upper' : `unused${String(key).padStart(2, '0')}`
        local[name] = key === guilty ? false : `local-${key}`
        production[name] = key === guilty ? true : `production-${key}`
      }
      const file = join(dir, `guilty-${guilty}.ts`)
      const define = JSON.stringify(new URL('../src/scenario/index.ts', import.meta.url).href)
      const pipeline = JSON.stringify(new URL('../test/fixtures/fault-pipeline.ts', import.meta.url).href)
      writeFileSync(
        file,
        `import { defineScenario } from ${define}
export const scenario = defineScenario({
  name: 'bisect-${guilty}',
  pipeline: { module: new URL(${pipeline}), export: 'faults' },
  recordings: ${JSON.stringify(folder)},
  variants: { local: { config: ${JSON.stringify(local)} }, production: { config: ${JSON.stringify(production)} } },
})
`,
      )
      const explanation = await explainScenario(await loadScenario(file))
      if (explanation.config?.sufficient.join() !== 'config.upper')
        throw new Error(
          `bench: bisection found ${explanation.config?.sufficient.join()} instead of config.upper`,
        )
      replays.push(explanation.config.replays)
    }
    const worst = Math.max(...replays)
    const title = `Configuration bisection over ${KEYS} differing keys, one guilty (8 positions)`
    process.stdout.write(
      `\n${title}\n  replays per bisection: ${replays.join(', ')} (worst ${worst}, target ≤ ${TARGET}), ${((performance.now() - started) / 1000).toFixed(1)} s in all\n\n${worst <= TARGET ? 'PASS' : 'MISS'}  replays ≤ 2·log2(32)+2: ${worst}\n`,
    )
    const shrinking = await shrinkDemo()
    return [
      shrinking,
      {
        title,
        baseline: 'target',
        rounds: 1,
        cases: [],
        targets: [{ label: `replays ≤ ${TARGET}`, ratio: worst / TARGET, max: 1, pass: worst <= TARGET }],
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Shrinks each diverging recording of the demo (default budget) and prints the sizes. */
async function shrinkDemo(): Promise<SuiteResult> {
  const scenario = await loadScenario(new URL('../scenarios/copilot.ts', import.meta.url).pathname)
  const recordings = (await loadScenarioRecordings(scenario.recordings)).loaded.map((e) => e.recording)
  const replayer = openScenarioReplayer(scenario)
  const places = new Map<string, string>()
  try {
    for (const recording of recordings) {
      const place = placeOf((await replayer.compare(recording)).result)
      if (place !== undefined) places.set(recording.id, place)
    }
  } finally {
    await replayer.close()
  }
  const rows: string[] = []
  const ratios: number[] = []
  const started = performance.now()
  for (const recording of recordings) {
    const place = places.get(recording.id)
    if (place === undefined) continue
    const shrunk = await shrinkDivergence(scenario, recording, place)
    if (!shrunk) throw new Error(`bench: ${recording.id} no longer diverges at ${place}`)
    ratios.push(shrunk.after.bodyBytes / shrunk.before.bodyBytes)
    rows.push(
      `  ${recording.id.padEnd(13)} ${place}: ${shrunk.before.bodyBytes} → ${shrunk.after.bodyBytes} body bytes (${shrunk.before.chunks} → ${shrunk.after.chunks} chunks), ${shrunk.tests} replays`,
    )
  }
  const title = "Shrinking the demo's diverging recordings to their smallest repro"
  const sorted = [...ratios].sort((a, b) => a - b)
  process.stdout.write(
    `\n${title}\n${rows.join('\n')}\n  median repro ${(100 * sorted[Math.floor(sorted.length / 2)]!).toFixed(1)}% of the original, ${((performance.now() - started) / 1000).toFixed(1)} s in all\n`,
  )
  return { title, baseline: 'original', rounds: 1, cases: [], targets: [] }
}
