/**
 * `parallax/vitest` in a real vitest run (a child process): one test per recording, named by route and id,
 * held to the scenario's expectation, failures naming the culprit, the paths and the replay command.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/run-node.ts'
import { runVitest, type VitestReport } from '../support/run-vitest.ts'

/** Runs vitest on one test file calling replaySuite(scenario), returns vitest's JSON report. */
async function vitestOn(scenario: string): Promise<VitestReport> {
  const dir = await mkdtemp(join(tmpdir(), 'parallax-vitest-'))
  const suite = new URL('../../src/scenario/vitest-suite.ts', import.meta.url).href
  await writeFile(
    join(dir, 'replay.test.ts'),
    `import { replaySuite } from ${JSON.stringify(suite)}\nawait replaySuite(${JSON.stringify(scenario)})\n`,
  )
  return runVitest(dir)
}

describe('parallax/vitest', () => {
  it('replaySuite: one passing test per recording, plus the known divergence still being there', async () => {
    const report = await vitestOn(join(ROOT, 'scenarios/copilot.ts'))
    const titles = report.testResults.flatMap((file) => file.assertionResults.map((test) => test.title))
    expect(titles).toContain('POST /suggest (fr-abort)')
    expect(titles).toContain('the known divergence at decode is still there')
    expect(report).toMatchObject({ numPassedTests: 9, numFailedTests: 0 })
  })

  it('replaySuite: a recording that breaks the expectation fails with the culprit, the paths and the replay command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-vitest-scenario-'))
    const scenario = join(dir, 'strict.json')
    const config = await import('../../examples/copilot/config.ts')
    await writeFile(
      scenario,
      JSON.stringify({
        name: 'strict',
        pipeline: { module: join(ROOT, 'examples/copilot/pipeline.ts'), export: 'copilot' },
        recordings: join(ROOT, 'recordings/copilot'),
        variants: { local: { config: config.localConfig }, production: { config: config.productionConfig } },
      }),
    )
    const report = await vitestOn(scenario)
    expect(report).toMatchObject({ numPassedTests: 3, numFailedTests: 5 })
    const failed = report.testResults
      .flatMap((file) => file.assertionResults)
      .find((test) => test.title === 'POST /suggest (fr-abort)')
    expect(failed?.status).toBe('failed')
    const message = failed!.failureMessages.join('\n')
    expect(message).toContain('fr-abort POST /suggest: diverges at decode; the scenario expects agreement')
    expect(message).toContain('$.documents[2].text')
    expect(message).toContain('Replay it: parallax replay')
  })
})
