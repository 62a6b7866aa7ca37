/**
 * Differential fuzzing in real isolates: from the demo's ASCII recordings (on which local and production
 * agree) it finds the decode bug, shrinks it, and saves a recording that replays as an ordinary one; on a
 * pair that agrees it runs the runs asked and finds nothing; a time budget and an abort stop it cleanly.
 */

import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fuzzScenario } from '../../src/fuzz/fuzz-scenario.ts'
import { loadScenario, runScenario } from '../../src/scenario/index.ts'
import { AGREEING, copilotScenario } from '../support/copilot-scenario.ts'
import { parallax, ROOT } from '../support/run-node.ts'

/** The demo's pipeline and recordings under two variants that differ only where the answer does not. */
async function agreeingScenario(): Promise<string> {
  return copilotScenario(await mkdtemp(join(tmpdir(), 'parallax-fuzz-')), AGREEING)
}

describe('parallax fuzz', () => {
  it('fuzzScenario: finds the decode bug from the ASCII recordings, shrinks it, saves a recording that reproduces it', async () => {
    const scenario = await loadScenario(join(ROOT, 'scenarios/copilot.ts'))
    const saveDir = await mkdtemp(join(tmpdir(), 'parallax-fuzz-saved-'))
    const report = await fuzzScenario(scenario, { runs: 300, seed: 42, saveDir })
    expect(report.from).toEqual(['en-stream', 'en-retry', 'en-timeout'])
    expect(report.alreadyDiverging).toHaveLength(5)
    const finding = report.finding!
    expect(finding.place).toBe('decode')
    expect(finding.bytes).toBeLessThan(finding.shrunkFromBytes)
    // Then by bytes: what is left is the character cut at a 64-byte flush and the JSON around it.
    expect(finding.repro.bytes).toBeLessThan(finding.bytes / 2)
    expect(finding.changes.some((change) => /[^\x00-\x7f]/.test(change))).toBe(true)
    expect(finding.paths[0]!.path).toMatch(/^\$\.documents\[\d+\]\.(text|title|id)$/)

    // The saved recording replays with ordinary (exact) matching and diverges at decode.
    const run = await runScenario({ ...scenario, recordings: [finding.saved!.file] })
    const result = run.recordings[0]!.result
    expect(result.kind === 'compared' && result.comparison.divergence).toMatchObject({
      kind: 'stage',
      culprit: 'decode',
    })

    // The same seed and path give the same counterexample at once.
    const again = await fuzzScenario(scenario, { runs: 300, seed: 42, path: finding.path })
    expect(again.finding?.changes).toEqual(finding.changes)
  })

  it('fuzzScenario: variants that agree on everything make every run pass; a time budget and an abort stop it early', async () => {
    const scenario = await loadScenario(await agreeingScenario())
    const clean = await fuzzScenario(scenario, { runs: 25, seed: 1 })
    expect(clean).toMatchObject({ runs: 25, requested: 25, failedReplays: 0 })
    expect(clean.finding).toBeUndefined()
    expect(clean.stopped).toBeUndefined()

    const budget = await fuzzScenario(scenario, { runs: 1_000_000, seed: 1, timeBudgetMs: 1_000 })
    expect(budget.stopped).toBe('time budget')
    expect(budget.runs).toBeLessThan(1_000_000)

    const controller = new AbortController()
    const aborted = await fuzzScenario(scenario, {
      runs: 1_000_000,
      seed: 1,
      signal: controller.signal,
      onRun: (runs) => {
        if (runs === 5) controller.abort()
      },
    })
    expect(aborted).toMatchObject({ stopped: 'interrupted', runs: 5 })
  })

  it('cli: reports the finding with its seed and path, exit 1; a pair that agrees exits 0', async () => {
    const out = await mkdtemp(join(tmpdir(), 'parallax-fuzz-cli-'))
    const found = await parallax([
      'fuzz',
      'scenarios/copilot.ts',
      '--runs',
      '300',
      '--seed',
      '42',
      '--out',
      out,
      '--allow-write',
    ])
    expect(found.code).toBe(1)
    expect(found.stdout).toContain('local and production diverge at decode on run')
    expect(found.stdout).toMatch(/smallest: 1 outbound exchange, \d+-byte bodies/)
    expect(found.stdout).toMatch(/saved: +.*fuzz-[0-9a-f]{10}\.ndjson/)
    expect(found.stdout).toMatch(/reproduce: parallax fuzz scenarios\/copilot\.ts --seed 42 --path [\d:]+/)
    expect(found.stderr).toContain('[parallax] fuzzing copilot around 3 recordings, 300 runs, seed 42')

    // In CI nothing is written unless asked.
    const ci = await parallax(['fuzz', 'scenarios/copilot.ts', '--runs', '300', '--seed', '42'], undefined, {
      CI: '1',
    })
    expect(ci.code).toBe(1)
    expect(ci.stdout).toContain('not saved: CI is set (pass --allow-write to save)')
    expect(ci.stdout).not.toContain('saved:   ')

    const clean = await parallax(['fuzz', await agreeingScenario(), '--runs', '10', '--seed', '3', '--json'])
    expect(clean.code).toBe(0)
    expect(JSON.parse(clean.stdout)).toMatchObject({ runs: 10, seed: 3 })
  })

  it('cli: bad input gets a clear error and exit 2', async () => {
    const cases: Array<[args: string[], says: string]> = [
      [['--bogus'], "unknown option '--bogus'"],
      [['--runs', '0'], 'it must be a positive integer'],
      [['--time-budget', 'soon'], 'it must be a duration'],
      [['--recording', 'fr-abort'], 'already diverge on every recording (fr-abort)'],
      [['--recording', 'nope'], 'no recording to start from'],
      [['scenarios/none.ts'], 'no such file'],
    ]
    for (const [args, says] of cases) {
      const scenario = args[0]?.startsWith('scenarios/') ? [] : ['scenarios/copilot.ts']
      const { code, stderr } = await parallax(['fuzz', ...scenario, ...args])
      expect({ args, code, says: stderr.includes(says) }).toEqual({ args, code: 2, says: true })
    }
  })

  it('cli: Ctrl-C stops the run cleanly and prints what it did', async () => {
    const file = await agreeingScenario()
    const child = spawn(
      process.execPath,
      ['bin/parallax.js', 'fuzz', file, '--runs', '1000000', '--seed', '5'],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    )
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
    })
    // Interrupt once it says it is fuzzing.
    await new Promise<void>((started) => {
      child.stderr.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('[parallax] fuzzing')) started()
      })
    })
    child.kill('SIGINT')
    const code = await new Promise<number | null>((exited) => child.on('exit', exited))
    expect(code).toBe(0)
    expect(stdout).toMatch(/no divergence in \d+ of 1000000 runs \(.* stopped early \(interrupted\)\)/)
  })
})
