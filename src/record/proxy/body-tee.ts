/**
 * The proxy's bounded tee on one body: the first `maxBytes` kept, size and SHA-256 over every byte, and
 * each piece's arrival for the chunk timeline — the byte collector's contract at a proxy's prices.
 *
 * The proxy sees every byte of every exchange, so it skips what the in-process collector pays for
 * safety: no running hash while the body still fits (the kept bytes are the whole body and are hashed
 * once, at the end), and pieces are kept as they came from the socket, views into buffers Node
 * allocates afresh for each read — unless the buffers they pin would outgrow twice the bound.
 */
import { createHash, type Hash } from 'node:crypto'
import type { Body, Chunk } from '../../recording/types.ts'
import { chunkTimeline, keptBody } from '../byte-collector.ts'

/**
 * A bounded observer of one body's bytes.
 * @example const tee = createBodyTee(1 << 20); tee.add(chunk, realSources.monotonicMs()); tee.body()
 */
export interface BodyTee {
  /** Observes one piece of the body that passed at monotonic time `atMs`. The piece must not be reused. */
  add(piece: Uint8Array, atMs: number): void
  /** Total bytes seen so far. */
  readonly size: number
  /** The recorded body, or undefined when no byte passed; with a `contentEncoding`, stored decoded. */
  body(contentEncoding?: string): Body | undefined
  /**
   * The chunk timeline relative to `startMs`, or undefined for a body in one piece or none; given the
   * recorded `body`, sizes add up to its size (a decoded body's boundaries scaled from the wire's).
   */
  chunks(startMs: number, body?: Body): Chunk[] | undefined
}

/** One socket read at most: the slack allowed above twice `maxBytes` before kept pieces are copied. */
const READ_SLACK = 64 * 1024

/**
 * Creates a tee that keeps at most `maxBytes` of the body.
 * @example
 * const tee = createBodyTee(1024)
 * tee.add(Buffer.from('hello'), 0)
 * tee.body() // { encoding: 'utf8', text: 'hello', size: 5, sha256: '2cf2…' }
 */
export function createBodyTee(maxBytes: number): BodyTee {
  return new BoundedTee(maxBytes)
}

/** A class rather than closures: the proxy makes two per exchange, on its hot path. */
class BoundedTee implements BodyTee {
  readonly #maxBytes: number
  readonly #kept: Uint8Array[] = []
  readonly #times: number[] = []
  readonly #sizes: number[] = []
  #keptBytes = 0
  #size = 0
  /** Bytes of the buffers the kept views pin (consecutive pieces of one read share a buffer). */
  #pinned = 0
  #lastBuffer: ArrayBufferLike | undefined
  /** Started only once the body outgrows `maxBytes`: from then on the kept bytes are not the whole. */
  #hash: Hash | undefined

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  get size(): number {
    return this.#size
  }

  add(piece: Uint8Array, atMs: number): void {
    const length = piece.byteLength
    if (length === 0) return
    this.#times.push(atMs)
    this.#sizes.push(length)
    if (this.#hash !== undefined) this.#hash.update(piece)
    else if (this.#size + length > this.#maxBytes) {
      this.#hash = createHash('sha256')
      for (const earlier of this.#kept) this.#hash.update(earlier)
      this.#hash.update(piece)
    }
    this.#size += length
    const room = this.#maxBytes - this.#keptBytes
    if (room <= 0) return
    const part = length <= room ? piece : piece.subarray(0, room)
    if (part.buffer !== this.#lastBuffer) {
      this.#lastBuffer = part.buffer
      this.#pinned += part.buffer.byteLength
    }
    if (this.#pinned > 2 * this.#maxBytes + READ_SLACK) {
      // Small pieces of large reads: keep copies rather than the reads.
      this.#pinned += part.byteLength - part.buffer.byteLength
      this.#lastBuffer = undefined
      this.#kept.push(Buffer.copyBytesFrom(part))
    } else this.#kept.push(part)
    this.#keptBytes += part.byteLength
  }

  body(contentEncoding?: string): Body | undefined {
    if (this.#size === 0) return undefined
    const bytes = this.#kept.length === 1 ? this.#kept[0]! : Buffer.concat(this.#kept, this.#keptBytes)
    return keptBody(bytes, this.#size, this.#hash, contentEncoding, this.#maxBytes)
  }

  chunks(startMs: number, body?: Body): Chunk[] | undefined {
    const times = this.#times
    if (times.length < 2) return undefined
    return chunkTimeline(times, this.#sizes, startMs, this.#size, body)
  }
}
