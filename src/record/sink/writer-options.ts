/**
 * Options of the production segment writer, their defaults, and their validation at creation time
 * (the only moment the writer may throw).
 */
import { ParallaxError } from '../../recording/errors.ts'
import type { RecorderCounts } from '../../recording/recording-store.ts'
import type { WriterFileSystem } from './writer-file-system.ts'

const MiB = 1024 * 1024

/**
 * Defaults of {@link SegmentWriterOptions}.
 * @example createSegmentWriter({ dir: 'recordings', maxPendingBytes: DEFAULT_WRITER_OPTIONS.maxPendingBytes / 2 })
 */
export const DEFAULT_WRITER_OPTIONS = Object.freeze({
  maxPendingBytes: 64 * MiB,
  batch: Object.freeze({ intervalMs: 100, maxBytes: 1 * MiB }),
  maxSegmentBytes: 64 * MiB,
  maxSegmentAgeMs: 15 * 60_000,
  maxTotalBytes: 1024 * MiB,
  gzip: false,
  syncEachBatch: true,
  statusIntervalMs: 100,
  stallMs: 10_000,
  closeTimeoutMs: 10_000,
})

/**
 * Options of {@link createSegmentWriter}: where segments go, how much may wait in memory, how often a batch
 * is written, when a segment is rotated, and how much the folder may hold.
 * @example const options: SegmentWriterOptions = { dir: 'recordings', service: 'copilot', gzip: true }
 */
export interface SegmentWriterOptions {
  /** The folder segments are written to (created when missing). */
  dir: string
  /** Names segments `<service>-…`; `prefix` wins when both are given. Default `parallax`. */
  service?: string
  prefix?: string
  /** Bytes (estimated serialized size) that may wait in memory; past it `enqueue` drops. Default 64 MiB. */
  maxPendingBytes?: number
  /** A batch is written every `intervalMs` (default 100) or as soon as `maxBytes` (default 1 MiB) wait. */
  batch?: { intervalMs?: number; maxBytes?: number }
  /** A segment is finalized once it holds this many bytes on disk (default 64 MiB)… */
  maxSegmentBytes?: number
  /** …or once it has been open this long (default 15 minutes). */
  maxSegmentAgeMs?: number
  /**
   * Bytes the segments of this prefix may take in `dir`, all writers together; the oldest finalized ones are
   * deleted past it (default 1 GiB; `Infinity` never deletes). At least `maxSegmentBytes`.
   */
  maxTotalBytes?: number
  /** Writes `.ndjson.gz` segments, each batch sync-flushed so a killed writer's file still decodes. Default false. */
  gzip?: boolean
  /** fdatasync each batch before counting it written (survives power loss); else only at finalize. Default true. */
  syncEachBatch?: boolean
  /** The counters file is rewritten after a batch at most this often (and at each rotation and at close). Default 100 ms. */
  statusIntervalMs?: number
  /** A disk operation outstanding this long is reported once as a stalled disk. Default 10 s. */
  stallMs?: number
  /** close() gives up waiting for the disk after this long, counting what is unwritten as dropped. Default 10 s. */
  closeTimeoutMs?: number
  /** Receives each kind of failure once (code PARALLAX_WRITE_FAILED); failures are never thrown. */
  onError?: (error: ParallaxError) => void
  /** The file-system port; default node:fs. */
  fileSystem?: WriterFileSystem
  /**
   * The books of the recorder feeding this writer, kept in its status file (`recorder`) so that
   * `parallax inspect` shows them: e.g. `() => recorder.stats()`. Read each time the file is written;
   * undefined leaves them out.
   */
  recorderStats?: () => RecorderCounts | undefined
}

/**
 * The options with every default applied.
 * @example const { maxPendingBytes, batchIntervalMs } = resolveWriterOptions({ dir: 'recordings' })
 */
export interface ResolvedWriterOptions {
  dir: string
  prefix: string
  maxPendingBytes: number
  batchIntervalMs: number
  batchMaxBytes: number
  maxSegmentBytes: number
  maxSegmentAgeMs: number
  maxTotalBytes: number
  gzip: boolean
  syncEachBatch: boolean
  statusIntervalMs: number
  stallMs: number
  closeTimeoutMs: number
  onError: ((error: ParallaxError) => void) | undefined
  recorderStats: (() => RecorderCounts | undefined) | undefined
}

/** Letters, digits, dot, dash and underscore, not starting with a dot: safe in any file name. */
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/**
 * Applies the defaults and checks every option, throwing PARALLAX_USAGE for a bad one.
 * @example resolveWriterOptions({ dir: 'recordings' }).maxPendingBytes // 67108864
 */
export function resolveWriterOptions(options: SegmentWriterOptions): ResolvedWriterOptions {
  const d = DEFAULT_WRITER_OPTIONS
  if (typeof options?.dir !== 'string' || options.dir.length === 0) {
    throw usage(
      '`dir` is empty',
      "Pass the folder to write segments to, e.g. createSegmentWriter({ dir: 'recordings' }).",
    )
  }
  const prefix = options.prefix ?? options.service ?? 'parallax'
  if (!PREFIX.test(prefix)) {
    throw usage(
      `the segment prefix ${JSON.stringify(prefix).slice(0, 80)} is not a plain file name`,
      'Use letters, digits, dots, dashes and underscores (at most 64), e.g. "copilot".',
    )
  }
  const resolved: ResolvedWriterOptions = {
    dir: options.dir,
    prefix,
    maxPendingBytes: positive('maxPendingBytes', options.maxPendingBytes ?? d.maxPendingBytes),
    batchIntervalMs: positive('batch.intervalMs', options.batch?.intervalMs ?? d.batch.intervalMs),
    batchMaxBytes: positive('batch.maxBytes', options.batch?.maxBytes ?? d.batch.maxBytes),
    maxSegmentBytes: positive('maxSegmentBytes', options.maxSegmentBytes ?? d.maxSegmentBytes),
    maxSegmentAgeMs: positive('maxSegmentAgeMs', options.maxSegmentAgeMs ?? d.maxSegmentAgeMs),
    maxTotalBytes: positive('maxTotalBytes', options.maxTotalBytes ?? d.maxTotalBytes, true),
    gzip: options.gzip ?? d.gzip,
    syncEachBatch: options.syncEachBatch ?? d.syncEachBatch,
    statusIntervalMs: positive('statusIntervalMs', options.statusIntervalMs ?? d.statusIntervalMs),
    stallMs: positive('stallMs', options.stallMs ?? d.stallMs),
    closeTimeoutMs: positive('closeTimeoutMs', options.closeTimeoutMs ?? d.closeTimeoutMs),
    onError: options.onError,
    recorderStats: options.recorderStats,
  }
  if (resolved.maxTotalBytes < resolved.maxSegmentBytes) {
    throw usage(
      `maxTotalBytes (${resolved.maxTotalBytes}) is less than maxSegmentBytes (${resolved.maxSegmentBytes})`,
      'Allow the folder at least one segment: raise maxTotalBytes or lower maxSegmentBytes.',
    )
  }
  return resolved
}

function positive(name: string, value: number, infinityAllowed = false): number {
  const ok =
    typeof value === 'number' &&
    value > 0 &&
    (Number.isFinite(value) || (infinityAllowed && value === Infinity))
  if (!ok)
    throw usage(
      `${name} must be a positive number, got ${String(value)}`,
      `Pass a positive ${name} or leave it out for its default.`,
    )
  return value
}

function usage(reason: string, hint: string): ParallaxError {
  return new ParallaxError('PARALLAX_USAGE', `Failed to create the segment writer: ${reason}.`, { hint })
}
