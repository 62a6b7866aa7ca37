/**
 * A DAG pipeline replayed in isolates: each stage gets the outputs it names, the trace records them,
 * and the comparison blames only the branch the configuration changes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { compareTraces } from '../../src/diff/index.ts'
import { createReplayer, type Replayer } from '../../src/replay/index.ts'
import { greetingRecording, UPSTREAM } from '../support/recordings.ts'

const pipeline = { module: new URL('../fixtures/dag-pipeline.ts', import.meta.url).href, export: 'greeter' }
const replayers: Replayer[] = []
afterEach(async () => {
  await Promise.all(replayers.splice(0).map((replayer) => replayer.close()))
})

describe('replay: DAG pipelines', () => {
  it('replays stages on the outputs they name and blames the branch the config changes', async () => {
    const replayer = createReplayer({
      pipeline,
      variants: [
        { name: 'local', config: { upstream: UPSTREAM } },
        { name: 'production', config: { upstream: UPSTREAM, badge: '#' } },
      ],
    })
    replayers.push(replayer)
    const [left, right] = await replayer.replay(greetingRecording('ada'))
    expect(left!.failure).toBeUndefined()
    expect(left!.stages.map((s) => [s.name, s.inputs])).toEqual([
      ['parse', undefined],
      ['greet', ['parse']],
      ['badge', ['parse']],
      ['card', ['greet', 'badge', 'parse']],
    ])
    expect(JSON.parse(left!.stages[3]!.input.json)).toEqual({
      badge: '*3',
      greet: 'hello',
      parse: { name: 'ada' },
    })
    expect(left!.stages[3]!.outcome).toMatchObject({ kind: 'ok' })
    const comparison = compareTraces(left!, right!)
    expect(comparison.stages.map((row) => [row.name, row.verdict])).toEqual([
      ['parse', 'equal'],
      ['greet', 'equal'],
      ['badge', 'culprit'],
      ['card', 'propagated'],
    ])
    expect(comparison.divergence).toMatchObject({
      kind: 'stage',
      culprit: 'badge',
      paths: [{ op: 'replace', path: '$', before: '*3', after: '#3' }],
    })
  })
})
