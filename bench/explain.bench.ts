/**
 * Configuration bisection (`parallax explain`) on a variant pair that differs in 32 configuration keys,
 * one of them guilty: the replays of hybrid variants it takes (the target: ≤ 2·log2(32) + 2 = 12),
 * for every position of the guilty key among 8 spread over the 32, on the fault pipeline's recordings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { explainScenario } from '../src/scenario/explain-scenario.ts'
import { loadScenario } from '../src/scenario/index.ts'
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
    return [
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
