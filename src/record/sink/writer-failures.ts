/**
 * The segment writer's failures as typed errors, each kind passed to `onError` once: a disk that stays
 * full fails every batch, and the service's log must not fill with it. Every occurrence is still counted.
 */
import { ParallaxError } from '../../recording/errors.ts'
import { DiskFailure } from './segment-file.ts'

/**
 * Counts failures and forwards the first of each kind.
 * @example const failures = createFailureReport(options.onError); failures.report('queue-full', error)
 */
export interface FailureReport {
  /** Failures so far, every occurrence. */
  readonly count: number
  report(kind: string, error: ParallaxError): void
}

/**
 * Creates the reporter: `onError` runs in a microtask, after the caller returned; a throw there is ignored.
 * @example createFailureReport((error) => logger.warn(error.message))
 */
export function createFailureReport(onError: ((error: ParallaxError) => void) | undefined): FailureReport {
  const reported = new Set<string>()
  let count = 0
  return {
    get count() {
      return count
    },
    report(kind, error) {
      count++
      if (reported.has(kind) || onError === undefined) return
      reported.add(kind)
      // Never inside the caller: `enqueue` reports a full queue and must return at once.
      queueMicrotask(() => {
        try {
          onError(error)
        } catch {
          // The sink's own error handler failed; there is nowhere left to report to.
        }
      })
    },
  }
}

const DISK_HINTS: Record<string, string> = {
  ENOSPC: 'Free disk space or lower maxTotalBytes; the writer retries with a new segment at the next batch.',
  EDQUOT:
    'Raise the disk quota or lower maxTotalBytes; the writer retries with a new segment at the next batch.',
  EACCES: 'Make the folder writable by the user the service runs as; the writer retries at the next batch.',
  EPERM: 'Make the folder writable by the user the service runs as; the writer retries at the next batch.',
  EROFS: 'Write recordings to a writable file system; the writer retries at the next batch.',
  EIO: 'Check the disk (dmesg, SMART): it reported an I/O error; the writer retries with a new segment at the next batch.',
  EEXIST:
    'The recordings folder is a file now (or another file took the name): move it away; the writer retries at the next batch.',
  ENOTDIR:
    'A part of the recordings folder’s path is a file now: move it away; the writer retries at the next batch.',
}

/**
 * The error for a batch of `count` recordings lost to a failed disk operation; its kind is operation and code.
 * @example diskError(failure, 12) // kind 'write:ENOSPC'
 */
export function diskError(failure: DiskFailure, count: number): { kind: string; error: ParallaxError } {
  const what =
    failure.operation === 'finalize'
      ? `Failed to finalize segment ${failure.file}`
      : failure.operation === 'open'
        ? `Failed to open segment ${failure.file}${count > 0 ? ` for ${plural(count, 'recording')}` : ''}`
        : `Failed to ${failure.operation === 'sync' ? 'sync' : 'write'} ${plural(count, 'recording')} to ${failure.file}`
  const hint =
    failure.operation === 'finalize'
      ? 'The segment stays as .open and still loads (parallax inspect reads it); check the disk.'
      : (DISK_HINTS[failure.code] ??
        'Check the disk and the folder; the writer retries with a new segment at the next batch.')
  const kind = `${failure.operation}:${failure.code}`
  return {
    kind,
    error: new ParallaxError('PARALLAX_WRITE_FAILED', `${what}: ${failure.message} (${failure.code}).`, {
      hint,
      cause: failure.cause,
      details: {
        kind,
        file: failure.file,
        operation: failure.operation,
        errno: failure.code,
        dropped: count,
      },
    }),
  }
}

/**
 * The error for any other failure of the writer (status file, cap deletion, a bug), keyed by `kind` (and
 * the errno code, when there is one); `details.kind` carries the key.
 * @example otherError('status', 'Failed to write writer status x.writer.json', error, 'Check the disk.')
 */
export function otherError(
  kind: string,
  what: string,
  cause: unknown,
  hint: string,
): { kind: string; error: ParallaxError } {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  const reason = (cause as Error | undefined)?.message ?? String(cause)
  const full = code === undefined ? kind : `${kind}:${code}`
  return {
    kind: full,
    error: new ParallaxError('PARALLAX_WRITE_FAILED', `${what}: ${reason}.`, {
      hint,
      cause,
      details: { kind: full },
    }),
  }
}

/**
 * True for the failures of segment disk operations (as opposed to bugs).
 * @example if (isDiskFailure(error)) report(diskError(error, batch.count))
 */
export function isDiskFailure(error: unknown): error is DiskFailure {
  return error instanceof DiskFailure
}

function plural(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`
}

/**
 * A recording dropped because the queue is full (kind `queue-full`).
 * @example queueFullError('greet-ada', 1000, 64, 1024)
 */
export function queueFullError(id: string, pendingBytes: number, charge: number, maxPendingBytes: number) {
  return otherError(
    'queue-full',
    `Failed to queue recording ${id}`,
    new Error(
      `${pendingBytes} bytes already wait for the disk, and its ${charge} would pass maxPendingBytes (${maxPendingBytes})`,
    ),
    'Raise maxPendingBytes, record fewer requests, or check why the disk is slow; drops are counted in dropped.queueFull.',
  )
}

/**
 * A recording dropped because it cannot be serialized (kind `serialize`).
 * @example serializeFailedError('greet-ada', 'at meta.x is a bigint, which JSON cannot hold as it is')
 */
export function serializeFailedError(id: string, problem: string, cause?: unknown) {
  return otherError(
    'serialize',
    `Failed to serialize recording ${id}`,
    Object.assign(new Error(problem), { cause }),
    'Recordings must be plain JSON data, as the recorder builds them; it was dropped and counted in dropped.serializeFailed.',
  )
}

/**
 * A disk operation outstanding past `stallMs` (kind `stalled`).
 * @example stalledError('recordings', 'append', 'recordings/x.ndjson.open', 10_000)
 */
export function stalledError(dir: string, operation: string, target: string, stallMs: number) {
  return otherError(
    'stalled',
    `Failed to write recordings to ${dir}`,
    new Error(`the disk has not answered ${operation} on ${target} for ${stallMs} ms`),
    'Recordings wait in memory up to maxPendingBytes and are dropped (counted) beyond it; check the disk.',
  )
}

/**
 * close() gave up on a stalled disk (kind `close-timeout`).
 * @example closeTimeoutError('recordings', 10_000)
 */
export function closeTimeoutError(dir: string, closeTimeoutMs: number) {
  return otherError(
    'close-timeout',
    `Failed to close the segment writer on ${dir}`,
    new Error(`the disk did not finish within closeTimeoutMs (${closeTimeoutMs} ms)`),
    'What was not written is counted in dropped.writeFailed; the active segment stays .open and still loads.',
  )
}

/**
 * A bug in the writer itself, caught so it never reaches the app (kind `internal`).
 * @example internalError('recordings', new TypeError('x is undefined'))
 */
export function internalError(dir: string, cause: unknown) {
  return otherError(
    'internal',
    `Failed to write recordings to ${dir}`,
    cause,
    'This is a parallax bug: please report it.',
  )
}
