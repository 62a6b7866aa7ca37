/**
 * The suite runner's report of recorded outbound calls that no replay used (stale recordings).
 */
import { describe, expect, it } from 'vitest'
import { runSuite } from '../../src/scenario/index.ts'
import {
  faultScenario,
  greetingRecording,
  jsonExchange,
  recordingsFolder,
  UPSTREAM,
} from '../support/recordings.ts'
import { parallax } from '../support/run-node.ts'

describe('runSuite: unused recorded calls', () => {
  it('counts recorded outbound calls no replay used, and fails on them only when asked', async () => {
    const stale = greetingRecording('ada')
    stale.outbound.push(jsonExchange('GET', `${UPSTREAM}/retired-endpoint`, { old: true }, 3))
    const folder = await recordingsFolder([stale, greetingRecording('bob')])
    const file = await faultScenario(folder, {
      local: { config: { upstream: UPSTREAM } },
      production: { config: { upstream: UPSTREAM } },
    })
    const lenient = await runSuite([file])
    expect(lenient.passed).toBe(true)
    expect(lenient.scenarios[0]!.unusedOutbound).toEqual({ calls: 1, recordings: 1 })
    const strict = await runSuite([file], { failOnUnused: true })
    expect(strict.passed).toBe(false)
    expect(strict.scenarios[0]!.problem).toContain(
      '1 recorded outbound call (in 1 recording) was not used by any replay',
    )
  })
})

describe('scenario recordings as globs', () => {
  it('expands a glob of recording files, and a glob that matches nothing is exit 2 naming it', async () => {
    const folder = await recordingsFolder([greetingRecording('ada'), greetingRecording('bob')])
    const matching = await faultScenario(
      folder,
      { local: { config: { upstream: UPSTREAM } }, production: { config: { upstream: UPSTREAM } } },
      '',
      './*.ndjson',
    )
    const suite = await runSuite([matching])
    expect(suite.scenarios[0]!.run.summary).toMatchObject({ total: 2, agree: 2 })
    const empty = await faultScenario(
      folder,
      { local: { config: { upstream: UPSTREAM } }, production: { config: { upstream: UPSTREAM } } },
      '',
      './none-*.ndjson',
    )
    const result = await parallax(['test', empty])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('the glob')
    expect(result.stderr).toContain('matches nothing')
  })
})
