/**
 * The production segment writer: takes one Recording per request without ever awaiting, throwing or
 * growing past a byte cap, and gets them to disk in batches off the request path — one append-only
 * segment per process, rotated by size and age, finalized atomically, the folder kept under a total cap.
 * Its books always balance: enqueued = written + dropped + pending. See docs/recording-files.md.
 */
import { SEGMENT_LIMITS } from '../../recording/segment-lines.ts'
import type { Recording } from '../../recording/types.ts'
import { realSources } from '../real-sources.ts'
import { checkRecordingFolder } from './check-recording-folder.ts'
import { estimateRecordingBytes } from './estimate-recording-bytes.ts'
import { nodeWriterFileSystem } from './node-writer-file-system.ts'
import { createRecordingQueue, type Queued } from './recording-queue.ts'
import { newWriterId, statusName, utcStamp } from './segment-names.ts'
import { createSegmentRotation } from './segment-rotation.ts'
import { createLineBuffer, recordingIdOf, serializeRecording } from './serialize-recording.ts'
import { watchStalls } from './watch-stalls.ts'
import {
  createWriterBooks,
  type DropReason,
  type SegmentWriterStats,
  toWriterStatus,
} from './writer-books.ts'
import {
  closeTimeoutError,
  createFailureReport,
  diskError,
  internalError,
  isDiskFailure,
  otherError,
  queueFullError,
  serializeFailedError,
  stalledError,
} from './writer-failures.ts'
import { resolveWriterOptions, type SegmentWriterOptions } from './writer-options.ts'
import { createStatusFile } from './writer-status-file.ts'

/**
 * A running segment writer.
 * @example
 * const writer = createSegmentWriter({ dir: 'recordings', service: 'copilot' })
 * createRecorder({ service: 'copilot', environment: 'production', onRecording: (r) => writer.enqueue(r) })
 * process.once('SIGTERM', () => void writer.close().then(() => process.exit(0)))
 */
export interface SegmentWriter extends AsyncDisposable {
  readonly dir: string
  /** Queues a recording; false when it was dropped (counted). Never awaits, never throws. */
  enqueue(recording: Recording): boolean
  stats(): SegmentWriterStats
  /** Resolves once every recording enqueued before the call is written or dropped. */
  flush(): Promise<void>
  /**
   * Checks now that `dir` is a folder (creating it) in which this process may create files; rejects with
   * PARALLAX_WRITE_FAILED saying what is wrong, its hint naming `setting` (`--out`, `PARALLAX_OUT`). Call
   * it before taking traffic: left alone, the writer finds a bad folder only at its first batch.
   */
  checkFolder(options?: { setting?: string }): Promise<void>
  /**
   * Writes everything pending, finalizes the active segment and the counters file, then resolves: the
   * recordings are durable. Idempotent. Gives up after `closeTimeoutMs` on a stalled disk, counting what is
   * unwritten as dropped (writeFailed).
   */
  close(): Promise<void>
}

/** A batch taken off the queue: its lines' count and bytes until it is settled (written or dropped). */
interface Batch {
  lastSeq: number
  count: number
  bytes: number
  settled: boolean
}

/** Room for a segment's header line (and a gzip header and trailer) within maxSegmentBytes. */
const HEADER_ALLOWANCE = 512
/** The longest the writer serializes without letting the event loop run (one large recording may take longer). */
const SLICE_MS = 2

/**
 * Creates a segment writer over `options.dir`; throws PARALLAX_USAGE for a bad option, and never again.
 * @example
 * await using writer = createSegmentWriter({ dir: 'recordings', service: 'copilot', gzip: true })
 * writer.enqueue(recording)
 */
export function createSegmentWriter(options: SegmentWriterOptions): SegmentWriter {
  const o = resolveWriterOptions(options)
  const failures = createFailureReport(o.onError)
  const report = ({ kind, error }: ReturnType<typeof otherError>) => failures.report(kind, error)
  const books = createWriterBooks(o.maxPendingBytes, () => failures.count)
  const stats = books.stats
  const fs = watchStalls(options.fileSystem ?? nodeWriterFileSystem, o.stallMs, (operation, target) =>
    report(stalledError(o.dir, operation, target, o.stallMs)),
  )
  // A batch never holds more than a segment may: segments stay under maxSegmentBytes unless one recording does not.
  const batchMaxBytes = Math.min(o.batchMaxBytes, Math.max(1, o.maxSegmentBytes - HEADER_ALLOWANCE))
  const writerId = newWriterId()
  const startedAt = new realSources.Date(realSources.now()).toISOString()
  const identity = { writer: writerId, prefix: o.prefix, pid: process.pid, startedAt }
  const rotation = createSegmentRotation({
    fs,
    dir: o.dir,
    prefix: o.prefix,
    writerId,
    gzip: o.gzip,
    maxSegmentBytes: o.maxSegmentBytes,
    maxSegmentAgeMs: o.maxSegmentAgeMs,
    maxTotalBytes: o.maxTotalBytes,
    stats,
    report,
    onAgeDue: () => void kick(),
  })

  const queue = createRecordingQueue()
  let admitted = 0
  let settledSeq = 0
  let flushTarget = 0
  let waiters: Array<{ target: number; resolve: () => void }> = []
  let inFlight: Batch | undefined
  let closing = false
  let closed = false
  let closePromise: Promise<void> | undefined
  let running: Promise<void> | undefined
  let rerun = false
  let batchTimer: NodeJS.Timeout | undefined
  let immediateQueued = false

  const status = createStatusFile({
    fs,
    dir: o.dir,
    name: statusName(o.prefix, writerId, utcStamp()),
    intervalMs: o.statusIntervalMs,
    snapshot: () => toWriterStatus(books.snapshot(), identity, closed, o.recorderStats?.()),
    onFailure: (error, file) =>
      report(
        otherError(
          'status',
          `Failed to write writer status ${file}`,
          error,
          'Its counts are stale; check the disk.',
        ),
      ),
  })
  /** A writer that never received a recording leaves no status file behind. */
  const touchStatus = (now = false) => {
    if (stats.enqueued > 0) status.update(now)
  }
  const drop = (reason: DropReason, count = 1) => {
    stats.dropped[reason] += count
    touchStatus()
  }

  /** Takes the recording into the queue, or says why not; never throws. */
  const admit = (recording: Recording): DropReason | undefined => {
    if (closing) return 'closed'
    let charge: number
    try {
      charge = estimateRecordingBytes(recording)
      if (!Number.isFinite(charge)) throw new Error('it is not shaped like a Recording')
    } catch (error) {
      reportSerialize(
        recording,
        `reading it failed (${(error as Error | undefined)?.message ?? String(error)})`,
        error,
      )
      return 'serializeFailed'
    }
    if (!books.charge(charge)) {
      reportQueueFull(recording, charge)
      return 'queueFull'
    }
    queue.push({ recording, charge, seq: admitted++, atMs: realSources.monotonicMs() })
    schedule()
    return undefined
  }

  const reportQueueFull = (recording: unknown, charge: number) =>
    report(queueFullError(recordingIdOf(recording), stats.pendingBytes, charge, o.maxPendingBytes))
  const reportSerialize = (recording: unknown, problem: string, cause?: unknown) =>
    report(serializeFailedError(recordingIdOf(recording), problem, cause))

  const schedule = () => {
    if (queue.bytes >= batchMaxBytes) {
      if (immediateQueued) return
      immediateQueued = true
      setImmediate(() => {
        immediateQueued = false
        void kick()
      })
    } else if (batchTimer === undefined) {
      armBatchTimer(o.batchIntervalMs)
    }
  }
  const armBatchTimer = (ms: number) => {
    batchTimer = setTimeout(() => {
      batchTimer = undefined
      void kick()
    }, ms).unref()
  }

  /** Runs the pump, or asks the running one to look again; resolves when it stops. */
  const kick = (): Promise<void> => {
    if (running !== undefined) {
      rerun = true
      return running
    }
    running = (async () => {
      try {
        // A kick that lands while the pump winds down sets `rerun`, checked here in the same step that
        // clears `running`: no request is lost between the two.
        do await pump()
        while (rerun)
      } catch (error) {
        report(internalError(o.dir, error))
      } finally {
        running = undefined
      }
    })()
    return running
  }

  /** The only code that touches segments: batches and rotations run one after another, never at once. */
  const pump = async () => {
    for (;;) {
      rerun = false
      if (batchDue()) await writeBatch(queue.take(batchMaxBytes))
      else if (rotation.active && (rotation.due || closing)) {
        await rotation.finalizeActive(closing)
        touchStatus(true)
      } else if (!rerun) break
    }
    const first = queue.peek()
    if (first !== undefined && batchTimer === undefined && !closing) {
      armBatchTimer(Math.max(1, o.batchIntervalMs - (realSources.monotonicMs() - first.atMs)))
    }
  }

  const batchDue = (): boolean => {
    const first = queue.peek()
    if (first === undefined) return false
    if (closing || queue.bytes >= batchMaxBytes || first.seq < flushTarget) return true
    return realSources.monotonicMs() - first.atMs >= o.batchIntervalMs
  }

  /**
   * Serializes a batch on this thread, yielding to the event loop every SLICE_MS so requests keep being
   * served, and appends it in one write.
   */
  const writeBatch = async (entries: Queued[]) => {
    const batch: Batch = { lastSeq: entries.at(-1)!.seq, count: 0, bytes: 0, settled: false }
    inFlight = batch
    const lines = createLineBuffer(entries.reduce((sum, entry) => sum + entry.charge, 0))
    let sliceStart = realSources.monotonicMs()
    for (const entry of entries) {
      if (realSources.monotonicMs() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        sliceStart = realSources.monotonicMs()
      }
      const recording = entry.recording!
      entry.recording = undefined
      books.release(entry.charge)
      const result = serializeRecording(recording)
      const bytes = 'line' in result ? lines.append(result.line) : undefined
      if (bytes === undefined) {
        const problem =
          'line' in result
            ? `it is more than the ${SEGMENT_LIMITS.maxLineBytes} bytes a line may hold`
            : result.problem
        reportSerialize(recording, problem, 'cause' in result ? result.cause : undefined)
        drop('serializeFailed')
      } else if (!books.charge(bytes)) {
        // Re-charged at the real size: the cap holds even where the estimate was low (control characters).
        lines.removeLast(bytes)
        reportQueueFull(recording, bytes)
        drop('queueFull')
      } else {
        batch.bytes += bytes
        batch.count++
      }
    }
    try {
      if (batch.count > 0) await appendBatch(batch, lines.bytes())
    } finally {
      settle(batch, 'writeFailed')
      settledSeq = Math.max(settledSeq, batch.lastSeq + 1)
      inFlight = undefined
      resolveWaiters()
      touchStatus()
    }
  }

  const appendBatch = async (batch: Batch, data: Buffer) => {
    try {
      const segment = await rotation.segmentFor(data.byteLength)
      const before = segment.bytes
      await segment.append(data, batch.count, o.syncEachBatch)
      if (!batch.settled) stats.bytesWritten += segment.bytes - before
      settle(batch, 'written')
    } catch (error) {
      if (!isDiskFailure(error)) throw error
      report(diskError(error, batch.count))
      settle(batch, 'writeFailed')
      // The next batch goes to a new segment; this one keeps what it committed.
      await rotation.abandonActive()
    }
  }

  const settle = (batch: Batch, outcome: 'written' | 'writeFailed') => {
    if (batch.settled) return
    batch.settled = true
    books.release(batch.bytes)
    if (outcome === 'written') stats.written += batch.count
    else drop('writeFailed', batch.count)
  }

  const resolveWaiters = () => {
    if (waiters.length === 0) return
    const ready = waiters.filter((w) => w.target <= settledSeq)
    waiters = waiters.filter((w) => w.target > settledSeq)
    for (const waiter of ready) waiter.resolve()
  }

  /** After closeTimeoutMs on a stalled disk: everything unwritten is dropped, so the books close. */
  const giveUp = () => {
    const unwritten = queue.clear()
    for (const entry of unwritten) books.release(entry.charge)
    if (unwritten.length > 0) drop('writeFailed', unwritten.length)
    if (inFlight !== undefined) settle(inFlight, 'writeFailed')
    settledSeq = admitted
    resolveWaiters()
    report(closeTimeoutError(o.dir, o.closeTimeoutMs))
  }

  const shutDown = async () => {
    closing = true
    flushTarget = admitted
    clearTimeout(batchTimer)
    const finished = (async () => {
      await kick()
      closed = true
      touchStatus(true)
      await status.settle()
    })()
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      finished.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), o.closeTimeoutMs)
      }),
    ])
    clearTimeout(timer)
    rotation.stop()
    if (timedOut) {
      giveUp()
      closed = true
      touchStatus(true)
    }
  }

  return {
    dir: o.dir,
    enqueue(recording) {
      const before = admitted
      try {
        // The first recording announces the writer on disk (from a timer), so even one killed early is counted.
        if (stats.enqueued++ === 0) touchStatus()
        const reason = admit(recording)
        if (reason === undefined) return true
        drop(reason)
        return false
      } catch (error) {
        // Unreachable by design; if it ever happens the books still balance and the app never sees it.
        report(internalError(o.dir, error))
        if (admitted > before) return true
        stats.dropped.serializeFailed++
        return false
      }
    },
    stats: books.snapshot,
    checkFolder(check = {}) {
      return checkRecordingFolder(o.dir, {
        ...check,
        fileSystem: options.fileSystem ?? nodeWriterFileSystem,
      })
    },
    flush() {
      if (settledSeq >= admitted) return Promise.resolve()
      const target = admitted
      flushTarget = Math.max(flushTarget, target)
      const done = new Promise<void>((resolve) => waiters.push({ target, resolve }))
      void kick()
      return done
    },
    close() {
      closePromise ??= shutDown()
      return closePromise
    },
    [Symbol.asyncDispose]() {
      return this.close()
    },
  }
}
