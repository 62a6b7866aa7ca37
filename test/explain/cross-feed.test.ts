/**
 * Cross-feeding in real isolates: every stage of a diverging recording classified (agrees, introduces,
 * propagates), several introducing stages all named, and a stage that reads state an earlier stage left
 * outside its input reported as impure, not blamed — in worker threads and in child processes.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { explainScenario } from '../../src/scenario/explain-scenario.ts'
import { loadScenario } from '../../src/scenario/index.ts'
import { greetingRecording, recordingsFolder } from '../support/recordings.ts'

async function crossFeedScenario(
  left: Record<string, unknown>,
  right: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const folder = await recordingsFolder([greetingRecording('ada', { outbound: [] })])
  const file = join(folder, 'cross-feed.scenario.ts')
  const pipeline = new URL('../fixtures/cross-feed-pipeline.ts', import.meta.url).href
  const define = new URL('../../src/scenario/index.ts', import.meta.url).href
  await writeFile(
    file,
    `import { defineScenario } from ${JSON.stringify(define)}
export const scenario = defineScenario({
  name: 'cross-feed',
  pipeline: { module: new URL(${JSON.stringify(pipeline)}), export: 'crossFeedPipeline' },
  recordings: '.',
  variants: {
    left: ${JSON.stringify({ config: left, ...extra })},
    right: ${JSON.stringify({ config: right, ...extra })},
  },
})
`,
  )
  return loadScenario(file)
}

const rolesOf = (explanation: Awaited<ReturnType<typeof explainScenario>>) =>
  Object.fromEntries(explanation.stages!.roles.map((r) => [r.stage, r.role]))

describe('cross-feeding', () => {
  it('explainScenario: names both introducing stages, the carriers, and the impure stage', async () => {
    const scenario = await crossFeedScenario(
      { scale: 1, suffix: '', mode: 'a' },
      { scale: 2, suffix: '!', mode: 'b' },
    )
    const explanation = await explainScenario(scenario)
    expect(explanation.culprits[0]!.place).toBe('measure')
    expect(rolesOf(explanation)).toEqual({
      parse: 'agrees',
      measure: 'introduces',
      label: 'introduces',
      shout: 'propagates',
      remember: 'propagates',
      apply: 'impure',
    })
    const label = explanation.stages!.roles.find((r) => r.stage === 'label')!
    // Fed right's input (ada:6), left still leaves the suffix out.
    expect(label.paths).toEqual([{ op: 'replace', path: '$.label', before: 'ada:6', after: 'ada:6!' }])
  })

  it('explainScenario: a culprit by the culprit rule that only reads module state is reported impure, not blamed', async () => {
    const scenario = await crossFeedScenario({ mode: 'a' }, { mode: 'b' })
    const explanation = await explainScenario(scenario)
    expect(explanation.culprits[0]!.place).toBe('apply')
    const apply = explanation.stages!.roles.find((r) => r.stage === 'apply')!
    expect(apply.role).toBe('impure')
    expect(apply.detail).toContain('reads state outside its input')
    expect(rolesOf(explanation)).toMatchObject({ remember: 'agrees', measure: 'agrees' })
  })

  it('explainScenario: cross-feeds across child processes too (variants with env)', async () => {
    const scenario = await crossFeedScenario(
      { scale: 1, suffix: '' },
      { scale: 1, suffix: '?' },
      { env: { CROSS_FEED: '1' } },
    )
    expect(scenario.variants.map((v) => v.env)).toEqual([{ CROSS_FEED: '1' }, { CROSS_FEED: '1' }])
    const explanation = await explainScenario(scenario)
    expect(rolesOf(explanation)).toEqual({
      parse: 'agrees',
      measure: 'agrees',
      label: 'introduces',
      shout: 'propagates',
      remember: 'propagates',
      // Alone in a fresh process, nothing was remembered: its output is not its input's alone.
      apply: 'impure',
    })
  })

  it('explainScenario: a hybrid that fails to start names the key that breaks it', async () => {
    const loaded = await crossFeedScenario({}, {})
    const scenario = {
      ...loaded,
      variants: [
        { ...loaded.variants[0]!, env: { FLAVOR: 'a', REGION: 'us', SCALE: '1' } },
        { ...loaded.variants[1]!, env: { FLAVOR: 'b', REGION: 'eu', SCALE: '2' } },
      ],
    }
    const explanation = await explainScenario(scenario)
    expect(explanation.config).toMatchObject({
      reproduced: true,
      sufficient: ['env.SCALE'],
      broken: { keys: ['env.FLAVOR'], error: expect.stringContaining('FLAVOR=b needs REGION=eu') },
    })
  })
})
