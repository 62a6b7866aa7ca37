/**
 * Several independent divergences in one recording (two branches of a DAG): the terminal line names them
 * all, and the JSON report lists the further ones under `divergence.others`.
 */
import { describe, expect, it } from 'vitest'
import { compareTraces } from '../../src/diff/index.ts'
import { renderJson, renderTerminal } from '../../src/report/index.ts'
import type { RecordingOutcome, VariantRun } from '../../src/report/types.ts'
import { buildTrace, type StageSpec } from '../diff/build-trace.ts'
import { replayRun } from './fixtures.ts'

function shop(prices: unknown, stock: unknown): StageSpec[] {
  return [
    { name: 'parse', input: { sku: 'a' }, output: { sku: 'a' } },
    { name: 'prices', inputs: ['parse'], input: { sku: 'a' }, output: prices },
    { name: 'stock', inputs: ['parse'], input: { sku: 'a' }, output: stock },
    { name: 'offer', inputs: ['prices', 'stock'], input: { prices, stock }, output: { prices, stock } },
  ]
}

function run(variant: string): VariantRun {
  return {
    variant,
    isolation: 'worker',
    stages: ['parse', 'prices', 'stock', 'offer'].map((name) => ({ name, ms: 1, threw: false })),
    totalMs: 4,
    outbound: { recorded: 0, consumed: 0, unmatched: 0 },
  }
}

describe('reports: independent divergences', () => {
  it('names every stage that introduces a divergence', () => {
    const comparison = compareTraces(
      buildTrace('local', shop({ a: 3 }, { a: 7 })),
      buildTrace('production', shop({ a: 4 }, { a: 0 })),
    )
    const outcome: RecordingOutcome = {
      recordingId: 'shop-1',
      source: { file: 'recordings/shop.ndjson', line: 1 },
      route: 'GET /offer',
      result: { kind: 'compared', comparison, runs: [run('local'), run('production')] },
      replayKey: 'parallax replay scenarios/shop.ts --recording shop-1',
    }
    const text = renderTerminal(replayRun([outcome]), { color: false, width: 120, verbose: false })
    expect(text).toContain('diverges at prices; also introduced at stock')
    const json = JSON.parse(renderJson(replayRun([outcome])))
    expect(json.recordings[0].divergence).toMatchObject({
      culprit: 'prices',
      propagatedTo: ['offer'],
      others: [
        { kind: 'stage', culprit: 'stock', paths: [{ op: 'replace', path: '$.a', before: 7, after: 0 }] },
      ],
    })
  })
})
