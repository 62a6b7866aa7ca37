/**
 * Collects a body as it streams past without holding more than a bound: the first `maxBytes` are
 * kept, the size and SHA-256 cover every byte, and each piece's arrival time feeds the chunk timeline.
 */
import { createHash } from 'node:crypto'
import { recordedBody } from '../recording/content-encoding.ts'
import type { Body, Chunk } from '../recording/types.ts'

/** A bounded observer of one body's bytes. */
export interface ByteCollector {
  /** Observes one piece of the body that arrived (or was written) at monotonic time `atMs`. */
  add(piece: Uint8Array, atMs: number): void
  /** Total bytes seen so far. */
  readonly size: number
  /**
   * The recorded body, or undefined when no byte was seen; with a `contentEncoding` (the Content-Encoding
   * header), stored decoded (see recordedBody).
   */
  body(contentEncoding?: string): Body | undefined
  /**
   * The chunk timeline relative to `startMs`, or undefined when the body came in one piece or none. Given
   * the recorded `body`, the sizes add up to its size: a decoded body's boundaries are scaled from the wire's.
   */
  chunks(startMs: number, body?: Body): Chunk[] | undefined
}

/**
 * Creates a collector that keeps at most `maxBytes` of the body.
 * @example
 * const collector = createByteCollector(1024 * 1024)
 * collector.add(chunk, realSources.monotonicMs())
 * collector.body() // { encoding: 'utf8', text: '…', size, sha256 }
 */
export function createByteCollector(maxBytes: number): ByteCollector {
  const kept: Buffer[] = []
  const arrivals: Array<{ atMs: number; size: number }> = []
  const hash = createHash('sha256')
  let keptBytes = 0
  let size = 0
  return {
    add(piece, atMs) {
      if (piece.byteLength === 0) return
      size += piece.byteLength
      hash.update(piece)
      arrivals.push({ atMs, size: piece.byteLength })
      const room = maxBytes - keptBytes
      // Copy what is kept: the caller's buffer may be a view into a socket buffer that gets reused.
      if (room > 0) {
        const copy = Buffer.from(piece.subarray(0, room))
        kept.push(copy)
        keptBytes += copy.byteLength
      }
    },
    get size() {
      return size
    },
    body(contentEncoding) {
      if (size === 0) return undefined
      const bytes = Buffer.concat(kept, keptBytes)
      // The hash object is consumed by digest: copy it so body() stays callable more than once.
      const wireTruncated = keptBytes === size ? undefined : { size, sha256: hash.copy().digest('hex') }
      return recordedBody(bytes, { contentEncoding, maxBytes, ...(wireTruncated && { wireTruncated }) })
    },
    chunks(startMs, body) {
      if (arrivals.length < 2) return undefined
      const timeline = arrivals.map(({ atMs, size: pieceSize }) => ({
        offsetMs: roundMs(Math.max(0, atMs - startMs)),
        size: pieceSize,
      }))
      return body === undefined || body.size === size ? timeline : scaleTimeline(timeline, size, body.size)
    },
  }
}

/**
 * Moves chunk boundaries in proportion from a body of `from` bytes to one of `to` bytes (the decoded
 * form of a compressed stream): the pieces and their times stay, their sizes still add up.
 */
function scaleTimeline(timeline: Chunk[], from: number, to: number): Chunk[] {
  let seen = 0
  let placed = 0
  return timeline.map((chunk, index) => {
    seen += chunk.size
    const end = index === timeline.length - 1 ? to : Math.round((seen / from) * to)
    const scaled = { offsetMs: chunk.offsetMs, size: Math.max(0, end - placed) }
    placed += scaled.size
    return scaled
  })
}

/**
 * Rounds a duration to microseconds, enough for a timeline and short in JSON.
 * @example roundMs(1.23456789) // 1.235
 */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

/**
 * The bytes of a chunk as node streams accept it: string (with its encoding), Buffer or any byte view.
 * @example toBytes('é', 'utf8') // <Buffer c3 a9>
 */
export function toBytes(chunk: unknown, encoding?: unknown): Uint8Array | undefined {
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
  }
  if (chunk instanceof Uint8Array) return chunk
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk)
  return undefined
}
