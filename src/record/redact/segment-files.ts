/**
 * The segment files below a path and the header line of each, for the tools that rewrite or scan
 * recordings on disk (`parallax redact`, `parallax scan`).
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ParallaxError } from '../../recording/errors.ts'
import { SEGMENT_FILE_SUFFIX } from '../../recording/recording-store.ts'
import { segmentHeaderSchema } from '../../recording/schema.ts'
import { readSegmentLines } from '../../recording/segment-lines.ts'
import type { SegmentHeader } from '../../recording/types.ts'

/**
 * The segment files at `path` (itself when it is a file), sorted: `.ndjson`, `.ndjson.gz`, and unfinalized
 * ones still ending in `.open`; PARALLAX_NOT_FOUND when the path does not exist.
 * @example await segmentFiles('recordings', 'scan recordings') // { files: ['recordings/copilot/copilot.ndjson'], folder: true }
 */
export async function segmentFiles(
  path: string,
  action: string,
): Promise<{ files: string[]; folder: boolean }> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ParallaxError(
      'PARALLAX_NOT_FOUND',
      `Failed to ${action} ${path}: ${error.code === 'ENOENT' ? 'no such file or folder' : error.message}.`,
      {
        hint: 'Pass a .ndjson segment or a folder of them, e.g. recordings/.',
        cause: error,
        details: { path },
      },
    )
  })
  if (!info.isDirectory()) return { files: [path], folder: false }
  const entries = await readdir(path, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((entry) => entry.isFile() && isSegmentName(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { files, folder: true }
}

/**
 * True for the name of a segment file, finalized or not.
 * @example isSegmentName('a.ndjson.gz.open') // true
 */
export function isSegmentName(name: string): boolean {
  const finalized = name.endsWith(SEGMENT_FILE_SUFFIX.open)
    ? name.slice(0, -SEGMENT_FILE_SUFFIX.open.length)
    : name
  return finalized.endsWith(SEGMENT_FILE_SUFFIX.plain) || finalized.endsWith(SEGMENT_FILE_SUFFIX.gzip)
}

/**
 * The header (line 1) of a segment, or undefined when the file does not start with a valid one.
 * @example (await segmentHeader('recordings/a.ndjson'))?.createdAt
 */
export async function segmentHeader(file: string): Promise<SegmentHeader | undefined> {
  for await (const line of readSegmentLines(file, undefined, { gzip: isGzip(file) })) {
    if (line.kind === 'text' && line.text.trim() === '') continue
    if (line.kind !== 'text') return undefined
    try {
      const parsed = segmentHeaderSchema.safeParse(JSON.parse(line.text))
      return parsed.success ? (parsed.data as SegmentHeader) : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * The text of some lines of a file (1-based line numbers), read streaming; lines that are too long or not
 * UTF-8 are left out.
 * @example await segmentLines('a.ndjson', new Set([4])) // Map { 4 => '{"id": …' }
 */
export async function segmentLines(file: string, lines: ReadonlySet<number>): Promise<Map<number, string>> {
  const found = new Map<number, string>()
  if (lines.size === 0) return found
  for await (const line of readSegmentLines(file, undefined, { gzip: isGzip(file) })) {
    if (lines.has(line.line) && line.kind === 'text') found.set(line.line, line.text)
  }
  return found
}

/**
 * True when a segment file is gzip-compressed (`.ndjson.gz`, or `.ndjson.gz.open` while written).
 * @example isGzip('a.ndjson.gz') // true
 */
export function isGzip(file: string): boolean {
  return file.replace(/\.open$/, '').endsWith(SEGMENT_FILE_SUFFIX.gzip)
}
