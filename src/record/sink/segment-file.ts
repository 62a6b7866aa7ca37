/**
 * One segment being written: created append-only as `<name>.open` (mode 0600), batches appended whole,
 * then finalized (fsync, close, atomic rename to `<name>`). A batch that fails half-way is cut off again
 * (truncate back to the last committed byte) so the file never keeps a torn line the writer knows of.
 */
import { join } from 'node:path'
import { SEGMENT_FILE_SUFFIX } from '../../recording/recording-store.ts'
import { createGzipBatches, type GzipBatches, gzipTrailer, updateCrc } from './gzip-batches.ts'
import type { WriterFileSystem } from './writer-file-system.ts'

/**
 * Which disk operation failed.
 * @example if (failure.operation === 'open') retryLater()
 */
export type DiskOperation = 'open' | 'write' | 'sync' | 'finalize'

/**
 * A failed disk operation, with the file and the Node error (its `code`: ENOSPC, EACCES, EIO…).
 * @example if (error instanceof DiskFailure && error.code === 'ENOSPC') freeSpace()
 */
export class DiskFailure extends Error {
  readonly operation: DiskOperation
  readonly file: string
  readonly code: string

  constructor(operation: DiskOperation, file: string, cause: unknown) {
    super((cause as Error | undefined)?.message ?? String(cause), { cause })
    this.name = 'DiskFailure'
    this.operation = operation
    this.file = file
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN'
  }
}

/**
 * A segment open for appending.
 * @example const segment = await openSegmentFile({ fs, dir, name, gzip: false, header }); await segment.append(lines, 3, true)
 */
export interface SegmentFile {
  /** The finalized name (`.open` is appended on disk until then). */
  readonly name: string
  /** Bytes committed to the file so far. */
  readonly bytes: number
  /** The same, uncompressed (equal to `bytes` without gzip). */
  readonly rawBytes: number
  /** Recordings committed to the file so far. */
  readonly records: number
  /** Appends one batch (`count` lines) in one write, the header first when the file is still empty. */
  append(lines: Uint8Array, count: number, sync: boolean): Promise<void>
  /** Ends the file (gzip trailer, fsync, close) and renames it to its finalized name; deletes it when empty. */
  finalize(): Promise<void>
  /**
   * After a failed append: cuts the file back to what was committed, then finalizes it as `finalize` does.
   * When that fails too the file stays `.open` (it still loads) and the error is thrown.
   */
  abandon(): Promise<void>
}

/**
 * What opening a segment needs.
 * @example await openSegmentFile({ fs: nodeWriterFileSystem, dir: 'recordings', name: 'a.ndjson', gzip: false, header })
 */
export interface SegmentFileOptions {
  fs: WriterFileSystem
  dir: string
  name: string
  gzip: boolean
  /** The header line, newline included. */
  header: Uint8Array
}

/**
 * Creates `<dir>/<name>.open` (its folder too) and returns it ready for appending.
 * @example const segment = await openSegmentFile({ fs: nodeWriterFileSystem, dir: 'recordings', name, gzip: true, header })
 */
export async function openSegmentFile(options: SegmentFileOptions): Promise<SegmentFile> {
  const { fs, dir, name, header } = options
  const finalPath = join(dir, name)
  const openPath = finalPath + SEGMENT_FILE_SUFFIX.open
  let fd: number
  try {
    await fs.mkdir(dir)
    fd = await fs.openAppend(openPath)
  } catch (error) {
    throw new DiskFailure('open', openPath, error)
  }
  const gzip: GzipBatches | undefined = options.gzip ? createGzipBatches() : undefined
  let bytes = 0
  let records = 0
  let crc = 0
  let size = 0
  let ended = false

  const seal = async () => {
    ended = true
    gzip?.destroy()
    try {
      if (records === 0) {
        await fs.close(fd)
        await fs.unlink(openPath)
        return
      }
      if (gzip !== undefined) {
        const trailer = gzipTrailer(crc, size)
        await fs.append(fd, trailer)
        bytes += trailer.byteLength
      }
      await fs.sync(fd)
      await fs.close(fd)
      await fs.rename(openPath, finalPath)
    } catch (error) {
      await fs.close(fd).catch(() => {})
      throw new DiskFailure('finalize', openPath, error)
    }
    await fs.syncDir(dir).catch(() => {})
  }

  return {
    name,
    get bytes() {
      return bytes
    },
    get rawBytes() {
      return gzip === undefined ? bytes : size
    },
    get records() {
      return records
    },
    async append(lines, count, sync) {
      if (ended) throw new DiskFailure('write', openPath, new Error('the segment is already finalized'))
      const raw = bytes === 0 ? Buffer.concat([header, lines]) : lines
      let out: Uint8Array
      try {
        out = gzip === undefined ? raw : await gzip.compress(raw)
        await fs.append(fd, out)
      } catch (error) {
        throw new DiskFailure('write', openPath, error)
      }
      if (sync) {
        try {
          await fs.sync(fd)
        } catch (error) {
          throw new DiskFailure('sync', openPath, error)
        }
      }
      bytes += out.byteLength
      if (gzip !== undefined) {
        crc = updateCrc(crc, raw)
        size += raw.byteLength
      }
      records += count
    },
    finalize: seal,
    async abandon() {
      // A failed fsync may have lost pages the kernel had accepted: nothing after the last committed byte is trusted.
      try {
        await fs.truncate(fd, bytes)
      } catch (error) {
        // Not cut back, the file may end in a torn line: it stays `.open`, where the loader expects one.
        ended = true
        gzip?.destroy()
        await fs.close(fd).catch(() => {})
        throw new DiskFailure('finalize', openPath, error)
      }
      await seal()
    },
  }
}
