/**
 * The culprit rule over a DAG: a stage's input counts as carried only from the stages it takes; two
 * branches that each introduce a divergence are two culprits, reported separately.
 */
import { describe, expect, it } from 'vitest'
import { compareTraces } from '../../src/diff/index.ts'
import { definePipeline, runPipeline, stage } from '../../src/pipeline/index.ts'
import { isParallaxError } from '../../src/recording/errors.ts'
import { buildTrace, type StageSpec } from './build-trace.ts'

/** request → (prices, stock) → offer: two branches joined. */
function dag(prices: unknown, stock: unknown, offer: unknown, request: unknown = { sku: 'a' }): StageSpec[] {
  return [
    { name: 'parse', input: request, output: { sku: 'a' } },
    { name: 'prices', inputs: ['parse'], input: { sku: 'a' }, output: prices },
    { name: 'stock', inputs: ['parse'], input: { sku: 'a' }, output: stock },
    { name: 'offer', inputs: ['prices', 'stock'], input: { prices, stock }, output: offer },
  ]
}

describe('DAG pipelines', () => {
  it('runPipeline and stage inputs: one input is that output, several are an object by name', async () => {
    const pipeline = definePipeline('shop', [
      stage('parse', (request: { sku: string }) => request.sku),
      stage('prices', (sku: string) => ({ [sku]: 3 }), { inputs: ['parse'] }),
      stage('stock', (sku: string) => ({ [sku]: 7 }), { inputs: ['parse'] }),
      stage(
        'offer',
        (input: { prices: Record<string, number>; stock: Record<string, number>; request: unknown }) => input,
        {
          inputs: ['prices', 'stock', 'request'],
        },
      ),
    ])
    expect(await runPipeline(pipeline, { sku: 'a' }, { config: {} })).toEqual({
      prices: { a: 3 },
      stock: { a: 7 },
      request: { sku: 'a' },
    })
  })

  it('definePipeline rejects inputs naming a later or unknown stage', () => {
    const attempt = (inputs: string[]) => {
      try {
        definePipeline('p', [stage('a', (x) => x, { inputs }), stage('b', (x) => x)])
      } catch (error) {
        expect(isParallaxError(error, 'PARALLAX_PIPELINE_INVALID')).toBe(true)
        return (error as Error).message
      }
      return 'no error'
    }
    expect(attempt(['b'])).toContain('stage a takes the output of b, which runs after it')
    expect(attempt(['nope'])).toContain('which is not a stage of the pipeline')
    expect(attempt(['request'])).toBe('no error')
    expect(() => stage('x', (v) => v, { inputs: [] })).toThrow(/non-empty list/)
  })

  it('two branches that each introduce a divergence are two culprits; the join only carries them', () => {
    const left = buildTrace('local', dag({ a: 3 }, { a: 7 }, { price: 3, stock: 7 }))
    const right = buildTrace('production', dag({ a: 4 }, { a: 0 }, { price: 4, stock: 0 }))
    const comparison = compareTraces(left, right)
    expect(comparison.stages.map((row) => [row.name, row.verdict])).toEqual([
      ['parse', 'equal'],
      ['prices', 'culprit'],
      ['stock', 'culprit'],
      ['offer', 'propagated'],
    ])
    expect(comparison.divergence).toEqual({
      kind: 'stage',
      culprit: 'prices',
      paths: [{ op: 'replace', path: '$.a', before: 3, after: 4 }],
      propagatedTo: ['offer'],
      others: [
        { kind: 'stage', culprit: 'stock', paths: [{ op: 'replace', path: '$.a', before: 7, after: 0 }] },
      ],
    })
  })

  it('a branch whose input differs while none of its inputs do is an entry of its own, not carried by the other branch', () => {
    const left = buildTrace('local', [
      { name: 'parse', input: 1, output: 1 },
      { name: 'prices', inputs: ['parse'], input: 1, output: 10 },
      // `flags` reads the request, which each variant sees differently (a header, say).
      { name: 'flags', inputs: ['request'], input: { beta: false }, output: { beta: false } },
    ])
    const right = buildTrace('production', [
      { name: 'parse', input: 1, output: 1 },
      { name: 'prices', inputs: ['parse'], input: 1, output: 11 },
      { name: 'flags', inputs: ['request'], input: { beta: true }, output: { beta: true } },
    ])
    const comparison = compareTraces(left, right)
    expect(comparison.stages.map((row) => row.verdict)).toEqual(['equal', 'culprit', 'entry'])
    expect(comparison.divergence).toMatchObject({
      kind: 'stage',
      culprit: 'prices',
      others: [{ kind: 'external', source: 'input', stage: 'flags' }],
    })
  })
})
