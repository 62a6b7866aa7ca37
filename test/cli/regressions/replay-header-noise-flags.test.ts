/**
 * Regression: the `headers` noise rule (allow/deny header names) could only be written in a scenario,
 * while docs/noise-rules.md says rules can be given in a scenario or on the command line. `--headers-allow`
 * and `--headers-deny` now add it, named like the scenario's `headers.allow` and `headers.deny`.
 */
import { describe, expect, it } from 'vitest'
import { configScenario } from '../../support/config-scenario.ts'
import { parallax } from '../../support/run-node.ts'

const LEFT = { status: 200, headers: { date: 'Mon', 'x-request-id': 'a1', 'content-type': 'text/plain' } }
const RIGHT = { status: 200, headers: { date: 'Tue', 'x-request-id': 'b2', 'content-type': 'text/plain' } }

describe('header noise flags', () => {
  it('cli: --headers-deny hides the named headers and the report says how much it hid', async () => {
    const file = await configScenario(LEFT, RIGHT)
    const before = await parallax(['replay', file, '--json'])
    expect(before.code, before.stderr).toBe(1)
    const { code, stdout, stderr } = await parallax([
      'replay',
      file,
      '--json',
      '--headers-deny',
      'Date',
      'x-request-id',
    ])
    expect(code, stderr).toBe(0)
    expect(JSON.parse(stdout).summary.noise).toEqual([
      { rule: 'headers deny Date, x-request-id', hidden: 4, recordings: 2 },
    ])
  })

  it('cli: --headers-allow compares only the named headers; a difference outside headers still counts', async () => {
    const allowed = await parallax([
      'replay',
      await configScenario(LEFT, RIGHT),
      '--headers-allow',
      'content-type',
    ])
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.stdout).toContain('headers allow content-type hid 4 changes in 2 recordings')
    const status = await parallax([
      'replay',
      await configScenario(LEFT, { ...RIGHT, status: 500 }),
      '--headers-allow',
      'content-type',
    ])
    expect(status.code).toBe(1)
    expect(status.stdout).toContain('$.status')
  })

  it('cli: --help lists both flags', async () => {
    const { stdout } = await parallax(['replay', '--help'])
    expect(stdout).toContain('--headers-allow <name...>')
    expect(stdout).toContain('--headers-deny <name...>')
  })
})
