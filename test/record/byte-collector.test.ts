/**
 * The byte collector records exactly what it recorded before it learned to skip work: for any body,
 * given as any mix of strings (in any encoding, lone surrogates and BOMs included), Buffers and other
 * byte views, under any bound, plain or gzip-encoded, it gives the body and chunk timeline of a plain
 * model (every piece encoded, copied and hashed as it comes, the kept bytes decoded with a fatal
 * WHATWG decoder), and it keeps what was written even when the writer reuses its buffer afterwards.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createByteCollector } from '../../src/record/byte-collector.ts'
import { bodyFromBytes, bodyFromText } from '../../src/recording/body.ts'
import { recordedBody } from '../../src/recording/content-encoding.ts'
import type { Body, Chunk } from '../../src/recording/types.ts'
import { propertySeed } from '../support/property-seed.ts'

const fatal = new TextDecoder('utf-8', { fatal: true })

/** bodyFromBytes as it was: a hash object and a fatal TextDecoder. */
function modelBodyFromBytes(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): Body {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const size = bytes.byteLength
  const kept = size > maxBytes ? bytes.subarray(0, maxBytes) : bytes
  const truncated = kept.byteLength < size ? ({ truncated: true } as const) : {}
  try {
    return { encoding: 'utf8', text: fatal.decode(kept), size, sha256, ...truncated }
  } catch {
    return { encoding: 'base64', data: Buffer.from(kept).toString('base64'), size, sha256, ...truncated }
  }
}

/** The collector as it was: each piece encoded, hashed and copied on arrival. */
function modelCollect(pieces: Array<[unknown, unknown]>, maxBytes: number, contentEncoding?: string) {
  const kept: Buffer[] = []
  const sizes: number[] = []
  const hash = createHash('sha256')
  let size = 0
  let keptBytes = 0
  for (const [chunk, encoding] of pieces) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : (chunk as Uint8Array)
    if (bytes.byteLength === 0) continue
    size += bytes.byteLength
    hash.update(bytes)
    sizes.push(bytes.byteLength)
    const room = maxBytes - keptBytes
    if (room > 0) {
      const copy = Buffer.from(bytes.subarray(0, room))
      kept.push(copy)
      keptBytes += copy.byteLength
    }
  }
  if (size === 0) return { body: undefined, sizes }
  const wire = Buffer.concat(kept, keptBytes)
  const whole = keptBytes === size ? undefined : { size, sha256: hash.digest('hex') }
  // recordedBody with the old bodyFromBytes: only the plain, uncompressed case differs.
  const body =
    contentEncoding === undefined
      ? whole === undefined
        ? modelBodyFromBytes(wire, maxBytes)
        : { ...modelBodyFromBytes(wire, maxBytes), ...whole, truncated: true as const }
      : recordedBody(wire, { contentEncoding, maxBytes, ...(whole && { wireTruncated: whole }) })
  return { body, sizes }
}

/** Strings that are hard to encode: lone surrogates, BOMs, astral characters, Latin-1. */
const awkwardText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('\uFEFF{"a":1}', '\uD800', 'a\uDC00b', '😀', 'é', '\uFEFF', '', '\u00a0x'),
)

const piece: fc.Arbitrary<[unknown, unknown]> = fc.oneof(
  awkwardText.map((text) => [text, undefined] as [unknown, unknown]),
  fc
    .tuple(awkwardText, fc.constantFrom('utf8', 'utf-8', 'latin1', 'hex', 'base64', 'ucs2', 'ascii'))
    .map(([text, encoding]): [unknown, unknown] => [
      encoding === 'hex' ? Buffer.from(text).toString('hex') : text,
      encoding,
    ]),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => [Buffer.from(bytes), undefined] as [unknown, unknown]),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => [bytes, undefined] as [unknown, unknown]),
)

describe('record: byte collector', () => {
  it('createByteCollector: records what the plain model records, for any pieces and bound', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.nat({ max: 200 }), (pieces, maxBytes) => {
        const collector = createByteCollector(maxBytes)
        for (const [index, [chunk, encoding]] of pieces.entries()) collector.addChunk(chunk, encoding, index)
        const model = modelCollect(pieces, maxBytes)
        const body = collector.body()
        expect(body).toEqual(model.body)
        expect(collector.body()).toEqual(body)
        expect(collector.size).toBe(model.sizes.reduce((a, b) => a + b, 0))
        const chunks = collector.chunks(0, body)
        expect(chunks?.map((chunk: Chunk) => chunk.size)).toEqual(
          model.sizes.length < 2 ? undefined : model.sizes,
        )
      }),
      { seed: propertySeed('createByteCollector'), numRuns: 500 },
    )
  })

  it('createByteCollector: a gzip body given as a string or in pieces is recorded decoded, as before', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.nat({ max: 300 }),
        fc.boolean(),
        (text, maxBytes, asText) => {
          const wire = gzipSync(text)
          const pieces: Array<[unknown, unknown]> = asText
            ? [[wire.toString('latin1'), 'latin1']]
            : [
                [wire.subarray(0, 5), undefined],
                [wire.subarray(5), undefined],
              ]
          const collector = createByteCollector(maxBytes)
          for (const [chunk, encoding] of pieces) collector.addChunk(chunk, encoding, 0)
          expect(collector.body('gzip')).toEqual(modelCollect(pieces, maxBytes, 'gzip').body)
        },
      ),
      { seed: propertySeed('createByteCollector gzip'), numRuns: 200 },
    )
  })

  it('createByteCollector: keeps the bytes written even when the writer reuses its buffer', () => {
    const collector = createByteCollector(1024)
    const buffer = Buffer.from('first')
    collector.add(buffer, 0)
    buffer.write('XXXXX')
    collector.addText(' and second', 1)
    expect(collector.body()).toMatchObject({ encoding: 'utf8', text: 'first and second', size: 16 })
  })

  it('createByteCollector: a body that is one string is recorded from the string itself', () => {
    const text = `{"items":[${'"é😀",'.repeat(100)}"x"]}`
    const collector = createByteCollector(1 << 20)
    collector.addText(text, 0)
    expect(collector.body()).toEqual(modelBodyFromBytes(Buffer.from(text)))
    expect(collector.chunks(0)).toBeUndefined()
  })

  it('createByteCollector: an unknown encoding throws as Buffer.from does, and records nothing', () => {
    const collector = createByteCollector(1024)
    expect(() => collector.addChunk('abc', 'no-such-encoding', 0)).toThrow(/encoding/i)
    expect(collector.body()).toBeUndefined()
  })

  it('bodyFromBytes: decodes as a fatal WHATWG decoder does (BOM dropped, invalid UTF-8 as base64)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.string({ unit: 'binary', maxLength: 30 }).map((text) => new Uint8Array(Buffer.from(text))),
          fc
            .array(fc.constantFrom(0xef, 0xbb, 0xbf, 0xed, 0xa0, 0x80, 0xc0, 0xf4, 0x90, 0xe2, 0x82, 0x41), {
              maxLength: 12,
            })
            .map((bytes) => Uint8Array.from(bytes)),
        ),
        fc.option(fc.nat({ max: 70 }), { nil: undefined }),
        (bytes, maxBytes) => {
          expect(bodyFromBytes(bytes, maxBytes)).toEqual(modelBodyFromBytes(bytes, maxBytes))
        },
      ),
      { seed: propertySeed('bodyFromBytes'), numRuns: 1000 },
    )
  })

  it('bodyFromText: records the UTF-8 bytes of any string, as bodyFromBytes does', () => {
    fc.assert(
      fc.property(awkwardText, (text) => {
        expect(bodyFromText(text)).toEqual(modelBodyFromBytes(Buffer.from(text, 'utf8')))
      }),
      { seed: propertySeed('bodyFromText'), numRuns: 500 },
    )
  })
})
