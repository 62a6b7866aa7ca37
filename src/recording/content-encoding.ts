/**
 * Compressed bodies: recordings keep a body decoded (readable, diffable, redactable) and note the
 * Content-Encoding it travelled with, so replay can encode it again for a client that expects it.
 */
import { hash } from 'node:crypto'
import {
  brotliCompressSync,
  brotliDecompressSync,
  deflateSync,
  gzipSync,
  inflateSync,
  unzipSync,
  zstdCompressSync,
  zstdDecompressSync,
} from 'node:zlib'
import { bodyFromBytes, keptBody } from './body.ts'
import type { Body } from './types.ts'

type Codec = {
  decode: (bytes: Uint8Array, maxOutputLength: number) => Buffer
  encode: (bytes: Uint8Array) => Buffer
}

const CODECS: Record<string, Codec> = {
  gzip: { decode: (b, max) => unzipSync(b, { maxOutputLength: max }), encode: (b) => gzipSync(b) },
  'x-gzip': { decode: (b, max) => unzipSync(b, { maxOutputLength: max }), encode: (b) => gzipSync(b) },
  deflate: { decode: (b, max) => inflateSync(b, { maxOutputLength: max }), encode: (b) => deflateSync(b) },
  br: {
    decode: (b, max) => brotliDecompressSync(b, { maxOutputLength: max }),
    encode: (b) => brotliCompressSync(b),
  },
  zstd: {
    decode: (b, max) => zstdDecompressSync(b, { maxOutputLength: max }),
    encode: (b) => zstdCompressSync(b),
  },
}

/**
 * The one content coding a Content-Encoding header value names, when parallax can decode it
 * (`gzip`, `x-gzip`, `deflate`, `br`, `zstd`); undefined for `identity`, none, unknown or stacked codings.
 * @example decodableEncoding('GZIP') // 'gzip'
 * @example decodableEncoding('gzip, br') // undefined
 */
export function decodableEncoding(header: string | undefined): string | undefined {
  const coding = header?.trim().toLowerCase()
  return coding !== undefined && Object.hasOwn(CODECS, coding) ? coding : undefined
}

/**
 * Records the bytes of a body as they crossed the wire. With a decodable `contentEncoding` the body is
 * stored decoded (`size` and `sha256` then describe the decoded bytes) with `contentEncoding` noted; when
 * the wire bytes were cut (`wireTruncated`), fail to decode, or decode to more than `maxBytes`, no byte
 * is kept: a body cut inside a compressed stream could neither be replayed nor safely redacted.
 * @example recordedBody(gzipSync('{"a":1}'), { contentEncoding: 'gzip' }) // { encoding: 'utf8', text: '{"a":1}', contentEncoding: 'gzip', … }
 */
export function recordedBody(
  wire: Uint8Array,
  options: {
    contentEncoding?: string | undefined
    maxBytes?: number
    /** Size and SHA-256 of the whole wire body, when `wire` is only its kept beginning. */
    wireTruncated?: { size: number; sha256: string }
  } = {},
): Body {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  const coding = decodableEncoding(options.contentEncoding)
  if (coding === undefined) {
    const whole = options.wireTruncated
    if (whole === undefined) return bodyFromBytes(wire, maxBytes)
    // `wire` is only the kept beginning: the size and hash are the whole body's, known already.
    return keptBody(
      wire.byteLength > maxBytes ? wire.subarray(0, maxBytes) : wire,
      whole.size,
      whole.sha256,
      true,
    )
  }
  // Keys in sorted order (see keptBody).
  const unreadable = (): Body => ({
    contentEncoding: coding,
    encoding: 'utf8',
    sha256: options.wireTruncated?.sha256 ?? hash('sha256', wire),
    size: options.wireTruncated?.size ?? wire.byteLength,
    text: '',
    truncated: true,
  })
  if (options.wireTruncated) return unreadable()
  try {
    const decoded = CODECS[coding]?.decode(wire, Number.isFinite(maxBytes) ? maxBytes + 1 : 2 ** 31 - 1)
    if (decoded === undefined || decoded.byteLength > maxBytes) return unreadable()
    return { contentEncoding: coding, ...bodyFromBytes(decoded) }
  } catch {
    return unreadable()
  }
}

/**
 * The bytes to put on the wire for recorded (decoded) `bytes` with a Content-Encoding: encoded again
 * (not byte-identical to production's compressor, but decoding to the same bytes).
 * @example wireBytes(Buffer.from('{"a":1}'), 'gzip') // <Buffer 1f 8b …>
 */
export function wireBytes(bytes: Uint8Array, contentEncoding: string | undefined): Buffer {
  const coding = decodableEncoding(contentEncoding)
  const codec = coding === undefined ? undefined : CODECS[coding]
  return codec === undefined ? Buffer.from(bytes) : codec.encode(bytes)
}
