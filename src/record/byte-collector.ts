/**
 * Collects a body as it streams past without holding more than a bound: the first `maxBytes` are
 * kept, the size and SHA-256 cover every byte, and each piece's arrival time feeds the chunk timeline.
 *
 * It runs for every body of every recorded exchange, so it pays only for what a body needs: no hash
 * runs while the kept bytes are the whole body (they are hashed once, at the end), a body that is one
 * string (`res.end(json)`) is kept as that string and never encoded unless it must be, and bytes are
 * copied once, into one buffer that grows up to the bound (the app may reuse its buffers once written).
 */
import { createHash, type Hash } from 'node:crypto'
import { bodyFromText } from '../recording/body.ts'
import { decodableEncoding, recordedBody } from '../recording/content-encoding.ts'
import type { Body, Chunk } from '../recording/types.ts'

/** A bounded observer of one body's bytes. */
export interface ByteCollector {
  /** Observes one piece of the body that arrived (or was written) at monotonic time `atMs`; what is kept is copied. */
  add(piece: Uint8Array, atMs: number): void
  /** Observes a piece given as a string: its UTF-8 bytes, which are only produced if they must be. */
  addText(text: string, atMs: number): void
  /**
   * Observes a chunk as node streams accept it (a string with its encoding, a Buffer or any byte view);
   * anything else is ignored. Throws, as `Buffer.from` does, for an unknown encoding.
   */
  addChunk(chunk: unknown, encoding: unknown, atMs: number): void
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
  return new BoundedCollector(maxBytes)
}

/** A class rather than closures: two are made per exchange, on the request path. */
class BoundedCollector implements ByteCollector {
  readonly #maxBytes: number
  #size = 0
  /** The whole body while it is one UTF-8 string that fits the bound, kept as given (strings are immutable). */
  #text: string | undefined
  /** Otherwise the kept bytes: the first `#keptBytes` of `#kept`, a buffer grown up to the bound. */
  #kept: Buffer | undefined
  #keptBytes = 0
  /** Started only once the body outgrows the bound: from then on the kept bytes are not the whole. */
  #hash: Hash | undefined
  /** Arrival time and size of each piece; the first one in fields, as most bodies come in one. */
  #firstAt = 0
  #times: number[] | undefined
  #sizes: number[] | undefined

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  get size(): number {
    return this.#size
  }

  addChunk(chunk: unknown, encoding: unknown, atMs: number): void {
    if (typeof chunk === 'string') {
      if (
        encoding === undefined ||
        encoding === 'utf8' ||
        encoding === 'utf-8' ||
        typeof encoding !== 'string'
      )
        this.addText(chunk, atMs)
      else this.add(Buffer.from(chunk, encoding as BufferEncoding), atMs)
    } else if (chunk instanceof Uint8Array) this.add(chunk, atMs)
    else if (ArrayBuffer.isView(chunk))
      this.add(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), atMs)
    else if (chunk instanceof ArrayBuffer) this.add(new Uint8Array(chunk), atMs)
  }

  addText(text: string, atMs: number): void {
    if (text.length === 0) return
    const length = Buffer.byteLength(text, 'utf8')
    this.#arrived(atMs, length)
    if (this.#size === 0 && length <= this.#maxBytes) {
      this.#text = text
      this.#size = length
      return
    }
    this.#spellOut()
    this.#hashPiece(text, length)
    this.#size += length
    const room = this.#maxBytes - this.#keptBytes
    if (room <= 0) return
    if (length <= room) {
      this.#reserve(length)
      this.#keptBytes += this.#kept!.write(text, this.#keptBytes, length, 'utf8')
    } else this.#keep(Buffer.from(text, 'utf8').subarray(0, room))
  }

  add(piece: Uint8Array, atMs: number): void {
    const length = piece.byteLength
    if (length === 0) return
    this.#arrived(atMs, length)
    this.#spellOut()
    this.#hashPiece(piece, length)
    this.#size += length
    const room = this.#maxBytes - this.#keptBytes
    if (room > 0) this.#keep(length <= room ? piece : piece.subarray(0, room))
  }

  body(contentEncoding?: string): Body | undefined {
    if (this.#size === 0) return undefined
    const text = this.#text
    if (text !== undefined) {
      return decodableEncoding(contentEncoding) === undefined
        ? bodyFromText(text, this.#size)
        : recordedBody(Buffer.from(text, 'utf8'), { contentEncoding, maxBytes: this.#maxBytes })
    }
    const bytes = this.#kept === undefined ? Buffer.alloc(0) : this.#kept.subarray(0, this.#keptBytes)
    return keptBody(bytes, this.#size, this.#hash, contentEncoding, this.#maxBytes)
  }

  chunks(startMs: number, body?: Body): Chunk[] | undefined {
    const times = this.#times
    const sizes = this.#sizes
    if (times === undefined || sizes === undefined) return undefined
    return chunkTimeline(times, sizes, startMs, this.#size, body)
  }

  #arrived(atMs: number, length: number): void {
    if (this.#size === 0) {
      this.#firstAt = atMs
      return
    }
    if (this.#times === undefined) {
      this.#times = [this.#firstAt]
      this.#sizes = [this.#size]
    }
    this.#times.push(atMs)
    this.#sizes!.push(length)
  }

  /** A second piece follows a kept string: from now on the body is kept as bytes. */
  #spellOut(): void {
    const text = this.#text
    if (text === undefined) return
    this.#text = undefined
    this.#reserve(this.#size)
    this.#keptBytes = this.#kept!.write(text, 0, this.#size, 'utf8')
  }

  /** Feeds the running hash, starting it (over what is kept) once the body outgrows the bound. */
  #hashPiece(piece: Uint8Array | string, length: number): void {
    if (this.#hash !== undefined) this.#hash.update(piece)
    else if (this.#size + length > this.#maxBytes) {
      this.#hash = createHash('sha256')
      if (this.#kept !== undefined) this.#hash.update(this.#kept.subarray(0, this.#keptBytes))
      this.#hash.update(piece)
    }
  }

  #keep(part: Uint8Array): void {
    this.#reserve(part.byteLength)
    this.#kept!.set(part, this.#keptBytes)
    this.#keptBytes += part.byteLength
  }

  /** Makes room for `more` kept bytes: doubling, never past the bound. */
  #reserve(more: number): void {
    const needed = this.#keptBytes + more
    const kept = this.#kept
    if (kept !== undefined && kept.byteLength >= needed) return
    const capacity =
      kept === undefined ? needed : Math.min(this.#maxBytes, Math.max(needed, kept.byteLength * 2))
    const grown = Buffer.allocUnsafe(capacity)
    if (kept !== undefined) kept.copy(grown, 0, 0, this.#keptBytes)
    this.#kept = grown
  }
}

/**
 * The Body of the bytes a capture kept: the whole body, or, when `hash` is set (the body went past the
 * cap), its first bytes with the whole size and digest. The byte collector's and the proxy tee's.
 * @example keptBody(kept, size, hash, 'gzip', maxBytes)
 */
export function keptBody(
  bytes: Uint8Array,
  size: number,
  hash: Hash | undefined,
  contentEncoding: string | undefined,
  maxBytes: number,
): Body {
  // The hash object is consumed by digest: copy it so body() stays callable more than once.
  const wireTruncated = hash === undefined ? undefined : { size, sha256: hash.copy().digest('hex') }
  return recordedBody(bytes, { contentEncoding, maxBytes, ...(wireTruncated && { wireTruncated }) })
}

/**
 * The chunk timeline of pieces that arrived at `times` (monotonic ms) with `sizes` (wire bytes, adding up
 * to `wireSize`), relative to `startMs`. Given the recorded `body`, the sizes add up to its size: a decoded
 * body's boundaries are scaled from the wire's.
 * @example chunkTimeline([10, 15], [3, 2], 10, 5) // [{ offsetMs: 0, size: 3 }, { offsetMs: 5, size: 2 }]
 */
export function chunkTimeline(
  times: readonly number[],
  sizes: readonly number[],
  startMs: number,
  wireSize: number,
  body?: Body,
): Chunk[] {
  const to = body === undefined ? wireSize : body.size
  let seen = 0
  let placed = 0
  return times.map((atMs, index) => {
    seen += sizes[index]!
    const end = to === wireSize ? seen : index === times.length - 1 ? to : Math.round((seen / wireSize) * to)
    const chunk = { offsetMs: roundMs(Math.max(0, atMs - startMs)), size: Math.max(0, end - placed) }
    placed += chunk.size
    return chunk
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
