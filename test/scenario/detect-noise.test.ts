/**
 * Noise detection: each variant replayed twice in separate isolates; what differs between the two runs
 * is noise, listed by path and learned as ignore rules beside the scenario.
 */
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { detectNoise, learnNoise, noiseFileOf } from '../../src/scenario/detect-noise.ts'
import { loadScenario, runScenario } from '../../src/scenario/index.ts'
import { faultScenario, greetingRecording, recordingsFolder, UPSTREAM } from '../support/recordings.ts'
import { parallax } from '../support/run-node.ts'

async function scenarioWith(fault: string) {
  const folder = await recordingsFolder([greetingRecording('ada'), greetingRecording('bob')])
  const file = await faultScenario(folder, {
    local: { config: { upstream: UPSTREAM, fault } },
    production: { config: { upstream: UPSTREAM, fault, upper: false } },
  })
  return file
}

describe('noise detection', () => {
  it('detectNoise: a deterministic pipeline has no noise', async () => {
    const detection = await detectNoise(await loadScenario(await scenarioWith('none')))
    expect(detection).toMatchObject({ recordings: 2, failed: 0, findings: [], rules: {} })
  })

  it('detectNoise: what differs between two runs of a variant is listed, and learned rules make the variants agree', async () => {
    const file = await scenarioWith('thread')
    const scenario = await loadScenario(file)
    const before = await runScenario(scenario)
    expect(before.summary).toMatchObject({ total: 2, diverge: 2 })

    const detection = await detectNoise(scenario)
    expect(detection.findings).toEqual([
      {
        path: '$.thread',
        where: 'shout output',
        variants: ['local', 'production'],
        recordings: 2,
        example: 'greet-ada',
      },
    ])
    expect(detection.rules).toEqual({ ignore: ['$.thread'] })

    const learned = await learnNoise(scenario, detection.rules)
    expect(learned.file).toBe(noiseFileOf(file))
    expect(JSON.parse(await readFile(learned.file, 'utf8'))).toEqual({ ignore: ['$.thread'] })
    expect(learned.added).toEqual(['$.thread'])
    // Learning again adds nothing twice, and leaves the file as it was.
    expect((await learnNoise(scenario, detection.rules)).added).toEqual([])
    expect(JSON.parse(await readFile(learned.file, 'utf8'))).toEqual({ ignore: ['$.thread'] })

    const after = await runScenario(await loadScenario(file))
    expect(after.summary).toMatchObject({ total: 2, agree: 2 })
    expect(after.noise).toEqual([{ rule: 'ignore $.thread', hidden: 2, recordings: 2 }])
  })

  it('cli: --detect-noise exits 1 when it finds noise and --learn-noise writes the rules file', async () => {
    const file = await scenarioWith('thread')
    const detect = await parallax(['replay', file, '--detect-noise'])
    expect(detect.code).toBe(1)
    expect(detect.stdout).toContain('$.thread  in shout output under local, production, 2 recordings')
    expect(detect.stderr).not.toContain('stopped between two replays')
    expect(existsSync(noiseFileOf(file))).toBe(false)
    // Nothing is written in CI unless asked.
    const refused = await parallax(['replay', file, '--learn-noise'], undefined, { CI: 'true' })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('Refusing to --learn-noise in CI')
    expect(existsSync(noiseFileOf(file))).toBe(false)
    const learn = await parallax(['replay', file, '--learn-noise', '--allow-write'], undefined, {
      CI: 'true',
    })
    expect(learn.code).toBe(0)
    expect(learn.stdout).toContain('Wrote 1 new ignore rule to')
    const replay = await parallax(['replay', file])
    expect(replay.code).toBe(0)
    expect(replay.stdout).toContain('ignore $.thread hid 2 changes in 2 recordings')
  })

  it('a learned rules file that is not JSON is a usage error naming it', async () => {
    const file = await scenarioWith('none')
    await writeFile(noiseFileOf(file), '{ not json')
    const result = await parallax(['replay', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('faults.scenario.noise.json')
  })
})
