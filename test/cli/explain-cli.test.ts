/**
 * `parallax explain` on the demo: decode introduces the divergence, and of the keys the two
 * configurations set differently only the decoder's buffer size is needed.
 */
import { describe, expect, it } from 'vitest'
import { parallax } from '../support/run-node.ts'

describe('parallax explain (CLI)', () => {
  it('cli: names decode and the decoder buffer size, in a handful of replays', async () => {
    const { code, stdout } = await parallax(['explain', 'scenarios/copilot.ts'])
    expect(code).toBe(0)
    expect(stdout).toContain('culprit stage: decode  (5 recordings; infer and render only propagate)')
    expect(stdout).toContain(
      'stages:        parse agrees · retrieve agrees · decode introduces · infer propagates · render propagates',
    )
    expect(stdout).toMatch(
      /config\.decoder\.bufferSize \(65536 vs 64\) is sufficient; the \d+ other differing keys are not needed/,
    )
    const json = JSON.parse((await parallax(['explain', 'scenarios/copilot.ts', '--json'])).stdout)
    expect(json.config).toMatchObject({ sufficient: ['config.decoder.bufferSize'], reproduced: true })
    expect(json.config.replays).toBeLessThanOrEqual(
      2 * Math.log2(Math.max(2, json.config.differing.length)) + 2,
    )
  })
})
