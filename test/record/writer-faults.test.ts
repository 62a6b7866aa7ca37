/**
 * The segment writer when things go wrong: recordings that cannot be serialized, a full disk, a
 * permission error, a failing fsync, a disk that never answers, a full queue. Through all of them
 * `enqueue` returns at once without throwing, each kind of failure is reported once, and the books
 * balance exactly: enqueued = written + dropped + pending.
 */
import { readFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  createSegmentWriter,
  nodeWriterFileSystem,
  type SegmentWriterStats,
  type WriterFileSystem,
} from '../../src/record/sink/index.ts'
import { loadRecordings, type ParallaxError } from '../../src/recording/index.ts'
import type { Recording } from '../../src/recording/types.ts'
import { writerRecording } from '../fixtures/writer-child.ts'

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parallax-writer-faults-'))
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code })
}

function expectBalanced(stats: SegmentWriterStats): void {
  const d = stats.dropped
  expect(stats.enqueued).toBe(
    stats.written + d.queueFull + d.serializeFailed + d.writeFailed + d.closed + stats.pending,
  )
}

/** onError as a list of the kinds reported (each error's `details.kind`). */
function collectErrors() {
  const errors: ParallaxError[] = []
  return {
    errors,
    onError: (error: ParallaxError) => errors.push(error),
    kinds: () => errors.map((error) => String(error.details?.['kind'])),
  }
}

/** Enqueues `count` recordings of `child` and flushes them as one batch; returns their ids. */
async function batch(
  writer: ReturnType<typeof createSegmentWriter>,
  child: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const recording = writerRecording(child, i)
    expect(writer.enqueue(recording)).toBe(true)
    ids.push(recording.id)
  }
  await writer.flush()
  return ids
}

/** The node:fs port, with the `append` calls numbered in `failing` failing (after writing half, when `partial`). */
function failingAppends(failing: Map<number, { code: string; partial: boolean }>): WriterFileSystem {
  let calls = 0
  return {
    ...nodeWriterFileSystem,
    async append(fd, data) {
      const fault = failing.get(++calls)
      if (fault === undefined) return nodeWriterFileSystem.append(fd, data)
      if (fault.partial) await nodeWriterFileSystem.append(fd, data.subarray(0, data.byteLength >> 1))
      throw errno(fault.code)
    },
  }
}

describe('segment writer: faults', () => {
  it('createSegmentWriter: drops and counts recordings that cannot be serialized, reporting that once', async () => {
    const dir = await tempDir()
    const reported = collectErrors()
    const writer = createSegmentWriter({
      dir,
      service: 'serialize',
      onError: (error) => {
        reported.onError(error)
        throw new Error('a broken error handler must not break the writer')
      },
    })
    const throwingGetter = writerRecording('bad', 1)
    Object.defineProperty(throwingGetter, 'extra', {
      enumerable: true,
      get() {
        throw new Error('getter exploded')
      },
    })
    const bigint = { ...writerRecording('bad', 2), checkpoints: [{ name: 'total', value: 10n }] }
    const cyclic = writerRecording('bad', 3) as Recording & { meta: { self?: unknown } }
    cyclic.meta.self = cyclic.meta
    const unreadable = writerRecording('bad', 4)
    Object.defineProperty(unreadable, 'inbound', {
      get() {
        throw new Error('inbound exploded')
      },
    })
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('proxy')
        },
      },
    )
    const bad = [throwingGetter, bigint, cyclic, unreadable, null, 42, hostile] as unknown as Recording[]
    const good = [writerRecording('good', 1), writerRecording('good', 2)]
    const accepted = [good[0]!, ...bad, good[1]!].map((recording) => writer.enqueue(recording))
    // The first three look fine until serialized; the rest are refused on the spot.
    expect(accepted).toEqual([true, true, true, true, false, false, false, false, true])
    await writer.close()
    const stats = writer.stats()
    expect(stats).toMatchObject({ enqueued: 9, written: 2, pending: 0, dropped: { serializeFailed: 7 } })
    expectBalanced(stats)
    expect(reported.kinds()).toEqual(['serialize'])
    expect(reported.errors[0]!.code).toBe('PARALLAX_WRITE_FAILED')
    // Reported once: the first to fail was the one refused on the spot.
    expect(reported.errors[0]!.message).toBe(
      'Failed to serialize recording bad-4: reading it failed (inbound exploded).',
    )
    const { recordings, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings.map((r) => r.recording.id)).toEqual(['good-1', 'good-2'])
  })

  it('createSegmentWriter: books handed in that throw cost only the status file, reported once; every recording is written', async () => {
    const dir = await tempDir()
    const reported = collectErrors()
    const writer = createSegmentWriter({
      dir,
      service: 'books',
      onError: reported.onError,
      recorderStats: () => {
        throw new Error('the books exploded')
      },
    })
    for (let i = 0; i < 3; i++) expect(writer.enqueue(writerRecording('books', i))).toBe(true)
    await writer.close()
    expect(writer.stats()).toMatchObject({ enqueued: 3, written: 3, pending: 0 })
    expect(reported.kinds()).toEqual(['status'])
    const { recordings, errors, writers } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings).toHaveLength(3)
    // No status file could be written: there are no counters to read, and nothing says otherwise.
    expect(writers ?? []).toEqual([])
  })

  it('createSegmentWriter: a full disk (ENOSPC) drops the batch, cuts off its half-written tail, and the next batch goes to a new segment', async () => {
    const dir = await tempDir()
    const reported = collectErrors()
    const fileSystem = failingAppends(
      new Map([
        [2, { code: 'ENOSPC', partial: true }],
        [3, { code: 'ENOSPC', partial: false }],
      ]),
    )
    const writer = createSegmentWriter({ dir, service: 'full', fileSystem, onError: reported.onError })
    const first = await batch(writer, 'a', 10)
    await batch(writer, 'b', 10)
    await batch(writer, 'c', 10)
    const last = await batch(writer, 'd', 10)
    await writer.close()
    const stats = writer.stats()
    expect(stats).toMatchObject({
      enqueued: 40,
      written: 20,
      pending: 0,
      dropped: { writeFailed: 20 },
      segments: 2,
    })
    expectBalanced(stats)
    expect(reported.kinds()).toEqual(['write:ENOSPC'])
    expect(reported.errors[0]!.message).toMatch(
      /^Failed to write 10 recordings to .*\.open: ENOSPC: simulated \(ENOSPC\)\.$/,
    )
    expect(reported.errors[0]!.hint).toMatch(/Free disk space/)
    const { recordings, errors, warnings } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    expect(recordings.map((r) => r.recording.id)).toEqual([...first, ...last])
    // The segment that failed before committing anything was deleted, not left empty.
    expect((await readdir(dir)).filter((name) => name.includes('.ndjson'))).toHaveLength(2)
  })

  it('createSegmentWriter: with gzip, a failed batch is cut off and the segment still ends as a valid gzip file', async () => {
    const dir = await tempDir()
    const fileSystem = failingAppends(new Map([[2, { code: 'EIO', partial: true }]]))
    const writer = createSegmentWriter({ dir, service: 'gzfail', gzip: true, fileSystem })
    const first = await batch(writer, 'a', 10)
    await batch(writer, 'b', 10)
    const last = await batch(writer, 'c', 10)
    await writer.close()
    expect(writer.stats()).toMatchObject({ written: 20, dropped: { writeFailed: 10 }, segments: 2 })
    const names = (await readdir(dir)).filter((name) => name.endsWith('.ndjson.gz')).sort()
    expect(names).toHaveLength(2)
    const ids = names.flatMap((name) =>
      gunzipSync(readFileSync(join(dir, name)))
        .toString()
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => JSON.parse(line).id as string),
    )
    expect(ids).toEqual([...first, ...last])
    const { recordings, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings).toHaveLength(20)
  })

  it('createSegmentWriter: a permission error (EACCES) on open drops those batches, reported once, and writing resumes when it clears', async () => {
    const dir = await tempDir()
    const reported = collectErrors()
    let opens = 0
    const fileSystem: WriterFileSystem = {
      ...nodeWriterFileSystem,
      async openAppend(file) {
        if (++opens <= 2) throw errno('EACCES')
        return nodeWriterFileSystem.openAppend(file)
      },
    }
    const writer = createSegmentWriter({ dir, service: 'denied', fileSystem, onError: reported.onError })
    await batch(writer, 'a', 5)
    await batch(writer, 'b', 5)
    const resumed = await batch(writer, 'c', 5)
    await writer.close()
    expect(writer.stats()).toMatchObject({
      enqueued: 15,
      written: 5,
      dropped: { writeFailed: 10 },
      pending: 0,
    })
    expectBalanced(writer.stats())
    expect(reported.kinds()).toEqual(['open:EACCES'])
    expect(reported.errors[0]!.message).toMatch(
      /^Failed to open segment .*\.ndjson\.open for 5 recordings: EACCES/,
    )
    expect(reported.errors[0]!.hint).toMatch(/writable by the user/)
    expect((await loadRecordings(dir)).recordings.map((r) => r.recording.id)).toEqual(resumed)
  })

  it.skipIf(process.getuid?.() === 0)(
    'createSegmentWriter: a real read-only folder is EACCES, counted and reported, never thrown',
    async () => {
      const dir = join(await tempDir(), 'read-only')
      await mkdir(dir)
      await chmod(dir, 0o500)
      const reported = collectErrors()
      const writer = createSegmentWriter({ dir, service: 'ro', onError: reported.onError })
      for (let i = 0; i < 5; i++) expect(writer.enqueue(writerRecording('ro', i))).toBe(true)
      await writer.close()
      expect(writer.stats()).toMatchObject({ enqueued: 5, written: 0, dropped: { writeFailed: 5 } })
      expect(reported.kinds()).toContain('open:EACCES')
      await chmod(dir, 0o700)
    },
  )

  it('createSegmentWriter: a failed fsync (EIO) does not count the batch as written and cuts it off the segment', async () => {
    const dir = await tempDir()
    const reported = collectErrors()
    let syncs = 0
    const fileSystem: WriterFileSystem = {
      ...nodeWriterFileSystem,
      async sync(fd) {
        if (++syncs === 2) throw errno('EIO')
        return nodeWriterFileSystem.sync(fd)
      },
    }
    const writer = createSegmentWriter({ dir, service: 'eio', fileSystem, onError: reported.onError })
    const first = await batch(writer, 'a', 4)
    await batch(writer, 'b', 4)
    const last = await batch(writer, 'c', 4)
    await writer.close()
    expect(writer.stats()).toMatchObject({ written: 8, dropped: { writeFailed: 4 } })
    expect(reported.kinds()).toEqual(['sync:EIO'])
    const { recordings, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings.map((r) => r.recording.id)).toEqual([...first, ...last])
  })

  it('createSegmentWriter: on a disk that never answers, enqueue keeps returning at once, the queue stays under its cap, and close gives up in time', async () => {
    const dir = await tempDir()
    const reported = collectErrors()
    const fileSystem: WriterFileSystem = { ...nodeWriterFileSystem, append: () => new Promise(() => {}) }
    const maxPendingBytes = 200 * 1024
    const writer = createSegmentWriter({
      dir,
      service: 'stalled',
      fileSystem,
      maxPendingBytes,
      batch: { intervalMs: 1 },
      stallMs: 20,
      closeTimeoutMs: 100,
      onError: reported.onError,
    })
    writer.enqueue(writerRecording('s', 0))
    const flushed = writer.flush()
    await expect.poll(reported.kinds).toContain('stalled')
    const results: boolean[] = []
    for (let i = 1; i < 1000; i++) {
      results.push(writer.enqueue(writerRecording('s', i)))
      expect(writer.stats().pendingBytes).toBeLessThanOrEqual(maxPendingBytes)
    }
    expect(results.filter(Boolean).length).toBeGreaterThan(0)
    expect(results.filter((accepted) => !accepted).length).toBeGreaterThan(0)
    const during = writer.stats()
    expect(during.written).toBe(0)
    expect(during.maxPendingBytesSeen).toBeLessThanOrEqual(maxPendingBytes)
    expectBalanced(during)

    await writer.close()
    await flushed
    const after = writer.stats()
    expect(after).toMatchObject({ enqueued: 1000, written: 0, pending: 0, pendingBytes: 0 })
    expect(after.dropped.queueFull).toBe(results.filter((accepted) => !accepted).length)
    expect(after.dropped.writeFailed).toBe(1 + results.filter(Boolean).length)
    expectBalanced(after)
    expect(reported.kinds().sort()).toEqual(['close-timeout', 'queue-full', 'stalled'])
  })

  it('createSegmentWriter: a full queue drops (and counts) exactly the recordings it refused; every accepted one is written', async () => {
    const dir = await tempDir()
    const reported = collectErrors()
    const maxPendingBytes = 64 * 1024
    const writer = createSegmentWriter({ dir, service: 'queue', maxPendingBytes, onError: reported.onError })
    const accepted: string[] = []
    for (let i = 0; i < 500; i++) {
      const recording = writerRecording('q', i)
      if (writer.enqueue(recording)) accepted.push(recording.id)
    }
    expect(accepted.length).toBeGreaterThan(0)
    expect(accepted.length).toBeLessThan(500)
    await writer.close()
    const stats = writer.stats()
    expect(stats).toMatchObject({
      enqueued: 500,
      written: accepted.length,
      dropped: { queueFull: 500 - accepted.length },
    })
    expect(stats.maxPendingBytesSeen).toBeLessThanOrEqual(maxPendingBytes)
    expectBalanced(stats)
    expect(reported.kinds()).toEqual(['queue-full'])
    expect(reported.errors[0]!.message).toMatch(
      /^Failed to queue recording q-\d+: \d+ bytes already wait for the disk/,
    )
    const { recordings } = await loadRecordings(dir)
    expect(recordings.map((r) => r.recording.id)).toEqual(accepted)
    const status = JSON.parse(
      await readFile(join(dir, (await readdir(dir)).find((name) => name.endsWith('.writer.json'))!), 'utf8'),
    )
    expect(status).toMatchObject({
      state: 'closed',
      enqueued: 500,
      dropped: { queueFull: 500 - accepted.length },
    })
  })
})
