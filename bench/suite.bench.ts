/**
 * Regression suites and black-box replay, against their baselines measured in the same run:
 * (a) `parallax test` (runSuite: load the scenario, replay, compare, check the expectation) over N copies
 *     of the copilot demo's recordings, against the core replay of the same recordings (a replayer and
 *     compareTraces, nothing else): orchestration overhead ≤ 10% (time ≤ 1.10×). N = 1,000 by default;
 *     `PARALLAX_BENCH_SUITE_RECORDINGS=10000` runs the 10,000 (≈ 1 min per case and round).
 * (b) HTTP target mode (runTargets: send each recorded GET to two services, read, compare) against a
 *     plain undici Pool sending the same requests to the same two services: throughput ≥ 0.85× (time
 *     ≤ 1/0.85×). Both services run in child processes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Pool } from 'undici'
import { compareTraces, compileNoiseRules } from '../src/diff/index.ts'
import type { Trace } from '../src/pipeline/types.ts'
import { bodyFromBytes } from '../src/recording/body.ts'
import { loadRecordings, type Recording, writeSegment } from '../src/recording/index.ts'
import { createReplayer } from '../src/replay/index.ts'
import { loadScenario, runSuite as runScenarioSuite } from '../src/scenario/index.ts'
import { runTargets } from '../src/scenario/run-targets.ts'
import { runSuite, type SuiteResult } from './harness.ts'
import { startChildServer } from './load/child-server.ts'

const root = resolve(import.meta.dirname, '..')
const RECORDINGS = Number(process.env['PARALLAX_BENCH_SUITE_RECORDINGS'] ?? 1000) || 1000
const HTTP_REQUESTS = 2000
const HTTP_CONCURRENCY = 8

/** Runs the suite and target-mode benches. */
export async function run(): Promise<SuiteResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-suite-'))
  try {
    return [await suiteOverhead(dir), await targetThroughput(dir)]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function suiteOverhead(dir: string): Promise<SuiteResult> {
  const demo = (await loadRecordings(join(root, 'recordings/copilot'))).recordings.map(
    (entry) => entry.recording,
  )
  const copies: Recording[] = Array.from({ length: RECORDINGS }, (_, i) => ({
    ...demo[i % demo.length]!,
    id: `${demo[i % demo.length]!.id}-${i}`,
  }))
  await writeSegment(join(dir, 'recordings', 'copies.ndjson'), copies)
  const scenarioFile = join(dir, 'copilot.ts')
  const url = (path: string) => JSON.stringify(new URL(`../${path}`, import.meta.url).href)
  writeFileSync(
    scenarioFile,
    `import { defineScenario } from ${url('src/scenario/index.ts')}
import { localConfig, productionConfig } from ${url('examples/copilot/config.ts')}
export const scenario = defineScenario({
  name: 'copilot-bench',
  pipeline: { module: new URL(${url('examples/copilot/pipeline.ts')}), export: 'copilot' },
  recordings: ${JSON.stringify(join(dir, 'recordings'))},
  variants: { local: { config: localConfig }, production: { config: productionConfig } },
  expect: { divergeAt: 'decode' },
})
`,
  )
  const scenario = await loadScenario(scenarioFile)
  const core = async () => {
    const { recordings } = await loadRecordings(join(dir, 'recordings'))
    const replayer = createReplayer({
      pipeline: scenario.pipeline,
      variants: scenario.variants,
      seed: scenario.seed,
    })
    let diverging = 0
    try {
      for await (const traces of replayer.replayAll(recordings.map((entry) => entry.recording))) {
        const [left, right] = traces as [Trace, Trace]
        if (compareTraces(left, right).divergence.kind !== 'none') diverging++
      }
    } finally {
      await replayer.close()
    }
    return diverging
  }
  const suite = async () => {
    const result = await runScenarioSuite([scenarioFile])
    if (!result.passed) throw new Error('bench: the suite did not pass')
    return result
  }
  const coreName = `core replay + compare, ${RECORDINGS} recordings`
  const suiteName = `parallax test (runSuite), ${RECORDINGS} recordings`
  return runSuite({
    title: `parallax test over ${RECORDINGS} copies of the copilot recordings × 2 variants (fresh isolates each call)`,
    baseline: coreName,
    rounds: 5,
    sampleMs: 1,
    cases: [
      { name: coreName, fn: core },
      { name: suiteName, fn: suite },
    ],
    targets: [{ case: suiteName, max: 1.1, label: 'orchestration overhead ≤ 10%' }],
  })
}

async function targetThroughput(dir: string): Promise<SuiteResult> {
  const module = new URL('./load/json-service.ts', import.meta.url)
  const servers = await Promise.all(
    ['a', 'b'].map((name) => startChildServer({ name, module, options: { bodyBytes: 1024 } })),
  )
  try {
    const recordings: Recording[] = Array.from({ length: HTTP_REQUESTS }, (_, i) => ({
      id: `get-${i}`,
      recordedAt: '2026-11-24T08:00:00.000Z',
      meta: { service: 'bench', environment: 'bench' },
      inbound: {
        request: {
          method: 'GET',
          url: `http://bench.invalid/items?i=${i}`,
          headers: [['accept', 'application/json']],
        },
        response: { status: 200, headers: [], body: bodyFromBytes(Buffer.from('{}')) },
        startedAtMs: 0,
        durationMs: 1,
      },
      outbound: [],
      nondeterminism: { clock: [], random: [], uuids: [] },
    }))
    const folder = join(dir, 'http')
    await writeSegment(join(folder, 'gets.ndjson'), recordings)
    const targets = servers.map((server, i) => ({ name: `v${i + 1}`, url: server.origin }))
    const plain = async () => {
      const pools = servers.map((server) => new Pool(server.origin, { connections: HTTP_CONCURRENCY }))
      let next = 0
      const worker = async () => {
        for (let i = next++; i < HTTP_REQUESTS; i = next++) {
          await Promise.all(
            pools.map(async (pool) => {
              const response = await pool.request({
                method: 'GET',
                path: `/items?i=${i}`,
                headers: { accept: 'application/json' },
              })
              return response.body.json()
            }),
          )
        }
      }
      try {
        await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker))
      } finally {
        await Promise.all(pools.map((pool) => pool.close()))
      }
    }
    // Each answer carries its own request id and time: noise rules hide them, as a user's would.
    const noise = compileNoiseRules({ ignore: ['$.body.requestId', '$.body.at'] }, 'bench')
    const replay = () => runTargets(folder, targets, { concurrency: HTTP_CONCURRENCY, noise })
    const plainName = `undici Pool, ${HTTP_REQUESTS} GETs to 2 services`
    const replayName = `runTargets, same ${HTTP_REQUESTS} GETs, answers compared`
    return await runSuite({
      title: `HTTP target mode: ${HTTP_REQUESTS} recorded GETs (1 KB JSON answers) to two services, ${HTTP_CONCURRENCY} in flight`,
      baseline: plainName,
      // Loopback throughput on 2 cores moves ±20% between rounds: more of them steady the medians.
      rounds: 11,
      sampleMs: 1,
      cases: [
        { name: plainName, fn: plain },
        { name: replayName, fn: replay },
      ],
      targets: [{ case: replayName, max: 1 / 0.85, label: 'throughput ≥ 0.85× the plain Pool' }],
    })
  } finally {
    await Promise.all(servers.map((server) => server.close()))
  }
}
