import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { propertySeed } from '../../test/support/property-seed.ts'
import { bodyBytes, bodyFromBytes, bodyText } from '../recording/body.ts'
import { describeFirstIssue, recordingSchema } from '../recording/schema.ts'
import type { Exchange, HeaderList, Recording } from '../recording/types.ts'
import { parseJsonText, withoutEntries, withoutPieces } from './json-text.ts'
import { recordingSize, refitChunks, shrinkRecording } from './shrink-recording.ts'

const seed = propertySeed('shrinkRecording')

/** An outbound GET answered with `text`, streamed in pieces of `sizes` bytes when given. */
function exchange(path: string, text: string, sizes?: number[], headers: HeaderList = []): Exchange {
  const body = bodyFromBytes(Buffer.from(text))
  return {
    request: { method: 'GET', url: `http://upstream.invalid${path}`, headers: [['accept', '*/*']] },
    response: {
      status: 200,
      headers: [['content-type', 'application/json'], ['content-length', String(body.size)], ...headers],
      body,
      ...(sizes && { chunks: sizes.map((size, i) => ({ offsetMs: i, size })) }),
    },
    startedAtMs: 1,
    durationMs: 2,
  }
}

function recording(outbound: Exchange[], inbound = '{"q":"hello","k":3}'): Recording {
  const body = bodyFromBytes(Buffer.from(inbound))
  return {
    id: 'r1',
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'test', environment: 'production' },
    inbound: {
      request: {
        method: 'POST',
        url: 'http://service.invalid/suggest',
        headers: [
          ['content-type', 'application/json'],
          ['content-length', String(body.size)],
          ['x-request-id', 'r1'],
          ['accept', '*/*'],
        ],
        body,
      },
      response: { status: 200, headers: [] },
      startedAtMs: 0,
      durationMs: 5,
    },
    outbound,
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
}

/** The fake divergence: some outbound response body holds an é. */
const holdsE = async (candidate: Recording) =>
  candidate.outbound.some((e) => bodyText(e.response.body).includes('é'))

/** Every body's chunk sizes add up to its size, and the recording passes the schema. */
function expectWellFormed(shrunk: Recording) {
  expect(describeFirstIssue(recordingSchema, shrunk)).toBeUndefined()
  for (const { response } of shrunk.outbound) {
    if (response.chunks) {
      expect(response.chunks.reduce((sum, c) => sum + c.size, 0)).toBe(response.body?.size ?? 0)
    }
    expect(bodyBytes(response.body).byteLength).toBe(response.body?.size ?? 0)
  }
}

const documents = JSON.stringify([
  { id: 'a', title: 'Plain', text: 'Nothing special in here at all.', score: 0.9 },
  { id: 'b', title: 'Accents', text: 'Créez un contrôleur et passez son signal.', score: 0.5 },
  { id: 'c', title: 'More', text: 'Still nothing.', score: 0.1 },
])

describe('shrinkRecording', () => {
  it('shrinkRecording: drops the unneeded exchanges, elements, members, characters, chunks and headers', async () => {
    const input = recording([
      exchange('/one', '{"plain":true}'),
      exchange('/docs', documents, [10, 20, 30, Buffer.byteLength(documents) - 60]),
      exchange('/two', '["x","y"]', [4, 5]),
    ])
    const { recording: shrunk, before, after, tests } = await shrinkRecording(input, holdsE)
    expect(await holdsE(shrunk)).toBe(true)
    expect(shrunk.outbound).toHaveLength(1)
    expect(shrunk.outbound[0]!.request.url).toBe('http://upstream.invalid/docs')
    expect(bodyText(shrunk.outbound[0]!.response.body)).toBe('[{"text":"é"}]')
    expect(shrunk.outbound[0]!.response.chunks).toBeUndefined()
    expect(shrunk.outbound[0]!.response.headers).toEqual([])
    expect(shrunk.inbound.request.headers).toEqual([])
    expect(bodyText(shrunk.inbound.request.body)).toBe('{}')
    expect(before).toEqual({ outbound: 3, bodyBytes: 19 + 14 + Buffer.byteLength(documents) + 9, chunks: 7 })
    expect(after).toEqual({ outbound: 1, bodyBytes: 2 + 15, chunks: 1 })
    expect(tests).toBeGreaterThan(0)
    expectWellFormed(shrunk)
  })

  it('shrinkRecording: re-chunks to as few chunks as the divergence needs, sizes adding up after every cut', async () => {
    // Diverges when the é arrives in a chunk of its own: its bytes and the rest must stay apart.
    const streamed = async (candidate: Recording) =>
      candidate.outbound.some(({ response }) => {
        const bytes = bodyBytes(response.body)
        let offset = 0
        return (response.chunks ?? []).some((chunk) => {
          const piece = bytes.subarray(offset, offset + chunk.size).toString('utf8')
          offset += chunk.size
          return piece === 'é'
        })
      })
    const text = '["abcdef","ghé","ijk"]'
    const at = Buffer.from(text).indexOf('é')
    const sizes = [3, 4, at - 7, 2, 3, Buffer.byteLength(text) - at - 5]
    const input = recording([exchange('/s', text, sizes)])
    expect(await streamed(input)).toBe(true)
    const { recording: shrunk } = await shrinkRecording(input, streamed)
    expect(await streamed(shrunk)).toBe(true)
    const { response } = shrunk.outbound[0]!
    expect(bodyText(response.body)).toBe('["é"]')
    expect(response.chunks?.map((c) => c.size)).toEqual([2, 2, 2])
    expectWellFormed(shrunk)
  })

  it('shrinkRecording: keeps whole code points and escape sequences, and the Content-Encoding', async () => {
    const text = '{"note":"bug 🐛 and \\ud83d\\udc1b here","other":"x"}'
    const input = recording([
      {
        ...exchange('/e', text),
        response: {
          status: 200,
          headers: [],
          body: { ...bodyFromBytes(Buffer.from(text)), contentEncoding: 'gzip' },
        },
      },
    ])
    const bugs = async (candidate: Recording) => {
      const body = bodyText(candidate.outbound[0]?.response.body)
      return body.includes('🐛') && body.includes('\\ud83d\\udc1b')
    }
    const { recording: shrunk } = await shrinkRecording(input, bugs)
    expect(bodyText(shrunk.outbound[0]!.response.body)).toBe('{"note":"🐛\\ud83d\\udc1b"}')
    expect(shrunk.outbound[0]!.response.body?.contentEncoding).toBe('gzip')
    expectWellFormed(shrunk)
  })

  it('shrinkRecording: stops after maxTests candidates with the smallest recording that still diverged', async () => {
    let calls = 0
    const counted = async (candidate: Recording) => {
      calls++
      return holdsE(candidate)
    }
    const input = recording([exchange('/docs', documents), exchange('/one', '{"plain":true}')])
    const { recording: shrunk, tests, after, before } = await shrinkRecording(input, counted, { maxTests: 5 })
    expect(calls).toBe(5)
    expect(tests).toBe(5)
    expect(await holdsE(shrunk)).toBe(true)
    expect(after.bodyBytes).toBeLessThan(before.bodyBytes)
  })

  it('shrinkRecording: leaves bodies that are not JSON, and truncated ones, as they are', async () => {
    const truncated = {
      ...exchange('/t', '["é",1]'),
      response: { status: 200, headers: [], body: bodyFromBytes(Buffer.from('["é",1]'), 4) },
    }
    const input = recording([exchange('/p', 'plain é text'), truncated])
    const { recording: shrunk } = await shrinkRecording(input, async (r) =>
      r.outbound.some((e) => e.response.body?.truncated),
    )
    expect(shrunk.outbound.map((e) => e.response)).toEqual([truncated.response])
  })

  it('shrinkRecording: the result still diverges and is never bigger than the input (property)', async () => {
    const jsonText = fc
      .tuple(fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }), fc.constantFrom(undefined, 2, '\t'))
      .map(([value, indent]) => JSON.stringify(value, null, indent) ?? 'null')
    const withE = fc
      .tuple(fc.string({ unit: 'binary' }), fc.string(), fc.jsonValue({ maxDepth: 2 }))
      .map(([before, after, rest]) => JSON.stringify({ rest, note: `${before}é${after}` }))
    const body = fc.tuple(fc.oneof(jsonText, withE, fc.string()), fc.array(fc.nat(), { maxLength: 6 }))
    await fc.assert(
      fc.asyncProperty(fc.array(body, { maxLength: 4 }), withE, fc.nat(), async (bodies, needed, at) => {
        const texts = bodies.map(([text, cuts]) => ({ text, cuts }))
        texts.splice(at % (texts.length + 1), 0, { text: needed, cuts: [3, 1] })
        const outbound = texts.map(({ text, cuts }, index) => {
          const size = Buffer.byteLength(text)
          const bounds = [...new Set(cuts.map((cut) => cut % (size + 1)))].sort((a, b) => a - b)
          const sizes = [...bounds, size].map((end, i, all) => end - (i === 0 ? 0 : all[i - 1]!))
          return exchange(`/${index}`, text, sizes.length > 1 ? sizes : undefined)
        })
        const input = recording(outbound)
        const {
          recording: shrunk,
          before,
          after,
          tests,
        } = await shrinkRecording(input, holdsE, {
          maxTests: 200,
        })
        expect(await holdsE(shrunk)).toBe(true)
        expect(tests).toBeLessThanOrEqual(200)
        expect(after.outbound).toBeLessThanOrEqual(before.outbound)
        expect(after.bodyBytes).toBeLessThanOrEqual(before.bodyBytes)
        expect(after.chunks).toBeLessThanOrEqual(before.chunks)
        expect(after).toEqual(recordingSize(shrunk))
        expectWellFormed(shrunk)
        // Cuts never split a character: text bodies stay UTF-8 text.
        for (const e of shrunk.outbound) expect(e.response.body?.encoding).toBe('utf8')
      }),
      { seed, numRuns: 60 },
    )
  })

  it('shrinkRecording: is deterministic', async () => {
    const input = recording([exchange('/docs', documents, [100, Buffer.byteLength(documents) - 100])])
    const first = await shrinkRecording(input, holdsE)
    const second = await shrinkRecording(structuredClone(input), holdsE)
    expect(second).toEqual(first)
  })
})

describe('json-text', () => {
  it('withoutEntries: removes elements and members with their separators, keeping the layout', () => {
    const text = '[\n  {"a": 1, "b": [2, 3]},\n  "x",\n  4\n]\n'
    const root = parseJsonText(text)!
    expect(withoutEntries(text, root, 0, 1)).toBe('[\n  "x",\n  4\n]\n')
    expect(withoutEntries(text, root, 1, 2)).toBe('[\n  {"a": 1, "b": [2, 3]}\n]\n')
    expect(withoutEntries(text, root, 0, 3)).toBe('[\n  \n]\n')
    const object = root.kind === 'array' ? root.entries[0]!.value : root
    expect(withoutEntries(text, object, 1, 1)).toBe('[\n  {"a": 1},\n  "x",\n  4\n]\n')
  })

  it('withoutPieces: removes characters of a string, an escape sequence or a surrogate pair at a time', () => {
    const text = '"a\\n🐛\\u00e9b"'
    const root = parseJsonText(text)!
    expect(withoutPieces(text, root, 1, 1)).toBe('"a🐛\\u00e9b"')
    expect(withoutPieces(text, root, 2, 2)).toBe('"a\\nb"')
  })

  it('parseJsonText: undefined for text that is not JSON', () => {
    expect(parseJsonText('{"a":')).toBeUndefined()
    expect(parseJsonText('plain')).toBeUndefined()
  })

  it('refitChunks: boundaries before a cut stay, those after move with it, those inside collapse', () => {
    const chunks = [1, 2, 3, 4].map((size, offsetMs) => ({ offsetMs, size }))
    // 'abcdefghij' cut to 'abghij' (cdef removed): the boundaries at 1, 3, 6 move to 1, 2 (the cut), 2 (merged).
    expect(refitChunks(chunks, Buffer.from('abcdefghij'), Buffer.from('abghij'))).toEqual([
      { offsetMs: 0, size: 1 },
      { offsetMs: 1, size: 1 },
      { offsetMs: 3, size: 4 },
    ])
  })
})
