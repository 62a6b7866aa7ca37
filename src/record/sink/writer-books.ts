/**
 * The segment writer's books: what was enqueued, written, dropped (by reason) and is pending, in
 * recordings and in bytes. The invariant the tests hold it to: enqueued = written + dropped + pending,
 * and pending bytes never pass the cap.
 */
import {
  type RecorderCounts,
  WRITER_STATUS_FORMAT,
  type WriterStatus,
} from '../../recording/recording-store.ts'
import { realSources } from '../real-sources.ts'

/**
 * What a writer has done so far. `enqueued = written + dropped (all reasons) + pending`, exactly, always.
 * @example const { enqueued, written, dropped, pending } = writer.stats()
 */
export interface SegmentWriterStats {
  /** Calls to `enqueue`. */
  enqueued: number
  /** Recordings on disk (synced, unless `syncEachBatch` is false). */
  written: number
  /** Recordings that will never be written: no room in the queue, not serializable, the disk failed, or after close. */
  dropped: { queueFull: number; serializeFailed: number; writeFailed: number; closed: number }
  /** Recordings accepted and not yet written or dropped. */
  pending: number
  /** Their bytes (estimated until serialized, then exact); never more than `maxPendingBytes`. */
  pendingBytes: number
  maxPendingBytesSeen: number
  /** Segments this writer finalized. */
  segments: number
  /** Finalized segments deleted to stay under `maxTotalBytes`. */
  deleted: { segments: number; bytes: number }
  /** Bytes appended to segments (compressed when gzip). */
  bytesWritten: number
  /**
   * Failure events, every occurrence: each queue-full or unserializable drop, each failed disk operation, each
   * stall; every kind also went to `onError`, once.
   */
  errors: number
}

/**
 * Why a recording was dropped: a key of `stats().dropped`.
 * @example const reason: DropReason = 'queueFull'
 */
export type DropReason = keyof SegmentWriterStats['dropped']

/**
 * The mutable books of one writer.
 * @example const books = createWriterBooks(64 * 2 ** 20, () => failures.count); if (!books.charge(n)) books.stats.dropped.queueFull++
 */
export interface WriterBooks {
  /** The counters, updated in place by the writer (`pending` and `errors` are derived in `snapshot`). */
  readonly stats: SegmentWriterStats
  /** Adds `bytes` to the pending bytes if that stays within the cap; false, adding nothing, if not. */
  charge(bytes: number): boolean
  release(bytes: number): void
  /** A copy with `pending` and `errors` filled in. */
  snapshot(): SegmentWriterStats
}

/**
 * Creates empty books for a writer holding at most `maxPendingBytes` in memory.
 * @example createWriterBooks(DEFAULT_WRITER_OPTIONS.maxPendingBytes, () => 0).snapshot().enqueued // 0
 */
export function createWriterBooks(maxPendingBytes: number, errors: () => number): WriterBooks {
  const stats: SegmentWriterStats = {
    enqueued: 0,
    written: 0,
    dropped: { queueFull: 0, serializeFailed: 0, writeFailed: 0, closed: 0 },
    pending: 0,
    pendingBytes: 0,
    maxPendingBytesSeen: 0,
    segments: 0,
    deleted: { segments: 0, bytes: 0 },
    bytesWritten: 0,
    errors: 0,
  }
  return {
    stats,
    charge(bytes) {
      if (stats.pendingBytes + bytes > maxPendingBytes) return false
      stats.pendingBytes += bytes
      if (stats.pendingBytes > stats.maxPendingBytesSeen) stats.maxPendingBytesSeen = stats.pendingBytes
      return true
    },
    release(bytes) {
      stats.pendingBytes -= bytes
    },
    snapshot() {
      const d = stats.dropped
      return {
        ...stats,
        dropped: { ...d },
        deleted: { ...stats.deleted },
        pending: stats.enqueued - stats.written - d.queueFull - d.serializeFailed - d.writeFailed - d.closed,
        errors: errors(),
      }
    },
  }
}

/** Who a writer is, as its status file says. */
export interface WriterIdentity {
  writer: string
  prefix: string
  pid: number
  startedAt: string
}

/**
 * The status file's content: the books (as `snapshot()` gives them) under the writer's identity, and the
 * books of the recorder feeding the writer when there is one.
 * @example toWriterStatus(books.snapshot(), { writer: '4242-9f1c2a8e', prefix: 'copilot', pid: 4242, startedAt }, false)
 */
export function toWriterStatus(
  stats: SegmentWriterStats,
  identity: WriterIdentity,
  closed: boolean,
  recorder?: RecorderCounts,
): WriterStatus {
  const { enqueued, written, pending, dropped, segments, deleted, errors } = stats
  return {
    format: WRITER_STATUS_FORMAT,
    version: 1,
    ...identity,
    updatedAt: new realSources.Date(realSources.now()).toISOString(),
    state: closed ? 'closed' : 'running',
    ...{ enqueued, written, pending, dropped, segments, deleted, errors },
    ...(recorder && { recorder: countsOnly(recorder) }),
  }
}

/** The documented counts of a recorder's books, without what a caller's stats add (a proxy's own). */
function countsOnly(stats: RecorderCounts): RecorderCounts {
  const { requests, filtered, sampledOut, recorded, truncated, dropped, inFlight, unattributed, errors } =
    stats
  const { captureFailed, redactFailed, sinkFull, sinkFailed } = dropped
  return {
    requests,
    filtered,
    sampledOut,
    recorded,
    truncated,
    dropped: { captureFailed, redactFailed, sinkFull, sinkFailed },
    inFlight,
    unattributed,
    errors,
  }
}
