/**
 * Reading a segment's lines safely: streamed chunk by chunk, each line bounded in bytes (a line past the
 * bound is skipped without being held in memory), decoded as strict UTF-8, and its JSON nesting measured
 * without recursion before anything parses it. node:readline is not used because it buffers a line of
 * any length: a file with no newline would be read whole into one string.
 */
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { CANONICAL_LIMITS } from './canonical.ts'

/**
 * Bounds of one segment line, checked before the line is parsed.
 * @example if (bytes > SEGMENT_LIMITS.maxLineBytes) skip()
 */
export const SEGMENT_LIMITS = {
  /** Enough for a 64 MiB body stored as base64 plus the rest of its recording. */
  maxLineBytes: 128 * 1024 * 1024,
  /**
   * JSON nesting of a line: a checkpoint value sits 3 levels deep and its canonical encoding may take up to
   * 3 JSON levels per value level (a map: tag, entries, pair), plus a leaf tag.
   */
  maxLineDepth: 3 + 3 * CANONICAL_LIMITS.maxDepth + 1,
} as const

/**
 * One line of a segment as read: its text, or why it could not be read as text. A gzip segment whose stream
 * is cut short or corrupt ends with one `gzip-damaged` entry after the lines that decoded.
 */
export type SegmentLine =
  | { kind: 'text'; line: number; text: string; torn: boolean }
  | { kind: 'too-long'; line: number; bytes: number; torn: boolean }
  | { kind: 'not-utf8'; line: number; torn: boolean }
  | { kind: 'gzip-damaged'; line: number; truncated: boolean; reason: string }

/**
 * How to read a segment: gzip-compressed or not, and who counts the bytes read from disk.
 * @example readSegmentLines('a.ndjson.gz', SEGMENT_LIMITS.maxLineBytes, { gzip: true, onBytes: (n) => (read += n) })
 */
export interface ReadSegmentOptions {
  gzip?: boolean
  /** Called with the size of each chunk read from disk (compressed bytes for gzip). */
  onBytes?: (bytes: number) => void
}

const NEWLINE = 0x0a
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * The lines of a file, streamed; `torn` marks a last line that has no trailing newline. A gzip file is
 * decoded as it streams; when its stream ends early (a writer killed mid-batch) the lines before the cut
 * still come out, then a `gzip-damaged` entry.
 * @example for await (const line of readSegmentLines('recordings/a.ndjson')) console.log(line.line)
 */
export async function* readSegmentLines(
  file: string,
  maxLineBytes: number = SEGMENT_LIMITS.maxLineBytes,
  options: ReadSegmentOptions = {},
): AsyncGenerator<SegmentLine> {
  let parts: Buffer[] = []
  let pending = 0
  let line = 0
  const finish = (torn: boolean): SegmentLine => {
    line++
    const bytes = pending
    const kept = parts
    parts = []
    pending = 0
    if (bytes > maxLineBytes) return { kind: 'too-long', line, bytes, torn }
    try {
      let text = utf8.decode(kept.length === 1 ? kept[0] : Buffer.concat(kept, bytes))
      if (text.endsWith('\r')) text = text.slice(0, -1)
      return { kind: 'text', line, text, torn }
    } catch {
      return { kind: 'not-utf8', line, torn }
    }
  }
  const keep = (piece: Buffer) => {
    // Past the bound only the count grows: the bytes of an oversized line are dropped as they arrive.
    if (pending + piece.byteLength <= maxLineBytes) parts.push(piece)
    else parts = []
    pending += piece.byteLength
  }
  const source = decodedChunks(file, options)
  let damage: { truncated: boolean; reason: string } | undefined
  try {
    for await (const chunk of source) {
      let start = 0
      for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        keep(chunk.subarray(start, end))
        yield finish(false)
        start = end + 1
      }
      if (start < chunk.byteLength) keep(chunk.subarray(start))
    }
  } catch (error) {
    damage = gzipDamage(error)
    if (damage === undefined) throw error
  }
  if (pending > 0) yield finish(true)
  if (damage !== undefined) yield { kind: 'gzip-damaged', line, ...damage }
}

/** The file's bytes as stored (plain) or decoded (gzip), counting what is read from disk. */
async function* decodedChunks(file: string, options: ReadSegmentOptions): AsyncGenerator<Buffer> {
  const raw = createReadStream(file, { highWaterMark: 1024 * 1024 })
  const onBytes = options.onBytes
  if (!options.gzip) {
    for await (const chunk of raw as AsyncIterable<Buffer>) {
      onBytes?.(chunk.byteLength)
      yield chunk
    }
    return
  }
  const gunzip = createGunzip()
  let read = 0
  raw.on('data', (chunk: string | Buffer) => {
    read += chunk.length
    onBytes?.(chunk.length)
  })
  raw.on('error', (error) => gunzip.destroy(error))
  raw.pipe(gunzip)
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk
  } catch (error) {
    // An empty file (a writer killed between creating and first writing it) holds no lines, not damage.
    if (read === 0 && gzipDamage(error)?.truncated) return
    throw error
  } finally {
    raw.destroy()
    gunzip.destroy()
  }
}

/** What a zlib error says about the stream: cut short, or corrupt; undefined for any other error. */
function gzipDamage(error: unknown): { truncated: boolean; reason: string } | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'Z_BUF_ERROR') return { truncated: true, reason: 'the gzip stream ends early' }
  if (code === 'Z_DATA_ERROR' || code === 'Z_STREAM_ERROR' || code === 'Z_NEED_DICT') {
    return { truncated: false, reason: `the gzip data is corrupt (${(error as Error).message})` }
  }
  return undefined
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * True when the JSON text nests objects and arrays deeper than `maxDepth`, found by one scan that skips
 * strings, so that no recursive parser, hasher or differ ever sees such a text.
 * @example jsonNestsDeeperThan('[[[]]]', 2) // true
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === BACKSLASH) i++
      else if (code === QUOTE) inString = false
    } else if (code === QUOTE) {
      inString = true
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxDepth) return true
    } else if (code === 0x5d || code === 0x7d) {
      depth--
    }
  }
  return false
}
