/**
 * `parallax test` as CI runs it: scenarios held to their expectations, shards that cover every recording
 * exactly once, --bail, --filter, a JUnit report, and the exit codes.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findScenarioFiles, runSuite, shardOf } from '../../src/scenario/index.ts'
import { parallax, ROOT } from '../support/run-node.ts'

const recordings = join(ROOT, 'recordings/copilot')

/** A copilot scenario in a temp folder, with its own name, expectation and production config. */
async function copilotScenario(
  dir: string,
  name: string,
  expectation: string,
  sameConfig = false,
): Promise<string> {
  const file = join(dir, `${name}.ts`)
  const define = new URL('../../src/scenario/index.ts', import.meta.url).href
  const config = new URL('../../examples/copilot/config.ts', import.meta.url).href
  const pipeline = new URL('../../examples/copilot/pipeline.ts', import.meta.url).href
  await writeFile(
    file,
    `import { defineScenario } from ${JSON.stringify(define)}
import { localConfig, productionConfig } from ${JSON.stringify(config)}
export const scenario = defineScenario({
  name: ${JSON.stringify(name)},
  pipeline: { module: new URL(${JSON.stringify(pipeline)}), export: 'copilot' },
  recordings: ${JSON.stringify(recordings)},
  variants: { local: { config: localConfig }, production: { config: ${sameConfig ? 'localConfig' : 'productionConfig'} } },
  expect: ${expectation},
})
`,
  )
  return file
}

/** A digest of every file under `dir` (paths and bytes). */
async function folderDigest(dir: string): Promise<string> {
  const hash = createHash('sha256')
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).sort((a, b) =>
    join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
  )) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    hash.update(path).update(await readFile(path))
  }
  return hash.digest('hex')
}

describe('parallax test (CLI)', () => {
  it('cli: the repository suite passes: the copilot scenario keeps its known divergence at decode, and writes nothing', async () => {
    const before = await folderDigest(join(ROOT, 'recordings'))
    const { code, stdout } = await parallax(['test'])
    expect(code).toBe(0)
    expect(await folderDigest(join(ROOT, 'recordings'))).toBe(before)
    expect(stdout).toContain('✓ copilot (scenarios/copilot.ts): 8 recordings, 3 agree, 5 diverge, 0 failed')
    expect(stdout).toContain('parallax test: 1 scenario, 1 passed, 0 failed · 8 recordings')
  })

  it('runSuite: shards split the recordings deterministically, each recording on exactly one shard', async () => {
    const files = findScenarioFiles([], ROOT)
    const seen: string[] = []
    for (let index = 1; index <= 3; index++) {
      const suite = await runSuite(files, { shard: { index, count: 3 }, cwd: ROOT })
      for (const result of suite.scenarios) seen.push(...result.run.recordings.map((o) => o.recordingId))
      expect(suite.passed).toBe(true)
    }
    expect(seen.sort()).toEqual(
      [
        'de-stream',
        'emoji-commit',
        'en-retry',
        'en-stream',
        'en-timeout',
        'es-retry',
        'fr-abort',
        'ja-stream',
      ].sort(),
    )
    expect(shardOf('copilot', 'fr-abort', 3)).toBe(shardOf('copilot', 'fr-abort', 3))
  })

  it('cli: a divergence the scenario does not expect fails the suite, naming the recordings; --bail stops there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-test-'))
    await copilotScenario(dir, 'a-strict', "'agree'")
    await copilotScenario(dir, 'b-other-stage', "{ divergeAt: 'infer' }")
    const { code, stdout } = await parallax(['test', dir])
    expect(code).toBe(1)
    expect(stdout).toContain('✗ a-strict')
    expect(stdout).toContain('fr-abort POST /suggest: diverges at decode; the scenario expects agreement')
    expect(stdout).toContain('diverges at decode; the scenario expects only a known divergence at infer')
    expect(stdout).toContain('2 scenarios, 0 passed, 2 failed')
    const bail = await parallax(['test', dir, '--bail'])
    expect(bail.code).toBe(1)
    expect(bail.stdout).toContain('1 scenario, 0 passed, 1 failed · 8 recordings · stopped early (--bail)')
  })

  it('cli: a known divergence that is gone fails the suite until the expectation is updated; a filtered run does not judge that', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-test-'))
    await copilotScenario(dir, 'fixed', "{ divergeAt: 'decode' }", true)
    const full = await parallax(['test', dir])
    expect(full.code).toBe(1)
    expect(full.stdout).toContain('No recording diverges at decode any more: the known bug looks fixed')
    const filtered = await parallax(['test', dir, '--filter', 'fr-'])
    expect(filtered.code).toBe(0)
    expect(filtered.stdout).toContain('1 recording,')
  })

  it('cli: --report junit writes one suite per scenario, a known divergence as a passing test case', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-test-'))
    const file = join(dir, 'out', 'parallax.xml')
    const { code } = await parallax(['test', '--report', `junit=${file}`])
    expect(code).toBe(0)
    const xml = await readFile(file, 'utf8')
    expect(xml).toContain('<testsuites')
    expect(xml).toMatch(/<testsuite name="copilot" tests="8" failures="0" errors="0"/)
    expect(xml).toContain('diverges at decode: the known divergence the scenario expects')
  })

  it('cli: a bad shard, a missing folder or a report format test cannot write is a usage error, exit 2', async () => {
    for (const args of [
      ['test', '--shard', '3/2'],
      ['test', '--shard', 'x'],
      ['test', 'no-such-folder'],
      ['test', '--report', 'html=out.html'],
    ]) {
      const { code, stderr } = await parallax(args)
      expect([args.join(' '), code]).toEqual([args.join(' '), 2])
      expect(stderr).toContain('hint:')
    }
  })
})
