/**
 * `npm run demo` as a user runs it: a child process that records the copilot service, replays the fresh
 * recordings under both variants, prints the report naming decode and writes it as an HTML page.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runNode } from '../../support/run-node.ts'

describe('copilot demo', () => {
  it('demo: records 8 requests, replays them under local and production, and names decode as the culprit', async () => {
    const startedAt = Date.now() - 1000
    const { code, stdout, stderr } = await runNode(['examples/copilot/demo.ts'], ROOT, 120_000)
    expect(code, stderr).toBe(0)
    expect(stderr).toContain('wrote 8 recordings')
    expect(stdout).toContain('Summary: 8 recordings · 3 agree · 5 diverge · 0 failed · 0 invalid lines')
    expect(stdout).toMatch(/decode\s+×5/)
    expect(stdout).toContain('diverges at decode')
    expect(stdout).toMatch(/\$\.documents\[\d+\]\.(text|title)/)
    // The same run as a page, written fresh by this run.
    expect(stdout).toContain('The same as a page: out/copilot-report.html')
    const page = await stat(join(ROOT, 'out', 'copilot-report.html'))
    expect(page.mtimeMs).toBeGreaterThanOrEqual(startedAt)
  })
})
