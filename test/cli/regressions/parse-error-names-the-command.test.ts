/**
 * A command line that fails to parse names the help of the command that was run (it always said
 * `parallax replay --help`), and a refused flag value reads as one sentence.
 */
import { describe, expect, it } from 'vitest'
import { parallax } from '../../support/run-node.ts'

describe('command-line parse errors (CLI)', () => {
  it('parse errors: the hint names the help of the command that was run', async () => {
    const runs = await Promise.all([
      parallax(['proxy', '--bogus']),
      parallax(['inspect']),
      parallax(['export', 'har', 'recordings/copilot']),
      parallax(['import', 'har', 'x.har']),
      parallax(['--bogus']),
    ])
    expect(runs.map(({ code }) => code)).toEqual([2, 2, 2, 2, 2])
    expect(runs.map(({ stderr }) => stderr).join('')).toMatchInlineSnapshot(`
      "[parallax] Failed to parse the command line: required option '--listen <host:port>' not specified.
        hint: run \`parallax proxy --help\`.
      [parallax] Failed to parse the command line: missing required argument 'path'.
        hint: run \`parallax inspect --help\`.
      [parallax] Failed to parse the command line: required option '--out <file.har>' not specified.
        hint: run \`parallax export har --help\`.
      [parallax] Failed to parse the command line: required option '--out <dir>' not specified.
        hint: run \`parallax import har --help\`.
      [parallax] Failed to parse the command line: unknown option '--bogus'.
        hint: run \`parallax --help\`.
      "
    `)
  })

  it('parse errors: a refused value says what it must be, in one sentence', async () => {
    const sample = await parallax([
      'proxy',
      '--listen',
      '127.0.0.1:0',
      '--target',
      'http://127.0.0.1:9',
      '--out',
      'out/never',
      '--sample',
      '2',
    ])
    const runs = await parallax(['fuzz', 'scenarios/copilot.ts', '--runs', 'x'])
    expect([sample.code, runs.code]).toEqual([2, 2])
    // The proxy's own words may change; the sentence around them is what is pinned here.
    expect(sample.stderr).toMatch(
      /^\[parallax\] Failed to parse the command line: option '--sample <fraction>' argument '2' is invalid: it must be a fraction from 0 to 1[^.]*, e\.g\. 0\.05\.\n {2}hint: run `parallax proxy --help`\.\n$/,
    )
    expect(runs.stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to parse the command line: option '--runs <n>' argument 'x' is invalid: it must be a positive integer.
        hint: run \`parallax fuzz --help\`.
      "
    `)
  })
})
