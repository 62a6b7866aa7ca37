/**
 * The cross-feeding rules on hand-made traces, with the runs alone answered by the test: which roles
 * need no run at all (agrees, absorbs, not run, a probe that differs on the same input), which runs each
 * role asks for, and what a failed run alone gives (inconclusive, never blame).
 */
import { describe, expect, it } from 'vitest'
import { crossFeed, type RunAlone } from '../../src/explain/cross-feed.ts'
import type { Trace } from '../../src/pipeline/types.ts'
import { buildTrace, type StageSpec } from '../diff/build-trace.ts'

/** Answers each run alone with `outputOf(side, stage, input)`, and lists the runs asked for. */
function fakeRuns(outputOf: (side: 0 | 1, stage: string, input: unknown) => unknown, fail = false) {
  const asked: string[] = []
  const runAlone: RunAlone = async (side, stage, inputsJson) =>
    inputsJson.map((json): Trace => {
      asked.push(`${side}:${stage}:${json}`)
      const input = JSON.parse(json) as unknown
      const trace = buildTrace(side === 0 ? 'left' : 'right', [
        { name: stage, input, output: outputOf(side, stage, input) },
      ])
      return fail ? { ...trace, failure: { name: 'ParallaxError', message: 'unrecorded call' } } : trace
    })
  return { asked, runAlone }
}

const left: StageSpec[] = [
  { name: 'parse', input: 'q', output: 'q' },
  { name: 'measure', input: 'q', output: 1, probes: [{ name: 'raw', value: 'a' }] },
  { name: 'clamp', input: 1, output: 1 },
]

describe('crossFeed rules', () => {
  it('crossFeed: agrees, a probe that differs on the same input, absorbs — without running anything', async () => {
    const right: StageSpec[] = [
      { name: 'parse', input: 'q', output: 'q' },
      { name: 'measure', input: 'q', output: 1, probes: [{ name: 'raw', value: 'b' }] },
      { name: 'clamp', input: 2, output: 1 },
    ]
    const { asked, runAlone } = fakeRuns(() => undefined)
    const roles = await crossFeed(buildTrace('left', left), buildTrace('right', right), runAlone)
    expect(roles.map((r) => [r.stage, r.role])).toEqual([
      ['parse', 'agrees'],
      ['measure', 'introduces'],
      ['clamp', 'absorbs'],
    ])
    expect(roles[1]!.detail).toContain('probe raw differs')
    expect(asked).toEqual([])
  })

  it('crossFeed: a stage that ran under one variant only is `not run`', async () => {
    const { runAlone } = fakeRuns(() => undefined)
    const roles = await crossFeed(buildTrace('left', left), buildTrace('right', left.slice(0, 2)), runAlone)
    expect(roles.at(-1)).toMatchObject({ stage: 'clamp', role: 'not run', detail: 'it ran under left only' })
  })

  it('crossFeed: a failed run alone makes the stage inconclusive, not blamed', async () => {
    const right = [left[0]!, { ...left[1]!, output: 2 }]
    const { asked, runAlone } = fakeRuns((_side, _stage, input) => input, true)
    const roles = await crossFeed(buildTrace('left', left.slice(0, 2)), buildTrace('right', right), runAlone)
    expect(roles[1]).toMatchObject({ stage: 'measure', role: 'inconclusive' })
    expect(roles[1]!.detail).toContain('unrecorded call')
    // Same input: each variant run alone on its own input, and no cross run.
    expect(asked).toEqual(['0:measure:"q"', '1:measure:"q"'])
  })
})
