/**
 * `npm run demo` as a user runs it: a child process that records the copilot service, replays the fresh
 * recordings under both variants and prints the report naming decode.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')

describe('copilot demo', () => {
  it('demo: records 8 requests, replays them under local and production, and names decode as the culprit', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (done) => {
        execFile(
          process.execPath,
          ['examples/copilot/demo.ts'],
          { cwd: root, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 },
          (error, out, err) => done({ code: error ? Number(error.code ?? 99) : 0, stdout: out, stderr: err }),
        )
      },
    )
    expect(code, stderr).toBe(0)
    expect(stderr).toContain('wrote 8 recordings')
    expect(stdout).toContain('Summary: 8 recordings · 3 agree · 5 diverge · 0 failed · 0 invalid lines')
    expect(stdout).toMatch(/decode\s+×5/)
    expect(stdout).toContain('diverges at decode')
    expect(stdout).toMatch(/\$\.documents\[\d+\]\.(text|title)/)
  })
})
