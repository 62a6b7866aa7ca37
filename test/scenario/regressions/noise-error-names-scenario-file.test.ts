/**
 * Regression: a bad noise rule in a TypeScript scenario was reported as `at scenario demo
 * noise.masks[1]` (the scenario's name, where docs/noise-rules.md promises the file:
 * `scenarios/api.ts noise.masks[1]`), wrapped in "it threw while loading" with the generic hint "Fix the
 * error in the scenario file" instead of the rule's own.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { faultScenario, greetingRecording, recordingsFolder } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'

describe('regression: noise rule errors name the scenario file', () => {
  it('cli: a bad mask in a .ts scenario names the file and the rule, with the rule’s hint, exit 2', async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    await faultScenario(
      dir,
      { local: { config: {} }, production: { config: {} } },
      `\n  noise: { masks: [{ pattern: 'ok' }, { pattern: '(a)\\\\1' }] },`,
    )
    const { code, stdout, stderr } = await parallax(['replay', 'faults.scenario.ts'], dir)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('Invalid mask /(a)\\1/ at faults.scenario.ts noise.masks[1]:')
    expect(stderr).not.toContain('scenario faults noise')
    expect(stderr).toContain('hint: Drop the backreference')
    expect(stderr).not.toContain('Fix the error in the scenario file')
  })

  it('cli: a bad path in a JSON scenario names the file as given and the rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-noise-json-'))
    await writeFile(
      join(dir, 'api.json'),
      JSON.stringify({
        name: 'api',
        pipeline: { module: './pipeline.ts' },
        recordings: '.',
        variants: { local: { config: {} }, production: { config: {} } },
        noise: { ignore: ['$.ok', '$.a['] },
      }),
    )
    const { code, stderr } = await parallax(['replay', 'api.json'], dir)
    expect(code).toBe(2)
    expect(stderr).toContain('at api.json noise.ignore[1]: the bracket at character 4')
  })
})
