/**
 * Regression: the documented mask `--mask '/[0-9a-f-]{36}/i'` exited 2 with "cannot run in linear time (…
 * large counted repetitions such as a{1000} …)", and so did every count above 16 (`/a{17}/`,
 * `/[0-9a-f]{32}/`, `/\d{1,20}ms/`), on the command line and in a scenario's noise.masks: every mask had to
 * compile on V8's linear-time engine (counts up to 16) before the proof that it runs in linear time on the
 * usual engine was tried. A mask proven linear now runs on the usual engine up to 32 steps a position,
 * and on parallax's automaton past that (which took V8's linear-time engine's place), whatever its counts.
 */
import { describe, expect, it } from 'vitest'
import { faultScenario, greetingRecording, recordingsFolder, UPSTREAM } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'

describe('regression: masks with counted repetitions above 16', () => {
  it('cli: --mask /[0-9a-f-]{36}/i and other counts above 16 are accepted and reported as rules', async () => {
    const masks = ['/[0-9a-f-]{36}/i', '/a{17}/', '/[0-9a-f]{32}/', '/\\d{1,20}ms/']
    const { code, stdout, stderr } = await parallax([
      'replay',
      'scenarios/copilot.ts',
      '--recording',
      'en-retry',
      '--json',
      ...masks.flatMap((mask) => ['--mask', mask]),
    ])
    expect(code, stderr).toBe(0)
    expect(JSON.parse(stdout).summary.noise.map((rule: { rule: string }) => rule.rule)).toEqual([
      'mask mask1 /[0-9a-f-]{36}/i',
      'mask mask2 /a{17}/',
      'mask mask3 /[0-9a-f]{32}/',
      'mask mask4 /\\d{1,20}ms/',
    ])
  })

  it("scenario: noise.masks with the docs' UUID mask load and replay", async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    const variant = { config: { upstream: UPSTREAM } }
    const file = await faultScenario(
      dir,
      { local: variant, production: variant },
      `\n  noise: { masks: [{ name: 'uuid', pattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', flags: 'i' }, { pattern: '[0-9a-f-]{36}' }] },`,
    )
    const { code, stderr } = await parallax(['replay', file])
    expect(stderr).not.toContain('Invalid mask')
    expect(code, stderr).toBe(0)
  })
})
