/**
 * What the segment writer leaves on disk: real files in a temp folder, read back by the loader.
 */
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createSegmentWriter, estimateRecordingBytes } from '../../src/record/sink/index.ts'
import { isParallaxError, loadRecordings } from '../../src/recording/index.ts'
import { sortedJson } from '../../src/recording/sorted-json.ts'
import type { Recording } from '../../src/recording/types.ts'
import { writerRecording } from '../fixtures/writer-child.ts'
import { greetingRecording } from '../support/recordings.ts'

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parallax-writer-'))
}

function recordings(count: number, child = 'r'): Recording[] {
  return Array.from({ length: count }, (_, i) => writerRecording(child, i))
}

function balanced(s: ReturnType<ReturnType<typeof createSegmentWriter>['stats']>): boolean {
  const d = s.dropped
  return s.enqueued === s.written + d.queueFull + d.serializeFailed + d.writeFailed + d.closed + s.pending
}

/** The segment files in `dir` (finalized or open), with their sizes. */
async function segments(dir: string): Promise<Array<{ name: string; size: number; mode: number }>> {
  const names = (await readdir(dir)).filter((name) => /\.ndjson(\.gz)?(\.open)?$/.test(name)).sort()
  return Promise.all(
    names.map(async (name) => {
      const info = await stat(join(dir, name))
      return { name, size: info.size, mode: info.mode & 0o777 }
    }),
  )
}

describe('segment writer: files on disk', () => {
  it('createSegmentWriter: writes every recording, byte-equal after loading, in 0600 files with nothing left open', async () => {
    const dir = await tempDir()
    const writer = createSegmentWriter({ dir, service: 'files' })
    const sent = recordings(300)
    for (const recording of sent) expect(writer.enqueue(recording)).toBe(true)
    await writer.close()
    expect(writer.stats()).toMatchObject({
      enqueued: 300,
      written: 300,
      pending: 0,
      pendingBytes: 0,
      segments: 1,
    })

    const names = await readdir(dir)
    expect(names.filter((name) => name.endsWith('.open') || name.endsWith('.tmp'))).toEqual([])
    for (const name of names) expect((await stat(join(dir, name))).mode & 0o777, name).toBe(0o600)
    expect(
      names.map((name) => name.replace(/\d{8}T\d{6}Z-\d+-[0-9a-f]{8}/, 'TIME-PID-RANDOM')).sort(),
    ).toEqual(['files-TIME-PID-RANDOM-000001.ndjson', 'files-TIME-PID-RANDOM.writer.json'])
    const { recordings: loaded, errors, warnings, writers } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    expect(loaded.map((l) => sortedJson(l.recording, 200))).toEqual(sent.map((r) => sortedJson(r, 200)))
    expect(writers).toMatchObject([{ state: 'closed', enqueued: 300, written: 300, pending: 0, segments: 1 }])
  })

  it('createSegmentWriter: gzip segments are complete gzip files (strict decode) that load like plain ones', async () => {
    const dir = await tempDir()
    const writer = createSegmentWriter({ dir, service: 'gz', gzip: true })
    const sent = recordings(200)
    for (const [i, recording] of sent.entries()) {
      writer.enqueue(recording)
      // Several batches, each sync-flushed into the same stream.
      if (i % 50 === 49) await writer.flush()
    }
    await writer.close()
    const [segment] = await segments(dir)
    expect(segment!.name).toMatch(/^gz-.*-000001\.ndjson\.gz$/)
    const lines = gunzipSync(await readFile(join(dir, segment!.name)))
      .toString()
      .split('\n')
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'parallax-recording', version: 1 })
    expect(lines.slice(1, -1).map((line) => JSON.parse(line).id)).toEqual(sent.map((r) => r.id))
    const { recordings: loaded, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(loaded).toHaveLength(200)
    expect(writer.stats().bytesWritten).toBe(segment!.size)
  })

  it('createSegmentWriter: rotates by size, each segment within maxSegmentBytes', async () => {
    const dir = await tempDir()
    const maxSegmentBytes = 32 * 1024
    const writer = createSegmentWriter({ dir, service: 'sized', maxSegmentBytes })
    for (const recording of recordings(400)) writer.enqueue(recording)
    await writer.close()
    const files = await segments(dir)
    expect(files.length).toBeGreaterThan(5)
    expect(writer.stats().segments).toBe(files.length)
    for (const file of files) expect(file.size, file.name).toBeLessThanOrEqual(maxSegmentBytes)
    expect(files.map((f) => f.name.slice(-14))).toEqual(
      files.map((_, i) => `-${String(i + 1).padStart(6, '0')}.ndjson`),
    )
    const { recordings: loaded, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(loaded.map((l) => l.recording.id)).toEqual(recordings(400).map((r) => r.id))
  })

  it('createSegmentWriter: rotates by age, finalizing an idle segment without new writes', async () => {
    const dir = await tempDir()
    const writer = createSegmentWriter({ dir, service: 'aged', maxSegmentAgeMs: 50 })
    writer.enqueue(writerRecording('a', 1))
    await writer.flush()
    // The age timer alone finalizes it: no further enqueue.
    await expect.poll(async () => (await segments(dir)).map((f) => f.name.endsWith('.open'))).toEqual([false])
    writer.enqueue(writerRecording('a', 2))
    await writer.close()
    const files = await segments(dir)
    expect(files).toHaveLength(2)
    expect(writer.stats().segments).toBe(2)
    const { recordings: loaded } = await loadRecordings(dir)
    expect(loaded.map((l) => [l.recording.id, l.file.endsWith('000001.ndjson')])).toEqual([
      ['a-1', true],
      ['a-2', false],
    ])
  })

  it('createSegmentWriter: keeps its prefix under maxTotalBytes by deleting the oldest finalized segments, earlier runs first', async () => {
    const dir = await tempDir()
    // Another service's file and a stranger: never the cap's business.
    await writeFile(join(dir, 'other-20260101T000000Z-1-0000abcd-000001.ndjson'), 'x'.repeat(100_000))
    await writeFile(join(dir, 'notes.txt'), 'keep me')
    const maxSegmentBytes = 16 * 1024
    const maxTotalBytes = 64 * 1024
    const first = createSegmentWriter({ dir, service: 'capped', maxSegmentBytes, maxTotalBytes })
    for (const recording of recordings(150, 'one')) first.enqueue(recording)
    await first.close()
    const capped = async () =>
      (await segments(dir)).filter((f) => f.name.startsWith('capped-')).reduce((sum, f) => sum + f.size, 0)
    expect(await capped()).toBeLessThanOrEqual(maxTotalBytes)
    expect(first.stats().deleted.segments).toBeGreaterThan(0)

    // A restart: the new writer deletes what the first left, oldest first, before and as it writes.
    const second = createSegmentWriter({ dir, service: 'capped', maxSegmentBytes, maxTotalBytes })
    for (const recording of recordings(150, 'two')) second.enqueue(recording)
    await second.close()
    expect(await capped()).toBeLessThanOrEqual(maxTotalBytes)
    const { recordings: loaded, errors } = await loadRecordings(dir)
    expect(errors.map((e) => e.details?.['file'])).toEqual([
      join(dir, 'other-20260101T000000Z-1-0000abcd-000001.ndjson'),
    ])
    const ids = loaded.map((l) => l.recording.id)
    // What remains is the newest: a tail of the second run.
    expect(ids.every((id) => id.startsWith('two-'))).toBe(true)
    expect(ids.at(-1)).toBe('two-149')
    const tail = recordings(150, 'two').map((r) => r.id)
    expect(ids).toEqual(tail.slice(tail.length - ids.length))
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me')
    expect((await stat(join(dir, 'other-20260101T000000Z-1-0000abcd-000001.ndjson'))).size).toBe(100_000)
  })

  it('createSegmentWriter: flush resolves once earlier recordings are on disk; enqueue after close is a counted drop', async () => {
    const dir = await tempDir()
    const writer = createSegmentWriter({ dir, service: 'flush', batch: { intervalMs: 60_000 } })
    writer.enqueue(writerRecording('f', 1))
    writer.enqueue(writerRecording('f', 2))
    expect(writer.stats()).toMatchObject({ enqueued: 2, written: 0, pending: 2 })
    await writer.flush()
    expect(writer.stats()).toMatchObject({ enqueued: 2, written: 2, pending: 0, pendingBytes: 0 })
    const [open] = await segments(dir)
    expect(open!.name).toMatch(/\.ndjson\.open$/)
    expect((await loadRecordings(dir)).recordings).toHaveLength(2)
    await writer.close()
    await writer.close()
    expect(writer.enqueue(writerRecording('f', 3))).toBe(false)
    const after = writer.stats()
    expect(after).toMatchObject({ enqueued: 3, written: 2, dropped: { closed: 1 }, pending: 0 })
    expect(balanced(after)).toBe(true)
  })

  it('createSegmentWriter: close() right after flush() still finalizes (regression: a kick while the pump wound down was lost)', async () => {
    const dir = await tempDir()
    for (let round = 0; round < 20; round++) {
      const writer = createSegmentWriter({ dir, service: `race${round}` })
      writer.enqueue(writerRecording('race', round))
      await writer.flush()
      // The window was a few microtask hops wide: land close() on each of them.
      for (let hop = 0; hop < round % 5; hop++) await null
      await writer.close()
    }
    const names = await readdir(dir)
    expect(names.filter((name) => name.endsWith('.open'))).toEqual([])
    expect(names.filter((name) => name.endsWith('.ndjson'))).toHaveLength(20)
  })

  it('createSegmentWriter: refuses bad options with PARALLAX_USAGE and a hint', () => {
    const bad = [
      { dir: '' },
      { dir: 'x', prefix: '../up' },
      { dir: 'x', maxPendingBytes: 0 },
      { dir: 'x', batch: { intervalMs: -1 } },
      { dir: 'x', maxSegmentBytes: 1024, maxTotalBytes: 512 },
    ]
    for (const options of bad) {
      let thrown: unknown
      try {
        createSegmentWriter(options)
      } catch (error) {
        thrown = error
      }
      expect(isParallaxError(thrown, 'PARALLAX_USAGE'), JSON.stringify(options)).toBe(true)
      expect((thrown as Error).message).toMatch(/^Failed to create the segment writer: .*\.$/)
      expect((thrown as { hint?: string }).hint).toBeTruthy()
    }
  })

  it('estimateRecordingBytes: is at least the serialized size of real and hand-made recordings', async () => {
    const copilot = (await loadRecordings('recordings/copilot')).recordings.map((l) => l.recording)
    const samples = [...copilot, greetingRecording('ada'), ...recordings(60), ...recordings(5, 'ünïcödé-✓')]
    expect(copilot.length).toBeGreaterThan(0)
    for (const recording of samples) {
      const serialized = Buffer.byteLength((sortedJson(recording, 200) as { text: string }).text)
      expect(estimateRecordingBytes(recording), recording.id).toBeGreaterThanOrEqual(serialized)
      // Upper-ish, not wildly over: within 4x plus the fixed overhead.
      expect(estimateRecordingBytes(recording), recording.id).toBeLessThanOrEqual(4 * serialized + 4096)
    }
  })
})
