/**
 * The tracer runs the pipeline stage by stage, or one stage alone on a given input (cross-feeding).
 */
import { describe, expect, it } from 'vitest'
import { definePipeline, stage } from './define.ts'
import { createTracer } from './trace-run.ts'

const ran: string[] = []
const pipeline = definePipeline('count', [
  stage('parse', (text: string) => {
    ran.push('parse')
    return text.split(' ')
  }),
  stage('count', (words: string[], ctx) => {
    ran.push('count')
    return words.length * Number(ctx.config['scale'] ?? 1)
  }),
  stage('label', (n: number) => {
    ran.push('label')
    return `${n} words`
  }),
])

describe('createTracer', () => {
  it('createTracer: runs every stage in order, each fed the previous output', async () => {
    ran.length = 0
    const { stages } = await createTracer(pipeline, { config: {} }).run('a b c')
    expect(ran).toEqual(['parse', 'count', 'label'])
    expect(stages.map((s) => [s.name, s.outcome.kind === 'ok' && JSON.parse(s.outcome.output.json)])).toEqual(
      [
        ['parse', ['a', 'b', 'c']],
        ['count', 3],
        ['label', '3 words'],
      ],
    )
  })

  it('createTracer: `only` runs that stage alone on the input given, and nothing before or after it', async () => {
    ran.length = 0
    const tracer = createTracer(pipeline, {
      config: { scale: 10 },
      only: { stage: 'count', input: ['x', 'y'] },
    })
    const { stages } = await tracer.run('ignored')
    expect(ran).toEqual(['count'])
    expect(stages).toHaveLength(1)
    expect(stages[0]).toMatchObject({ name: 'count', index: 1, input: { json: '["x","y"]' } })
    expect(stages[0]!.outcome.kind === 'ok' && stages[0]!.outcome.output.json).toBe('20')
  })
})
