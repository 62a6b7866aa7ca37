/**
 * Regression: `--mask '//'` was taken as the bare pattern `//` (the text `//`) and reported as `////`;
 * a bad flag was named JSON-escaped (`--mask "/\\d{1,20}(ms/"`, each backslash doubled) rather than as
 * typed; and path errors counted characters from 0.
 */
import { describe, expect, it } from 'vitest'
import { parallax } from '../../support/run-node.ts'

describe('regression: noise flags named as typed', () => {
  it('cli: --mask // is an empty pattern, rejected as matching the empty string, exit 2', async () => {
    const { code, stdout, stderr } = await parallax(['replay', 'scenarios/copilot.ts', '--mask', '//'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain("at --mask '//'")
    expect(stderr).toContain('empty string')
    expect(stderr).not.toContain('////')
  })

  it('cli: a bad --mask is named as typed, backslashes not doubled', async () => {
    const { code, stderr } = await parallax(['replay', 'scenarios/copilot.ts', '--mask', '/\\d{1,20}(ms/'])
    expect(code).toBe(2)
    expect(stderr).toContain("Invalid mask /\\d{1,20}(ms/ at --mask '/\\d{1,20}(ms/':")
  })

  it('cli: path errors count characters from 1, leading spaces included', async () => {
    const cases: Array<[string, string]> = [
      ['$.a[', 'the bracket at character 4'],
      [' $.a[', 'the bracket at character 5'],
      ['$.x!', 'unexpected "!" at character 4'],
      ['$.a..b', 'a key is missing after the dot at character 4'],
    ]
    for (const [path, reason] of cases) {
      const { code, stderr } = await parallax(['replay', 'scenarios/copilot.ts', '--ignore', path])
      expect(code).toBe(2)
      expect(stderr).toContain(`at --ignore '${path}': ${reason}`)
    }
  })
})
