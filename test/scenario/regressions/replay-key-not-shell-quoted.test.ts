/**
 * Regression: the "ready to paste" replay command was built by string interpolation, so a recording id
 * such as `x$(touch /tmp/pwned)` ran a command when pasted, and ids, routes or a scenario path with
 * spaces, `|`, quotes or backticks gave a command that replayed something else. Every report shows the
 * one shell-quoted command now.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { writeSegment } from '../../../src/recording/index.ts'
import {
  type ReplayRun,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderTerminal,
} from '../../../src/report/index.ts'
import { loadScenario, runScenario } from '../../../src/scenario/index.ts'
import { faultScenario, greetingRecording, UPSTREAM } from '../../support/recordings.ts'

const IDS = ['x$(touch PWNED)', "it's <script>alert(1)</script> | `touch PWNED` ; echo", 'a\x1b[2J\nb']

/** The arguments `sh` hands to printf once it has read `command` in `cwd`. */
function shellArgs(command: string, cwd: string, shell = 'sh'): string[] {
  return execFileSync(shell, ['-c', `printf '%s\\0' ${command}`], { cwd, encoding: 'utf8' })
    .split('\0')
    .slice(0, -1)
}

function unescapeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(
      /&(lt|gt|quot|apos|amp);/g,
      (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!,
    )
}

describe('regression: replay commands are shell-quoted', () => {
  let root: string
  let run: ReplayRun

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'parallax-quoted-'))
    const dir = join(root, 'my scenarios')
    await mkdir(dir)
    await writeSegment(
      join(dir, 'segment.ndjson'),
      IDS.map((id, index) => greetingRecording(`n${index}`, { id })),
      { createdAt: '2026-11-24T08:00:00.000Z' },
    )
    // `thread` leaks the isolate's thread id: every recording diverges, so every report lists it.
    const scenario = await faultScenario(dir, {
      local: { config: { upstream: UPSTREAM } },
      production: { config: { upstream: UPSTREAM, fault: 'thread' } },
    })
    run = await runScenario(await loadScenario(scenario), { cwd: root })
  })

  it('runScenario: sh reads the replayKey back as the exact arguments and runs nothing', () => {
    expect(run.summary.diverge).toBe(IDS.length)
    for (const outcome of run.recordings.slice(0, 2)) {
      expect(shellArgs(outcome.replayKey, root)).toEqual([
        'parallax',
        'replay',
        'my scenarios/faults.scenario.ts',
        '--recording',
        outcome.recordingId,
        '--variants',
        'local,production',
        '--seed',
        '1',
      ])
    }
    // A control character is written $'\x1b…' (what the terminal prints is what pastes); bash reads it back.
    const last = run.recordings[2]!
    expect(last.replayKey).toContain("--recording $'a\\x1b[2J\\nb'")
    expect(shellArgs(last.replayKey, root, 'bash')[4]).toBe(IDS[2])
    expect(shellArgs(last.replayKey, root)).toHaveLength(9)
    expect(existsSync(join(root, 'PWNED'))).toBe(false)
  })

  it('reports: the terminal, JSON, Markdown, JUnit and HTML reports all show that same command, uncut', () => {
    const keys = run.recordings.map((outcome) => outcome.replayKey)
    const json = JSON.parse(renderJson(run)) as { recordings: Array<{ replayKey: string }> }
    expect(json.recordings.map((r) => r.replayKey)).toEqual(keys)
    const terminal = renderTerminal(run, { color: false, width: 60, verbose: false })
    const markdown = renderMarkdown(run)
    const junit = unescapeEntities(renderJunit(run))
    const html = unescapeEntities(renderHtml(run))
    for (const key of keys) {
      expect(terminal).toContain(`replay: ${key}\n`)
      expect(junit).toContain(`\nReplay: ${key}</failure>`)
      expect(html).toContain(`<code>${key}</code>`)
    }
    // The Markdown report groups the recordings: one example command, in the sh block.
    expect(markdown).toMatch(/```+sh\n(parallax replay 'my scenarios\/faults.scenario.ts' [^\n]+)\n```+/)
    const example = /```+sh\n([^\n]+)\n/.exec(markdown)![1]!
    expect(keys).toContain(example)
  })
})
