import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createStreamDecoder, decodeChunks, loadDecoder } from '../../../examples/copilot/decoder.ts'
import { propertySeed } from '../../support/property-seed.ts'

const encode = (text: string) => new TextEncoder().encode(text)
/** The reference: WHATWG UTF-8 decoding of a whole input (a leading BOM kept, as the module keeps it). */
const reference = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
const seed = propertySeed('decoder')

/** Cuts `bytes` at the given offsets into write() calls. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.byteLength + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let start = 0
  for (const point of [...points, bytes.byteLength]) {
    chunks.push(bytes.subarray(start, point))
    start = point
  }
  return chunks
}

describe('decoder', () => {
  it('decoder: with a 65536-byte buffer equals TextDecoder on random UTF-8 cut into random chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.array(fc.nat()),
        async (text, offsets) => {
          const bytes = encode(text)
          const decoded = await decodeChunks(cut(bytes, offsets), 65536)
          expect(decoded).toBe(reference(bytes))
          expect(decoded).toBe(text)
        },
      ),
      { seed, numRuns: 200 },
    )
  })

  it('decoder: with a buffer larger than the input equals TextDecoder on arbitrary (mostly invalid) bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expect(await decodeChunks([bytes], 1024)).toBe(reference(bytes))
      }),
      { seed, numRuns: 300 },
    )
  })

  it('decoder: with any buffer size decodes each flush as a complete input, whatever the write() chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
        fc.integer({ min: 4, max: 80 }),
        fc.array(fc.nat()),
        async (text, bufferSize, offsets) => {
          const bytes = encode(text)
          let flushes = ''
          for (let start = 0; start < bytes.byteLength; start += bufferSize) {
            flushes += reference(bytes.subarray(start, start + bufferSize))
          }
          expect(await decodeChunks(cut(bytes, offsets), bufferSize)).toBe(flushes)
        },
      ),
      { seed, numRuns: 200 },
    )
  })

  it('decoder: with bufferSize 64 leaves ASCII input intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)) }),
        async (text) => {
          expect(await decodeChunks([encode(text)], 64)).toBe(text)
        },
      ),
      { seed, numRuns: 100 },
    )
  })

  it('decoder: corrupts a 2-byte character split at byte 64 into two U+FFFD', async () => {
    const text = `${'a'.repeat(63)}é and more`
    expect(encode(text)[63]).toBe(0xc3)
    expect(await decodeChunks([encode(text)], 64)).toBe(`${'a'.repeat(63)}\uFFFD\uFFFD and more`)
    expect(await decodeChunks([encode(text)], 65536)).toBe(text)
  })

  it('decoder: corrupts a 3-byte character split at byte 64 after its first or its second byte', async () => {
    const afterFirst = `${'a'.repeat(63)}€!`
    const afterSecond = `${'a'.repeat(62)}€!`
    expect(await decodeChunks([encode(afterFirst)], 64)).toBe(`${'a'.repeat(63)}\uFFFD\uFFFD\uFFFD!`)
    expect(await decodeChunks([encode(afterSecond)], 64)).toBe(`${'a'.repeat(62)}\uFFFD\uFFFD!`)
  })

  it('decoder: corrupts a 4-byte character split at byte 64 and keeps the characters around it', async () => {
    const text = `${'a'.repeat(62)}😀z`
    expect(await decodeChunks([encode(text)], 64)).toBe(`${'a'.repeat(62)}\uFFFD\uFFFD\uFFFDz`)
    expect(await decodeChunks([encode(`${'a'.repeat(60)}😀z`)], 64)).toBe(`${'a'.repeat(60)}😀z`)
  })

  it('decoder: decodes a multi-byte character that does not cross a flush boundary correctly at bufferSize 64', async () => {
    const text = 'naïve café — 日本語 😀 '.repeat(2)
    expect(encode(text).byteLength).toBeLessThanOrEqual(64)
    expect(await decodeChunks([encode(text)], 64)).toBe(text)
  })

  it('decoder: replaces invalid bytes with U+FFFD as the WHATWG decoder does', async () => {
    const cases: Array<[number[], string]> = [
      [[0xff], '\uFFFD'],
      [[0x80, 0x41], '\uFFFDA'],
      [[0xc0, 0xaf], '\uFFFD\uFFFD'], // overlong '/'
      [[0xe0, 0x80, 0xaf], '\uFFFD\uFFFD\uFFFD'], // overlong 3-byte
      [[0xed, 0xa0, 0x80], '\uFFFD\uFFFD\uFFFD'], // encoded surrogate U+D800
      [[0xf4, 0x90, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD\uFFFD'], // above U+10FFFF
      [[0xe2, 0x82, 0x41], '\uFFFDA'], // truncated, then ASCII kept
      [[0xf0, 0x9f, 0x98], '\uFFFD'], // truncated at the end of the stream
      [[0xf0, 0x9f, 0x98, 0x80], '😀'],
      [[0xef, 0xbb, 0xbf, 0x41], '\uFEFFA'], // a BOM is data, not stripped
    ]
    for (const [bytes, expected] of cases) {
      const input = Uint8Array.from(bytes)
      expect(await decodeChunks([input], 64), bytes.join(' ')).toBe(expected)
      expect(reference(input)).toBe(expected)
    }
  })

  it('decoder: emits astral code points as surrogate pairs', async () => {
    const text = '𝄞 𐍈 🧪 \u{10FFFF}'
    const decoded = await decodeChunks([encode(text)], 65536)
    expect(decoded).toBe(text)
    expect([...decoded].map((char) => char.length)).toEqual([2, 1, 2, 1, 2, 1, 2])
  })

  it('decoder: rejects a buffer size that is not an integer from 4 to 1 MiB', async () => {
    for (const bufferSize of [0, 3, 64.5, Number.NaN, 1024 * 1024 + 1]) {
      await expect(createStreamDecoder({ bufferSize }), String(bufferSize)).rejects.toThrow(RangeError)
    }
    await expect(createStreamDecoder({ bufferSize: 3 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[RangeError: Failed to create the UTF-8 decoder: bufferSize must be an integer from 4 to 1048576 (1 MiB), got 3.]`,
    )
    await expect(decodeChunks([encode('ok')], 1024 * 1024)).resolves.toBe('ok')
  })

  it('decoder: refuses write() after end()', async () => {
    const decoder = await createStreamDecoder({ bufferSize: 4 })
    expect(decoder.write(encode('abcdef'))).toBe('abcd')
    expect(decoder.end()).toBe('ef')
    expect(() => decoder.write(encode('x'))).toThrowErrorMatchingInlineSnapshot(
      `[Error: Failed to decode UTF-8: write() after end().]`,
    )
  })

  it('decoder: compiles the WAT once per process and reuses the module', async () => {
    const first = await loadDecoder()
    const second = await loadDecoder()
    expect(second).toBe(first)
    expect(first.wasmBytes).toBeGreaterThan(0)
    console.info(
      `[parallax] decoder.wat compiled in ${first.compileMs.toFixed(1)} ms (${first.wasmBytes} bytes)`,
    )
  })
})
