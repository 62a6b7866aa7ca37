/**
 * The total size cap of a recordings folder: the segments of one prefix (every writer's, finalized and
 * open) may take `maxTotalBytes`, keeping room for the active segment to grow to its full size. Past it the
 * oldest finalized segments (by modification time) are deleted; open segments never are, another process
 * may be writing them.
 */
import { join } from 'node:path'
import { SEGMENT_FILE_SUFFIX } from '../../recording/recording-store.ts'
import type { WriterFileSystem } from './writer-file-system.ts'

/**
 * What the cap needs to know.
 * @example const options: TotalCapOptions = { fs, dir: 'recordings', pattern: segmentPattern('copilot'), maxTotalBytes: 2 ** 30, reserveBytes: 0 }
 */
export interface TotalCapOptions {
  fs: WriterFileSystem
  dir: string
  /** Matches the segment files the cap covers (see segmentPattern). */
  pattern: RegExp
  maxTotalBytes: number
  /** Room kept free for the active segment to grow into. */
  reserveBytes: number
}

/**
 * What one pass deleted, and the deletions that failed.
 * @example const { segments, bytes } = await enforceTotalCap(options)
 */
export interface TotalCapResult {
  segments: number
  bytes: number
  failures: Array<{ file: string; error: unknown }>
}

/**
 * Deletes the oldest finalized segments of the pattern until they, with the reserve, fit the cap.
 * @example await enforceTotalCap({ fs, dir: 'recordings', pattern: segmentPattern('copilot'), maxTotalBytes: 2 ** 30, reserveBytes: 2 ** 26 })
 */
export async function enforceTotalCap(options: TotalCapOptions): Promise<TotalCapResult> {
  const result: TotalCapResult = { segments: 0, bytes: 0, failures: [] }
  if (options.maxTotalBytes === Infinity) return result
  const files = (await options.fs.list(options.dir)).filter((file) => options.pattern.test(file.name))
  let total = files.reduce((sum, file) => sum + file.size, 0)
  const oldestFirst = files
    .filter((file) => !file.name.endsWith(SEGMENT_FILE_SUFFIX.open))
    .sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1))
  for (const file of oldestFirst) {
    if (total + options.reserveBytes <= options.maxTotalBytes) break
    const path = join(options.dir, file.name)
    try {
      await options.fs.unlink(path)
      result.segments++
      result.bytes += file.size
      total -= file.size
    } catch (error) {
      // Another writer of the same prefix deleted it first: it is gone either way.
      if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') total -= file.size
      else result.failures.push({ file: path, error })
    }
  }
  return result
}
