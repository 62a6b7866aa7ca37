/**
 * `parallax inspect` as a user runs it: a child process on real segment files.
 */
import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { greetingRecording, recordingsFolder } from '../support/recordings.ts'
import { parallax } from '../support/run-node.ts'

describe('parallax inspect (CLI)', () => {
  it('inspect: summarizes the checked-in copilot recordings', async () => {
    const { code, stdout } = await parallax(['inspect', 'recordings/copilot', '--json'])
    expect(code).toBe(0)
    const summary = JSON.parse(stdout)
    expect(summary).toMatchObject({
      format: 'parallax-inspect',
      version: 1,
      files: 1,
      recordings: 8,
      invalid: 0,
      routes: [{ route: 'POST /suggest', count: 8 }],
      sources: [{ source: 'copilot/production', count: 8 }],
      outbound: { calls: 8, incomplete: 0 },
    })
    expect(summary.bodies.bytes).toBeGreaterThan(0)
  })

  it('inspect: counts redacted headers and invalid lines, and exits 2 when a line is invalid', async () => {
    const secret = greetingRecording('ada')
    secret.inbound.request.headers.push(['authorization', '[redacted:0123456789ab]'])
    const dir = await recordingsFolder([
      secret,
      greetingRecording('bob', { recordedAt: '2026-11-24T09:00:00.000Z' }),
    ])
    await appendFile(join(dir, 'segment.ndjson'), '{"id": 42}\n')
    const { code, stdout } = await parallax(['inspect', dir])
    expect(code).toBe(2)
    expect(stdout).toContain('recordings  2')
    expect(stdout).toContain('1 invalid line')
    expect(stdout).toContain('1 header value')
    expect(stdout).toContain('2026-11-24T08:00:00.000Z → 2026-11-24T09:00:00.000Z')
    expect(stdout).toMatch(/2 {2}POST \/greet/)
    expect(stdout).toMatch(/! Failed to load recording .*segment\.ndjson:4/)
  })

  it('inspect: a path that does not exist is exit 2 with a hint', async () => {
    const { code, stdout, stderr } = await parallax(['inspect', 'recordings/nope'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('recordings/nope')
    expect(stderr).toContain('hint:')
  })
})
