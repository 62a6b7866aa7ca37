/**
 * Loading what the production writer leaves: unfinalized `.open` segments with a torn last line,
 * gzip segments cut anywhere, writer status files, and progress by bytes read.
 */
import { copyFile, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createSegmentWriter } from '../../src/record/sink/index.ts'
import { isParallaxError, loadRecordings } from '../../src/recording/index.ts'
import type { LoadProgress } from '../../src/recording/recording-store.ts'
import { writerRecording } from '../fixtures/writer-child.ts'
import { propertySeed } from '../support/property-seed.ts'
import { greetingRecording } from '../support/recordings.ts'

const header = JSON.stringify({
  format: 'parallax-recording',
  version: 1,
  creator: { name: 'parallax', version: '0.1.0' },
  createdAt: '2026-11-24T08:00:00.000Z',
})

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parallax-load-'))
}

/** A segment written by the writer in `batches` flushed batches of 10 recordings; its finalized path. */
async function writtenSegment(
  dir: string,
  gzip: boolean,
  batches = 4,
): Promise<{ file: string; ids: string[] }> {
  const writer = createSegmentWriter({ dir, service: gzip ? 'gz' : 'plain', gzip })
  const ids: string[] = []
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < 10; i++) {
      const recording = writerRecording(`${gzip ? 'g' : 'p'}${b}`, i)
      writer.enqueue(recording)
      ids.push(recording.id)
    }
    await writer.flush()
  }
  await writer.close()
  const suffix = gzip ? '.ndjson.gz' : '.ndjson'
  const name = (await readdir(dir)).find((n) => n.startsWith(gzip ? 'gz-' : 'plain-') && n.endsWith(suffix))
  return { file: join(dir, name!), ids }
}

describe('loadRecordings: what a writer leaves behind', () => {
  it('loadRecordings: a torn last line of an unfinalized segment is a warning, not an error, and the rest loads', async () => {
    const dir = await tempDir()
    const file = join(dir, 'svc-20261124T080000Z-1-0000abcd-000001.ndjson.open')
    const torn = JSON.stringify(greetingRecording('cy')).slice(0, 50)
    await writeFile(
      file,
      `${header}\n${JSON.stringify(greetingRecording('ada'))}\n${JSON.stringify(greetingRecording('bob'))}\n${torn}`,
    )
    const { recordings, errors, warnings, segments } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings.map((r) => r.recording.id)).toEqual(['greet-ada', 'greet-bob'])
    expect(warnings).toEqual([
      {
        kind: 'torn',
        file,
        line: 4,
        message: `Skipped ${file}:4: the segment is unfinalized and its last line was cut off mid-write (its writer was killed, or is still writing).`,
      },
    ])
    expect(segments).toEqual({ read: 1, unfinalized: 1, bytes: (await stat(file)).size })
  })

  it('loadRecordings: the same torn line in a finalized segment stays an error (nothing should have cut it)', async () => {
    const dir = await tempDir()
    const file = join(dir, 'finalized.ndjson')
    await writeFile(file, `${header}\n${JSON.stringify(greetingRecording('ada'))}\n{"id": "greet-`)
    const { recordings, errors, warnings } = await loadRecordings(dir)
    expect(recordings).toHaveLength(1)
    expect(warnings).toEqual([])
    expect(errors.map((e) => [e.code, e.details])).toEqual([
      ['PARALLAX_RECORDING_INVALID', { file, line: 3 }],
    ])
  })

  it('loadRecordings: an unfinalized segment cut inside its header, or empty, loads nothing and reports at most a torn line', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'a.ndjson.open'), header.slice(0, 30))
    await writeFile(join(dir, 'b.ndjson.open'), '')
    await writeFile(join(dir, 'c.ndjson.gz.open'), '')
    await writeFile(join(dir, 'd.ndjson.gz.open'), gzipSync(`${header}\n`).subarray(0, 6))
    const { recordings, errors, warnings, segments } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings).toEqual([])
    expect(warnings?.map((w) => [w.kind, w.file])).toEqual([['torn', join(dir, 'a.ndjson.open')]])
    expect(segments).toMatchObject({ read: 4, unfinalized: 4 })
  })

  it('loadRecordings: a writer segment cut at any byte loads a prefix of its recordings, plain or gzip, with no error', async () => {
    const random = seeded(propertySeed('segment truncation'))
    for (const gzip of [false, true]) {
      const dir = await tempDir()
      const { file, ids } = await writtenSegment(dir, gzip)
      const bytes = await readFile(file)
      const cuts = [0, 1, 10, bytes.length - 14, bytes.length - 1, bytes.length]
      for (let i = 0; i < 40; i++) cuts.push(Math.floor(random() * bytes.length))
      let previous = -1
      for (const cut of cuts.sort((a, b) => a - b)) {
        const cutDir = await tempDir()
        const open = join(cutDir, `cut${gzip ? '.ndjson.gz' : '.ndjson'}.open`)
        await writeFile(open, bytes.subarray(0, cut))
        const result = await loadRecordings(cutDir)
        expect(result.errors, `gzip ${gzip}, cut at ${cut} of ${bytes.length}`).toEqual([])
        const loaded = result.recordings.map((r) => r.recording.id)
        expect(loaded).toEqual(ids.slice(0, loaded.length))
        expect(result.warnings?.every((w) => w.kind === 'torn')).toBe(true)
        expect(result.warnings?.length ?? 0).toBeLessThanOrEqual(1)
        if (!gzip) {
          // Plain: the complete lines before the cut, less the header, and the cut line when only its newline is missing.
          const newlines = bytes.subarray(0, cut).filter((byte) => byte === 0x0a).length
          const whole = bytes[cut] === 0x0a && newlines > 0 ? 1 : 0
          expect(loaded.length).toBe(Math.max(0, newlines - 1) + whole)
        }
        expect(loaded.length).toBeGreaterThanOrEqual(previous)
        previous = loaded.length
      }
      expect(previous).toBe(ids.length)
    }
  })

  it('loadRecordings: a finalized gzip segment cut short or corrupted loads the lines before the damage and names it', async () => {
    const dir = await tempDir()
    const { file } = await writtenSegment(dir, true)
    const bytes = await readFile(file)
    const cut = join(await tempDir(), 'cut.ndjson.gz')
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    const corrupt = join(await tempDir(), 'corrupt.ndjson.gz')
    const damaged = Buffer.from(bytes)
    damaged.fill(0xff, Math.floor(bytes.length * 0.6), Math.floor(bytes.length * 0.6) + 64)
    await writeFile(corrupt, damaged)
    const damage = []
    for (const path of [corrupt, cut]) {
      const { recordings, errors } = await loadRecordings(path)
      expect(recordings.length, path).toBeGreaterThan(0)
      expect(recordings.length, path).toBeLessThan(40)
      // Deflate turns overwritten bytes into garbage lines until its check fails: those are invalid lines.
      for (const error of errors) expect(isParallaxError(error, 'PARALLAX_RECORDING_INVALID')).toBe(true)
      damage.push(errors.at(-1)!)
    }
    expect(damage.map((e) => e.message.replace(/ line \d+/, ' line N'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Failed to read segment ${corrupt}: the gzip data is corrupt \\(.*\\) at line N; lines decoded before it loaded where they were valid\\.$`,
        ),
      ),
      `Failed to read segment ${cut}: the gzip stream ends early after line N; the lines before it loaded.`,
    ])
    for (const error of damage) {
      expect(isParallaxError(error, 'PARALLAX_RECORDING_INVALID')).toBe(true)
      expect(error.details).toMatchObject({ file: expect.any(String), line: expect.any(Number) })
      expect(error.hint).toBeTruthy()
    }
  })

  it('loadRecordings: reports progress by bytes read, reaching the total of all segment files', async () => {
    const dir = await tempDir()
    await writtenSegment(dir, false, 2)
    await writtenSegment(dir, true, 2)
    await writeFile(join(dir, 'x.ndjson.open'), `${header}\n${JSON.stringify(greetingRecording('ada'))}\n`)
    const progress: LoadProgress[] = []
    const result = await loadRecordings(dir, { onProgress: (p) => progress.push(p) })
    expect(result.errors).toEqual([])
    expect(result.recordings).toHaveLength(41)
    const total = result.segments!.bytes
    expect(progress.length).toBeGreaterThanOrEqual(3)
    expect(progress.map((p) => p.bytesRead)).toEqual(
      [...progress.map((p) => p.bytesRead)].sort((a, b) => a - b),
    )
    expect(progress.at(-1)).toMatchObject({ bytesRead: total, totalBytes: total })
    expect(result.segments).toMatchObject({ read: 3, unfinalized: 1 })
  })

  it('loadRecordings: reads writer status files beside the segments; a broken one is a warning', async () => {
    const dir = await tempDir()
    await writtenSegment(dir, false, 1)
    await writtenSegment(dir, true, 1)
    await writeFile(
      join(dir, 'broken-20261124T080000Z-1-0000abcd.writer.json'),
      '{"format": "something else"}',
    )
    const { writers, warnings, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(writers?.map((w) => [w.prefix, w.state, w.enqueued, w.written, w.pending])).toEqual([
      ['gz', 'closed', 10, 10, 0],
      ['plain', 'closed', 10, 10, 0],
    ])
    expect(warnings?.map((w) => w.kind)).toEqual(['status-unreadable'])
    // Loading one segment counts only the writer that wrote it.
    const plain = (await loadRecordings(dir)).recordings.find((r) => r.file.endsWith('.ndjson'))!.file
    expect((await loadRecordings(plain)).writers?.map((w) => w.prefix)).toEqual(['plain'])
  })

  it('loadRecordings: a segment listed under both names while its writer renamed it is read once', async () => {
    const dir = await tempDir()
    const { file } = await writtenSegment(dir, false, 1)
    await copyFile(file, `${file}.open`)
    const { recordings, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings).toHaveLength(10)
    expect(recordings.map((r) => r.file)).toEqual(recordings.map(() => file))
  })
})

/** A deterministic generator of numbers in [0, 1), from the printed seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}
