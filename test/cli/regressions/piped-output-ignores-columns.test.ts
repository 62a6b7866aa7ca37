/**
 * Regression: piped or CI output was drawn 100 columns wide whatever COLUMNS said, and cut noise-rule
 * counts like any other line. COLUMNS is honoured now, and what must stay whole is never cut.
 */
import { describe, expect, it } from 'vitest'
import { terminalWidth } from '../../../src/cli/terminal-width.ts'
import { parallax } from '../../support/run-node.ts'

const LONG_PATH = '$.a.rather.long.path.that.names.nothing.in.the.pipeline.at.all.so.that.it.hides.nothing'

function width(line: string): number {
  return Array.from(line).length
}

describe('regression: the terminal width of piped output', () => {
  it('terminalWidth: COLUMNS when set, else the terminal, else 100', () => {
    expect(terminalWidth({ isTTY: false }, {})).toBe(100)
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '200' })).toBe(200)
    expect(terminalWidth({ isTTY: true, columns: 80 }, {})).toBe(80)
    expect(terminalWidth({ isTTY: true, columns: 80 }, { COLUMNS: '132' })).toBe(132)
    expect(terminalWidth({ isTTY: false, columns: 80 }, { COLUMNS: 'wide' })).toBe(100)
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '0' })).toBe(100)
  })

  it('cli: piped output honours COLUMNS, and never cuts the noise-rule counts or the replay command', async () => {
    const args = ['replay', 'scenarios/copilot.ts', '--recording', 'fr-abort', '--ignore', LONG_PATH]
    const wide = await parallax(args, undefined, { COLUMNS: '200' })
    expect(wide.code, wide.stderr).toBe(1)
    const changed = wide.stdout
      .split('\n')
      .find((line) => line.trimStart().startsWith('$.documents[2].text'))!
    expect(width(changed)).toBeGreaterThan(100)
    expect(width(changed)).toBeLessThanOrEqual(200)

    const piped = await parallax(args, undefined, { COLUMNS: undefined })
    const lines = piped.stdout.split('\n')
    expect(lines).toContain(`  ignore ${LONG_PATH} hid nothing`)
    expect(lines.some((line) => line.endsWith(`--ignore '${LONG_PATH}'`))).toBe(true)
    const cut = lines.filter((line) => !line.includes(LONG_PATH))
    for (const line of cut) expect(width(line)).toBeLessThanOrEqual(100)
  })
})
