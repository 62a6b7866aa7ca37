/**
 * Shrinking in real isolates: explain on the copilot demo shrinks a diverging recording to a much smaller
 * one that still diverges at decode, and writes a vitest file that, run in a child vitest, fails naming
 * decode while the bug is there and passes once it is gone (production given the local configuration).
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadRecordings } from '../../src/recording/index.ts'
import { placeOf } from '../../src/scenario/divergence-place.ts'
import { explainScenario } from '../../src/scenario/explain-scenario.ts'
import { loadScenario, runScenario } from '../../src/scenario/index.ts'
import { copilotScenario } from '../support/copilot-scenario.ts'
import { runVitest } from '../support/run-vitest.ts'

const href = (path: string) => new URL(`../../${path}`, import.meta.url).href

describe('shrinking a divergence to a repro', () => {
  it('explainScenario: the copilot repro is much smaller, still diverges at decode, and its test fails until the bug is gone', {
    timeout: 240_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-shrink-'))
    const scenarioFile = await copilotScenario(dir, 'productionConfig')
    const scenario = await loadScenario(scenarioFile)
    const explanation = await explainScenario(scenario, {
      cwd: dir,
      shrink: {
        write: true,
        recordingsDir: join(dir, 'recordings'),
        testDir: join(dir, 'test'),
        parallaxModule: href('src/scenario/index.ts'),
      },
    })
    const repro = explanation.repro!
    expect(repro).toMatchObject({ source: 'fr-abort', place: 'decode', written: true })
    expect(repro.recording).toBe(join('recordings', `${repro.id}.ndjson`))
    expect(repro.test).toBe(join('test', `decode-${repro.id.slice('min-'.length)}.test.ts`))
    expect(repro.from).toEqual({ outbound: 1, bodyBytes: 1893, chunks: 49 })
    expect(repro.to).toMatchObject({ outbound: 1, chunks: 1 })
    expect(repro.to.bodyBytes * 4).toBeLessThan(repro.from.bodyBytes)
    expect(repro.tests).toBeLessThanOrEqual(300)

    // The written recording, alone, still diverges at decode.
    const { recordings, errors } = await loadRecordings(join(dir, repro.recording))
    expect(errors).toEqual([])
    expect(recordings.map((entry) => entry.recording.id)).toEqual([repro.id])
    const run = await runScenario({ ...scenario, recordings: [join(dir, repro.recording)] })
    expect(placeOf(run.recordings[0]!.result)).toBe('decode')

    // Its test fails, naming decode and the changed text…
    const failing = await runVitest(dir, join(dir, repro.test))
    expect(failing).toMatchObject({ numPassedTests: 0, numFailedTests: 1 })
    const message = failing.testResults[0]!.assertionResults[0]!.failureMessages.join('\n')
    expect(message).toContain(`../recordings/${repro.id}.ndjson diverges at decode (local vs production)`)
    expect(message).toContain('in probe decode:text')
    expect(message).toContain('\uFFFD')

    // …and passes once production decodes as local does.
    await copilotScenario(dir, 'localConfig')
    expect(await runVitest(dir, join(dir, repro.test))).toMatchObject({
      numPassedTests: 1,
      numFailedTests: 0,
    })
  })
})
