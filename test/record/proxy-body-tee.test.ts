/**
 * The proxy's body tee keeps the byte collector's contract: for any body, split any way, under any
 * bound, plain or gzip-encoded, it records the same body and the same chunk timeline.
 */
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createByteCollector } from '../../src/record/byte-collector.ts'
import { createBodyTee } from '../../src/record/proxy/body-tee.ts'
import { propertySeed } from '../support/property-seed.ts'

/** Splits `bytes` at the given cut points, each piece a view into one shared read buffer, as sockets give them. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const read = Buffer.from(bytes)
  const points = [...new Set(cuts.map((cut) => cut % (bytes.byteLength + 1)))].sort((a, b) => a - b)
  const pieces: Buffer[] = []
  let from = 0
  for (const point of [...points, bytes.byteLength]) {
    pieces.push(read.subarray(from, point))
    from = point
  }
  return pieces
}

describe('record: proxy body tee', () => {
  it('createBodyTee: records what createByteCollector records, for any split and bound', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        ),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat({ max: 320 }),
        fc.boolean(),
        (plain, cuts, maxBytes, gzip) => {
          const wire = gzip ? gzipSync(plain) : plain
          const encoding = gzip ? 'gzip' : undefined
          const tee = createBodyTee(maxBytes)
          const collector = createByteCollector(maxBytes)
          split(wire, cuts).forEach((piece, index) => {
            tee.add(piece, index)
            collector.add(piece, index)
          })
          const body = tee.body(encoding)
          expect(tee.size).toBe(collector.size)
          expect(body).toEqual(collector.body(encoding))
          expect(tee.body(encoding)).toEqual(body)
          expect(tee.chunks(0, body)).toEqual(collector.chunks(0, body))
        },
      ),
      { seed: propertySeed('createBodyTee'), numRuns: 300 },
    )
  })

  it('createBodyTee: small pieces of large reads are copied once they would pin more than twice the bound', () => {
    const tee = createBodyTee(4)
    const reads = Array.from({ length: 3 }, (_, i) => Buffer.alloc(64 * 1024, 97 + i))
    for (const read of reads) tee.add(read.subarray(0, 1), 0)
    reads[0]!.fill(122)
    reads[2]!.fill(122)
    // The first piece stays a view (its read is within the slack); the later ones are copies.
    expect(tee.body()).toMatchObject({ encoding: 'utf8', text: 'zbc', size: 3 })
  })
})
