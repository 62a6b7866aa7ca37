/**
 * Reading a segment's lines safely: streamed chunk by chunk, each line bounded in bytes (a line past the
 * bound is skipped without being held in memory), decoded as strict UTF-8, and its JSON nesting measured
 * without recursion before anything parses it. node:readline is not used because it buffers a line of
 * any length: a file with no newline would be read whole into one string.
 */
import { createReadStream } from 'node:fs'
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

/** One line of a segment as read: its text, or why it could not be read as text. */
export type SegmentLine =
  | { kind: 'text'; line: number; text: string; torn: boolean }
  | { kind: 'too-long'; line: number; bytes: number; torn: boolean }
  | { kind: 'not-utf8'; line: number; torn: boolean }

const NEWLINE = 0x0a
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * The lines of a file, streamed; `torn` marks a last line that has no trailing newline.
 * @example for await (const line of readSegmentLines('recordings/a.ndjson')) console.log(line.line)
 */
export async function* readSegmentLines(
  file: string,
  maxLineBytes: number = SEGMENT_LIMITS.maxLineBytes,
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
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      keep(chunk.subarray(start, end))
      yield finish(false)
      start = end + 1
    }
    if (start < chunk.byteLength) keep(chunk.subarray(start))
  }
  if (pending > 0) yield finish(true)
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
