/**
 * The checked-in copilot recordings, replayed through scenarios/copilot.ts: the culprit is `decode` for
 * every request with multi-byte text, and the variants agree on plain ASCII. Also the determinism
 * contract on every checked-in recording: the same recording replayed twice gives byte-identical traces.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Trace } from '../../src/pipeline/types.ts'
import { loadRecordings } from '../../src/recording/index.ts'
import { canonicalTraceJson, createReplayer } from '../../src/replay/index.ts'
import { type ReplayRun, statusOf } from '../../src/report/index.ts'
import { loadScenario, runScenario } from '../../src/scenario/index.ts'

const root = resolve(import.meta.dirname, '../..')
const ASCII = ['en-stream', 'en-retry', 'en-timeout']
const MULTI_BYTE = ['fr-abort', 'es-retry', 'de-stream', 'emoji-commit', 'ja-stream']

describe('copilot scenario', () => {
  let run: ReplayRun

  beforeAll(async () => {
    run = await runScenario(await loadScenario(join(root, 'scenarios/copilot.ts')), { cwd: root })
  })

  it('copilot scenario: replays all 8 checked-in recordings with no failure and no invalid line', () => {
    expect(run.summary).toMatchObject({ total: 8, agree: 3, diverge: 5, failed: 0, invalid: 0 })
  })

  it('copilot scenario: plain ASCII requests agree under local and production', () => {
    const agreeing = run.recordings.filter((o) => statusOf(o.result) === 'agree').map((o) => o.recordingId)
    expect(agreeing.sort()).toEqual([...ASCII].sort())
  })

  it('copilot scenario: every multi-byte request diverges at decode, with infer and render only propagating', () => {
    for (const name of MULTI_BYTE) {
      const outcome = run.recordings.find((o) => o.recordingId === name)
      expect(outcome, name).toBeDefined()
      const result = outcome!.result
      expect(result.kind, name).toBe('compared')
      if (result.kind !== 'compared') continue
      const { divergence } = result.comparison
      expect(divergence, name).toMatchObject({
        kind: 'stage',
        culprit: 'decode',
        propagatedTo: ['infer', 'render'],
      })
    }
  })

  it('copilot scenario: the changed paths are the documents text, with U+FFFD under production', () => {
    const outcome = run.recordings.find((o) => o.recordingId === 'fr-abort')!
    if (outcome.result.kind !== 'compared' || outcome.result.comparison.divergence.kind !== 'stage') {
      throw new Error('fr-abort should diverge at a stage')
    }
    const paths = outcome.result.comparison.divergence.paths
    expect(paths.length).toBeGreaterThan(0)
    for (const path of paths) expect(path.path).toMatch(/^\$\.documents\[\d+\]\.(text|title)/)
    expect(
      paths.some((p) => String(p.after).includes('\uFFFD') && !String(p.before).includes('\uFFFD')),
    ).toBe(true)
  })

  it('copilot scenario: every failing recording carries a replay key ready to paste', () => {
    const outcome = run.recordings.find((o) => o.recordingId === 'ja-stream')!
    expect(outcome.replayKey).toBe(
      'parallax replay scenarios/copilot.ts --recording ja-stream --variants local,production --seed 1',
    )
  })
})

describe('determinism contract', () => {
  const folder = join(root, 'recordings')
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ndjson'),
  )

  it('determinism: recordings/ holds checked-in recordings to check', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  it('determinism: every checked-in recording replayed twice gives byte-identical traces under both variants', async () => {
    const scenario = await loadScenario(join(root, 'scenarios/copilot.ts'))
    const { recordings, errors } = await loadRecordings(folder)
    expect(errors).toEqual([])
    const replay = async () => {
      const replayer = createReplayer({ pipeline: scenario.pipeline, variants: scenario.variants, seed: 1 })
      const traces: Trace[] = []
      try {
        for (const { recording } of recordings) traces.push(...(await replayer.replay(recording)))
      } finally {
        await replayer.close()
      }
      return traces
    }
    const first = await replay()
    const second = await replay()
    expect(first.length).toBe(recordings.length * scenario.variants.length)
    for (const [index, trace] of first.entries()) {
      expect(trace.failure, `${trace.recordingId} under ${trace.variant}`).toBeUndefined()
      expect(canonicalTraceJson(second[index]!), `${trace.recordingId} under ${trace.variant}`).toBe(
        canonicalTraceJson(trace),
      )
    }
  })
})
