/**
 * `--report json,junit` said only that there is no such report, not that --report is repeated; and an
 * empty `--identity-key ''` or `--mask ''` came back in the rule validator's words.
 */
import { describe, expect, it } from 'vitest'
import { faultScenario, greetingRecording, recordingsFolder, UPSTREAM } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'

describe('replay flag values (CLI)', () => {
  it('--report: a comma list is refused with the hint to repeat the flag', async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    const scenario = await faultScenario(dir, {
      local: { config: { upstream: UPSTREAM } },
      production: { config: { upstream: UPSTREAM } },
    })
    const { code, stdout, stderr } = await parallax(['replay', scenario, '--report', 'json,junit'], dir)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to parse --report json,junit: there is no "json,junit" report.
        hint: Repeat --report, once per report: --report json=out/parallax.json --report junit=out/parallax.xml (reports: terminal, json, html, junit, markdown).
      "
    `)
  })

  it('noise flags: an empty --identity-key or --mask is said in a sentence', async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    const targets = ['--target', 'a=http://127.0.0.1:9', '--target', 'b=http://127.0.0.1:9']
    const key = await parallax(['replay', dir, ...targets, '--identity-key', ''])
    const mask = await parallax(['replay', dir, ...targets, '--mask', ''])
    expect([key.code, mask.code]).toEqual([2, 2])
    expect(key.stderr + mask.stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to parse --identity-key "": the value is empty.
        hint: Write --identity-key sku: a field that names array items.
      [parallax] Failed to parse --mask "": the value is empty.
        hint: Write --mask /[0-9a-f-]{36}/i: a regular expression.
      "
    `)
  })
})
