/**
 * Regressions of `parallax replay --detect-noise` / `--learn-noise`:
 * - they ignored `--json` (human text on stdout, where the README promises pure JSON) and `--report`
 *   (nothing written, nothing said): `--json` now prints the detection as JSON (docs/json-output.md), and
 *   flags that do not apply to noise detection are usage errors;
 * - a second `--learn-noise` said "Wrote 2 ignore rules" and rewrote the file although it added nothing.
 */
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { noiseFileOf } from '../../../src/scenario/detect-noise.ts'
import { faultScenario, greetingRecording, recordingsFolder, UPSTREAM } from '../../support/recordings.ts'
import { parallax, ROOT } from '../../support/run-node.ts'

/** --learn-noise refuses to write when CI is set (as .ci/run sets it): these runs are a workstation's. */
const WORKSTATION = { CI: undefined }

async function noisyScenario(): Promise<string> {
  const folder = await recordingsFolder([greetingRecording('ada'), greetingRecording('bob')])
  return faultScenario(folder, {
    local: { config: { upstream: UPSTREAM, fault: 'thread' } },
    production: { config: { upstream: UPSTREAM, fault: 'thread', upper: false } },
  })
}

describe('replay --detect-noise and --learn-noise output', () => {
  it('cli: --detect-noise --json prints the detection as pure JSON, exit 1 when noisy', async () => {
    const file = await noisyScenario()
    const { code, stdout, stderr } = await parallax(['replay', file, '--detect-noise', '--json'])
    expect(code, stderr).toBe(1)
    expect(JSON.parse(stdout)).toEqual({
      format: 'parallax-noise-detection',
      version: 1,
      scenario: 'faults',
      variants: ['local', 'production'],
      recordings: 2,
      failed: 0,
      findings: [
        {
          path: '$.thread',
          where: 'shout output',
          variants: ['local', 'production'],
          recordings: 2,
          example: 'greet-ada',
        },
      ],
      ignore: ['$.thread'],
      learned: null,
    })
    expect(existsSync(noiseFileOf(file))).toBe(false)
  })

  it('cli: --learn-noise --json says which rules it added; a second run adds none and leaves the file alone', async () => {
    const file = await noisyScenario()
    const first = await parallax(['replay', file, '--learn-noise', '--json'], undefined, WORKSTATION)
    expect(first.code, first.stderr).toBe(0)
    const rulesFile = noiseFileOf(file)
    const shown = relative(ROOT, rulesFile)
    expect(JSON.parse(first.stdout).learned).toEqual({
      file: shown,
      added: ['$.thread'],
      ignore: ['$.thread'],
    })
    const written = await stat(rulesFile)
    const text = await readFile(rulesFile, 'utf8')

    const again = await parallax(['replay', file, '--learn-noise'], undefined, WORKSTATION)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).not.toContain('Wrote')
    expect(again.stdout).toContain(`No new rules: ${shown} already ignores every noisy path.`)
    expect(await readFile(rulesFile, 'utf8')).toBe(text)
    expect((await stat(rulesFile)).mtimeMs).toBe(written.mtimeMs)

    const json = await parallax(['replay', file, '--learn-noise', '--json'], undefined, WORKSTATION)
    expect(JSON.parse(json.stdout).learned).toEqual({ file: shown, added: [], ignore: ['$.thread'] })
  })

  it('cli: --detect-noise with --report, --target or noise rules is a usage error that writes nothing', async () => {
    const file = await noisyScenario()
    const out = join(file, '..', 'noise.md')
    const report = await parallax(['replay', file, '--detect-noise', '--report', `markdown=${out}`])
    expect(report.code).toBe(2)
    expect(report.stdout).toBe('')
    expect(report.stderr).toContain('--report does not apply to --detect-noise')
    expect(existsSync(out)).toBe(false)
    const learn = await parallax(
      ['replay', file, '--learn-noise', '--report', 'json'],
      undefined,
      WORKSTATION,
    )
    expect(learn.code).toBe(2)
    expect(learn.stderr).toContain('--report does not apply to --learn-noise')
    expect(existsSync(noiseFileOf(file))).toBe(false)
    const ignore = await parallax(['replay', file, '--detect-noise', '--ignore', '$.thread'])
    expect(ignore.code).toBe(2)
    expect(ignore.stderr).toContain('--ignore does not apply to --detect-noise')
    const target = await parallax([
      'replay',
      file,
      '--detect-noise',
      '--target',
      'a=http://127.0.0.1:9',
      '--target',
      'b=http://127.0.0.1:9',
    ])
    expect(target.code).toBe(2)
    expect(target.stderr).toContain('--target does not apply to --detect-noise')
  })
})
