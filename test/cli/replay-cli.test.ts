/**
 * `parallax replay` as a user runs it: a child process, its exit code, stdout and stderr.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { faultScenario, greetingRecording, recordingsFolder, UPSTREAM } from '../support/recordings.ts'
import { parallax } from '../support/run-node.ts'

describe('parallax replay (CLI)', () => {
  it('cli: replays the copilot scenario, names decode as the culprit and exits 1 for a divergence', async () => {
    const { code, stdout } = await parallax(['replay', 'scenarios/copilot.ts'])
    expect(code).toBe(1)
    expect(stdout).toContain('decode')
    expect(stdout).toMatch(/culprit/i)
    expect(stdout).toContain('fr-abort')
    expect(stdout).not.toMatch(/\x1b\[/)
  })

  it('cli: --json prints pure JSON on stdout with the documented shape', async () => {
    const { code, stdout } = await parallax(['replay', 'scenarios/copilot.ts', '--json'])
    expect(code).toBe(1)
    const result = JSON.parse(stdout)
    expect(result).toMatchObject({ format: 'parallax-replay-result', version: 1, scenario: 'copilot' })
    expect(result.summary).toMatchObject({ total: 8, agree: 3, diverge: 5, failed: 0, invalid: 0 })
  })

  it('cli: --recording narrows the run to one recording that agrees, exit 0', async () => {
    const { code, stdout } = await parallax([
      'replay',
      'scenarios/copilot.ts',
      '--recording',
      'en-retry',
      '--json',
    ])
    expect(code).toBe(0)
    expect(JSON.parse(stdout).summary).toMatchObject({ total: 1, agree: 1 })
  })

  it('cli: noise flags hide what they name, and the report says how much each hid', async () => {
    const { code, stdout } = await parallax([
      'replay',
      'scenarios/copilot.ts',
      '--json',
      '--ignore',
      '$',
      '--mask',
      '/never-[0-9]+/',
    ])
    expect(code).toBe(0)
    const { summary } = JSON.parse(stdout)
    expect(summary).toMatchObject({ total: 8, agree: 8, diverge: 0 })
    expect(summary.noise).toEqual([
      { rule: 'mask mask1 /never-[0-9]+/', hidden: 0, recordings: 0 },
      { rule: 'ignore $', hidden: expect.any(Number), recordings: 5 },
    ])
    const terminal = await parallax(['replay', 'scenarios/copilot.ts', '--ignore', '**.nothing'])
    expect(terminal.code).toBe(1)
    expect(terminal.stdout).toContain('ignore **.nothing hid nothing')
  })

  it('cli: a bad noise rule is a usage error naming the flag as written, exit 2', async () => {
    const mask = await parallax(['replay', 'scenarios/copilot.ts', '--mask', '/(a)\\1/'])
    expect(mask.code).toBe(2)
    expect(mask.stdout).toBe('')
    expect(mask.stderr).toContain("Invalid mask /(a)\\1/ at --mask '/(a)\\1/'")
    const path = await parallax(['replay', 'scenarios/copilot.ts', '--ignore', '$.a['])
    expect(path.code).toBe(2)
    expect(path.stderr).toContain("--ignore '$.a['")
    const tolerance = await parallax(['replay', 'scenarios/copilot.ts', '--tolerance', 'abc'])
    expect(tolerance.code).toBe(2)
    expect(tolerance.stderr).toContain('Failed to parse --tolerance abc')
  })

  it('cli: --report writes each report to its file and keeps the terminal report on stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-reports-'))
    const json = join(dir, 'nested', 'result.json')
    const { code, stdout } = await parallax(['replay', 'scenarios/copilot.ts', '--report', `json=${json}`])
    expect(code).toBe(1)
    expect(stdout).toContain('Culprits:')
    expect(JSON.parse(await readFile(json, 'utf8')).summary).toMatchObject({ total: 8, diverge: 5 })
    const toStdout = await parallax(['replay', 'scenarios/copilot.ts', '--report', 'json'])
    expect(JSON.parse(toStdout.stdout).summary).toMatchObject({ total: 8 })
    // The HTML report keeps the diverging values: its visual diff is there.
    const html = join(dir, 'report.html')
    expect((await parallax(['replay', 'scenarios/copilot.ts', '--report', `html=${html}`])).code).toBe(1)
    const page = await readFile(html, 'utf8')
    expect(page).toMatch(/^<!doctype html>/i)
    expect(page).toContain('jsondiffpatch-delta')
  })

  it('cli: --report with an unknown format, an empty file or two stdout reports is a usage error', async () => {
    const unknown = await parallax(['replay', 'scenarios/copilot.ts', '--report', 'pdf=out.pdf'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('there is no "pdf" report')
    const empty = await parallax(['replay', 'scenarios/copilot.ts', '--report', 'json='])
    expect(empty.code).toBe(2)
    const twice = await parallax([
      'replay',
      'scenarios/copilot.ts',
      '--report',
      'json',
      '--report',
      'terminal',
    ])
    expect(twice.code).toBe(2)
    expect(twice.stderr).toContain('would both go to stdout')
  })

  it('cli: an unknown flag is a usage error, exit 2, with a hint', async () => {
    const { code, stdout, stderr } = await parallax(['replay', 'scenarios/copilot.ts', '--colour'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain("[parallax] Failed to parse the command line: unknown option '--colour'")
    expect(stderr).toContain('hint:')
  })

  it('cli: a missing scenario file is exit 2 and names the file', async () => {
    const { code, stderr } = await parallax(['replay', 'scenarios/nope.ts'])
    expect(code).toBe(2)
    expect(stderr).toContain('[parallax] Failed to load scenario scenarios/nope.ts: no such file.')
  })

  it('cli: --variants with an unknown variant is exit 2 and lists the known ones', async () => {
    const { code, stderr } = await parallax(['replay', 'scenarios/copilot.ts', '--variants', 'local,staging'])
    expect(code).toBe(2)
    expect(stderr).toContain('no variant staging')
    expect(stderr).toContain('local, production')
  })

  it('cli: a recording file of another format version is reported and exit 2 when nothing else loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-cli-'))
    await writeFile(
      join(dir, 'old.ndjson'),
      `${JSON.stringify({ format: 'parallax-recording', version: 99, creator: { name: 'x', version: '9' }, createdAt: '2026-01-01T00:00:00.000Z' })}\n`,
    )
    const scenario = await faultScenario(dir, {
      local: { config: { upstream: UPSTREAM } },
      production: { config: { upstream: UPSTREAM } },
    })
    const { code, stderr } = await parallax(['replay', scenario], dir)
    expect(code).toBe(2)
    expect(stderr).toContain('version 99')
  })

  it('cli: a scenario whose recordings folder does not exist is exit 2 and names the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-cli-'))
    const variants = {
      local: { config: { upstream: UPSTREAM } },
      production: { config: { upstream: UPSTREAM } },
    }
    const scenario = await faultScenario(dir, variants, '', './no-such-recordings')
    const { code, stdout, stderr } = await parallax(['replay', scenario], dir)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('no-such-recordings')
    expect(stderr).toContain('hint:')
  })

  it('cli: a replay failure (stage timeout) is exit 3 and leaves no file behind', async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    const scenario = await faultScenario(dir, {
      local: { config: { upstream: UPSTREAM } },
      production: { config: { upstream: UPSTREAM, fault: 'hang' } },
    })
    const before = await readdir(dir)
    const { code, stdout } = await parallax(['replay', scenario], dir)
    expect(code).toBe(3)
    expect(stdout).toContain('PARALLAX_STAGE_TIMEOUT')
    expect(await readdir(dir)).toEqual(before)
  })

  it('cli: no command at all is a usage error: help on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await parallax([])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('Usage: parallax')
    expect(stderr).toContain('replay')
  })

  it('cli: --help lists the replay command and the exit codes', async () => {
    const { code, stdout } = await parallax(['replay', '--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('--json')
    expect(stdout).toContain('Exit codes:')
  })
})
