/**
 * What the writer leaves, as a user sees it: `parallax inspect` (drops and loss from the writers'
 * counters, torn lines, progress) and `parallax replay` over a folder a killed writer left.
 */
import { spawn } from 'node:child_process'
import { appendFile, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSegmentWriter } from '../../src/record/sink/index.ts'
import { writerRecording } from '../fixtures/writer-child.ts'
import { faultScenario, greetingRecording, recordingsFolder, UPSTREAM } from '../support/recordings.ts'
import { parallax } from '../support/run-node.ts'

const CHILD = resolve(import.meta.dirname, '../fixtures/writer-child.ts')

/** Runs the writer child into `dir` until it acknowledged a flush and wrote its status, then kills it with SIGKILL. */
async function killedWriter(dir: string): Promise<void> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify({ dir, child: 'killed' })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((done) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (/ack [1-9]/.test(chunk.toString())) done()
    })
    child.on('close', () => done())
  })
  await expect
    .poll(async () =>
      (await readdir(dir)).some((name) => name.startsWith('writer-child-') && name.endsWith('.writer.json')),
    )
    .toBe(true)
  child.kill('SIGKILL')
  await new Promise((done) => child.on('close', done))
}

/** A folder with a closed writer that dropped some recordings and a killed one whose segment ends torn. */
async function writerFolder(): Promise<{ dir: string; dropped: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'parallax-writer-inspect-'))
  const writer = createSegmentWriter({ dir, service: 'closed', maxPendingBytes: 32 * 1024 })
  for (let i = 0; i < 100; i++) writer.enqueue(writerRecording('closed', i))
  await writer.close()
  await killedWriter(dir)
  const open = (await readdir(dir)).find((name) => name.endsWith('.open'))!
  await appendFile(join(dir, open), '{"id":"killed-torn","recordedAt":')
  return { dir, dropped: writer.stats().dropped.queueFull }
}

describe('segment writer: inspect and replay what it wrote', () => {
  it('parallax inspect: shows the writers\u2019 drops, a writer that never closed and the torn line, and exits 0', async () => {
    const { dir, dropped } = await writerFolder()
    expect(dropped).toBeGreaterThan(0)
    const json = await parallax(['inspect', dir, '--json'])
    expect(json.code).toBe(0)
    const summary = JSON.parse(json.stdout)
    expect(summary).toMatchObject({
      invalid: 0,
      segments: { unfinalized: 1 },
      writers: { count: 2, running: 1, dropped: { queueFull: dropped, total: dropped } },
      loss: { dropped, torn: 1 },
      warnings: [{ kind: 'torn', file: expect.stringMatching(/\.open$/), line: expect.any(Number) }],
    })
    expect(summary.writers.written).toBeLessThanOrEqual(summary.recordings)

    const text = await parallax(['inspect', dir, '--progress'])
    expect(text.code).toBe(0)
    const lines = text.stdout.split('\n')
    expect(lines.find((line) => line.startsWith('  writers'))).toMatch(
      new RegExp(
        `^ {2}writers {5}2 writers \\(1 not closed\\): \\d+ enqueued, \\d+ written, ${dropped} dropped \\(${dropped} queue full\\)$`,
      ),
    )
    expect(lines.find((line) => line.startsWith('  loss'))).toMatch(
      new RegExp(
        `^ {2}loss {8}${dropped} dropped, (up to \\d+ unflushed in writers not closed, )?1 torn line$`,
      ),
    )
    expect(text.stdout).toMatch(/\n {2}skipped\n {4}~ Skipped .*writer-child-/)
    expect(text.stderr).toMatch(/^\[parallax\] reading .* 100% /m)
  })

  it('parallax replay: a torn last line left by a killed writer is skipped, and the replay still exits 0', async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    await writeFile(
      join(dir, 'greeter-20261124T080000Z-1-0000abcd-000001.ndjson.open'),
      `${JSON.stringify({ createdAt: '2026-11-24T08:00:00.000Z', creator: { name: 'parallax', version: '0.1.0' }, format: 'parallax-recording', version: 1 })}\n${JSON.stringify(greetingRecording('bob'))}\n${JSON.stringify(greetingRecording('cy')).slice(0, 80)}`,
    )
    const scenario = await faultScenario(dir, {
      local: { config: { upstream: UPSTREAM } },
      production: { config: { upstream: UPSTREAM } },
    })
    const { code, stdout } = await parallax(['replay', scenario, '--json'], dir)
    expect(code).toBe(0)
    const run = JSON.parse(stdout)
    expect(run.recordings.map((r: { id: string }) => r.id).sort()).toEqual(['greet-ada', 'greet-bob'])
    expect(run.summary).toMatchObject({ total: 2, agree: 2, invalid: 0 })
  })
})
