/**
 * Regressions seen end to end in `parallax replay`: a number delta rounded to 6 digits (25596456 →
 * 23309288 read `Δ -2287170`), and a reversed array shown by indexes as values (`$.tags[2]  2 ↷ 0`).
 */
import { describe, expect, it } from 'vitest'
import { configScenario } from '../../support/config-scenario.ts'
import { parallax } from '../../support/run-node.ts'

describe('replay: changed values as a user reads them', () => {
  it('cli: an integer delta is exact and a moved item is shown with its indexes, in the terminal and in JSON', async () => {
    const file = await configScenario(
      { n: 25596456, tags: ['a', 'b', 'c'] },
      { n: 23309288, tags: ['c', 'b', 'a'] },
      1,
    )
    const terminal = await parallax(['replay', file])
    expect(terminal.code, terminal.stderr).toBe(1)
    expect(terminal.stdout).toContain('Δ -2287168 (-8.94%)')
    expect(terminal.stdout).toContain('$.tags[2]  "c"  moved [2] → [0]')
    const json = await parallax(['replay', file, '--json'])
    const [recording] = JSON.parse(json.stdout).recordings
    expect(recording.divergence.paths).toContainEqual({
      op: 'move',
      path: '$.tags[2]',
      to: '$.tags[0]',
      before: 'c',
      after: 'c',
    })
  })
})
