/**
 * The segment writer against real crashes and real concurrency: child processes writing real files,
 * killed with SIGKILL mid-write, or sixteen of them writing into one folder at once.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { LoadRecordingsResult } from '../../src/recording/index.ts'
import { loadRecordings } from '../../src/recording/index.ts'
import { sortedJson } from '../../src/recording/sorted-json.ts'
import { type WriterChildConfig, writerRecording } from '../fixtures/writer-child.ts'
import { propertySeed } from '../support/property-seed.ts'

const CHILD = resolve(import.meta.dirname, '../fixtures/writer-child.ts')

/** A running writer child: its output lines so far, and its exit. */
interface Child {
  process: ChildProcess
  lines: string[]
  readonly stderr: string
  firstAck: Promise<void>
  exited: Promise<number | null>
}

function startChild(config: WriterChildConfig): Child {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let partial = ''
  let stderr = ''
  let acked: () => void = () => {}
  const firstAck = new Promise<void>((done) => {
    acked = done
  })
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n')
    partial = parts.pop() ?? ''
    for (const line of parts) {
      lines.push(line)
      if (line.startsWith('ack ') && Number(line.split(' ')[1]) > 0) acked()
    }
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  // A child that dies before acknowledging anything must not hang the test.
  void exited.then(() => acked())
  return {
    process: child,
    lines,
    firstAck,
    exited,
    get stderr() {
      return stderr
    },
  }
}

/** The highest `written` count the child acknowledged (on disk by then), 0 when none. */
function lastAcknowledged(lines: string[]): number {
  const acks = lines.filter((line) => line.startsWith('ack ')).map((line) => Number(line.split(' ')[1]))
  return acks.length === 0 ? 0 : Math.max(...acks)
}

/** A deterministic generator of delays, from the printed seed. */
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

/** Runs `task` over `items`, at most `width` at a time. */
async function inPool<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: width }, async () => {
    while (next < items.length) await task(items[next++]!)
  })
  await Promise.all(lanes)
}

/** Every loaded recording is exactly one the child built, and none is loaded twice. */
function expectGenuine(child: string, result: LoadRecordingsResult): void {
  const seen = new Set<string>()
  for (const [n, { recording }] of result.recordings.entries()) {
    const index = Number(recording.id.slice(child.length + 1))
    expect(recording.id, 'an id the child enqueued').toBe(`${child}-${index}`)
    expect(seen.has(recording.id), `${recording.id} loaded once`).toBe(false)
    seen.add(recording.id)
    // Full comparison on a sample and on every segment's tail, where a crash cuts.
    const next = result.recordings[n + 1]
    if (index % 25 === 0 || next === undefined || next.file !== result.recordings[n]!.file) {
      expect(sortedJson(recording, 200)).toEqual(sortedJson(writerRecording(child, index), 200))
    }
  }
}

describe('segment writer: crashes and concurrency', () => {
  it('createSegmentWriter: 100 SIGKILLs mid-write lose at most the unflushed window, and every segment loads', async () => {
    const seed = propertySeed('writer kill -9')
    const random = seeded(seed)
    const root = await mkdtemp(join(tmpdir(), 'parallax-writer-kill-'))
    onTestFinished(() => rm(root, { recursive: true, force: true }))
    const runs = Array.from({ length: 100 }, (_, run) => ({
      run,
      gzip: run % 2 === 1,
      // Every third run rotates often, so kills also land between and during finalizations.
      maxSegmentBytes: run % 3 === 0 ? 64 * 1024 : undefined,
      delayMs: Math.floor(random() * 80),
    }))
    const summary = { loaded: 0, acknowledged: 0, torn: 0, unfinalized: 0 }
    await inPool(runs, 4, async ({ run, gzip, maxSegmentBytes, delayMs }) => {
      const dir = join(root, `run-${run}`)
      const name = `k${run}`
      const child = startChild({ dir, child: name, gzip, ...(maxSegmentBytes ? { maxSegmentBytes } : {}) })
      await child.firstAck
      await new Promise((done) => setTimeout(done, delayMs))
      child.process.kill('SIGKILL')
      await child.exited
      const acknowledged = lastAcknowledged(child.lines)
      expect(acknowledged, `run ${run} (seed ${seed}) acknowledged something`).toBeGreaterThan(0)

      const result = await loadRecordings(dir)
      expect(result.errors, `run ${run} (seed ${seed})`).toEqual([])
      const torn = result.warnings ?? []
      for (const warning of torn) {
        expect(warning.kind).toBe('torn')
        expect(warning.file.endsWith('.open')).toBe(true)
      }
      // At most one torn line per segment: its last.
      expect(new Set(torn.map((w) => w.file)).size).toBe(torn.length)
      expect(result.recordings.length, `run ${run} (seed ${seed})`).toBeGreaterThanOrEqual(acknowledged)
      expectGenuine(name, result)
      summary.loaded += result.recordings.length
      summary.acknowledged += acknowledged
      summary.torn += torn.length
      summary.unfinalized += result.segments?.unfinalized ?? 0
    })
    console.info(`[parallax] writer kill -9: ${JSON.stringify(summary)}`)
    expect(summary.unfinalized).toBeGreaterThan(0)
  }, 90_000)

  it('createSegmentWriter: 16 processes writing into one folder lose nothing and never interleave', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-writer-16-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const count = 1500
    const children = Array.from({ length: 16 }, (_, i) =>
      startChild({ dir, child: `p${i}`, count, gzip: i % 4 === 0, maxSegmentBytes: 256 * 1024 }),
    )
    const codes = await Promise.all(children.map((child) => child.exited))
    expect(codes, children.map((child) => child.stderr).join('')).toEqual(children.map(() => 0))
    for (const child of children) {
      const done = child.lines.find((line) => line.startsWith('done '))
      expect(JSON.parse(done!.slice(5))).toMatchObject({
        enqueued: count,
        written: count,
        pending: 0,
        dropped: { queueFull: 0, serializeFailed: 0, writeFailed: 0, closed: 0 },
      })
    }
    const result = await loadRecordings(dir)
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
    expect(result.recordings).toHaveLength(16 * count)
    expect(new Set(result.recordings.map((r) => r.recording.id)).size).toBe(16 * count)
    expect(result.writers?.map((w) => [w.state, w.written])).toEqual(children.map(() => ['closed', count]))
    const names = await readdir(dir)
    expect(names.filter((name) => name.endsWith('.open') || name.endsWith('.tmp'))).toEqual([])
    // Each segment holds one process's recordings only.
    const writerOf = new Map<string, string>()
    for (const { recording, file } of result.recordings) {
      const child = recording.id.split('-')[0]!
      writerOf.set(file, writerOf.get(file) ?? child)
      expect(child, file).toBe(writerOf.get(file))
    }
  }, 60_000)
})
