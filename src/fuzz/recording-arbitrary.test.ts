/**
 * The fuzzed recordings are valid recordings: they pass the recording schema, chunk sizes add up to the
 * body, the digest is the body's, and every change from the seed is listed (none listed: nothing changed).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bodyBytes, bodyFromBytes } from '../recording/body.ts'
import { recordingSchema } from '../recording/schema.ts'
import type { Exchange, Recording } from '../recording/types.ts'
import { changedLeaves, FUZZ_RESET, recordingArbitrary } from './recording-arbitrary.ts'
import { shapeArbitrary } from './shape-arbitrary.ts'

const documents = [
  { id: 'a', title: 'Retry', text: 'Retry idempotent requests with backoff.', score: 0.5 },
  { id: 'b', title: 'Streams', text: 'Read the body as a stream.', score: 0.25 },
]

function seedRecording(): Recording {
  const body = Buffer.from(JSON.stringify(documents))
  const streamed: Exchange = {
    request: { method: 'GET', url: 'http://data.invalid/context?q=retry', headers: [] },
    response: {
      status: 200,
      headers: [
        ['content-type', 'application/json'],
        ['content-length', String(body.byteLength)],
      ],
      body: bodyFromBytes(body),
      chunks: [
        { offsetMs: 0, size: 37 },
        { offsetMs: 1, size: 37 },
        { offsetMs: 2, size: body.byteLength - 74 },
      ],
    },
    startedAtMs: 1,
    durationMs: 3,
  }
  return {
    id: 'seed',
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'copilot', environment: 'production' },
    inbound: {
      request: {
        method: 'POST',
        url: 'http://copilot.invalid/suggest',
        headers: [['content-type', 'application/json']],
        body: bodyFromBytes(Buffer.from(JSON.stringify({ text: 'How do I retry', k: 2 }))),
      },
      response: { status: 200, headers: [] },
      startedAtMs: 0,
      durationMs: 5,
    },
    outbound: [streamed],
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
}

describe('recordingArbitrary', () => {
  it('recordingArbitrary: every case is a valid recording whose chunks add up to its body', () => {
    const seed = seedRecording()
    fc.assert(
      fc.property(recordingArbitrary(seed), ({ recording, changes }) => {
        expect(recordingSchema.safeParse(recording).success).toBe(true)
        for (const exchange of recording.outbound) {
          const bytes = bodyBytes(exchange.response.body)
          expect(exchange.response.body?.size).toBe(bytes.byteLength)
          expect(exchange.response.body).toEqual(bodyFromBytes(bytes))
          const chunks = exchange.response.chunks
          if (chunks) {
            expect(chunks.reduce((sum, c) => sum + c.size, 0)).toBe(bytes.byteLength)
            expect(chunks.every((c) => c.size > 0)).toBe(true)
          }
          if (exchange.response.incomplete !== undefined) {
            expect(exchange.response.incomplete).toBe(FUZZ_RESET)
            expect(changes.some((c) => c.includes('reset after'))).toBe(true)
          }
        }
        const same = JSON.stringify(recording) === JSON.stringify(seed)
        expect(changes.length === 0).toBe(same)
      }),
      { numRuns: 300, seed: 7 },
    )
  })

  it('recordingArbitrary: reaches multi-byte text in the streamed body and other cut points', () => {
    const cases = fc.sample(recordingArbitrary(seedRecording()), { numRuns: 200, seed: 3 })
    const multiByte = cases.filter((c) =>
      /[^\x00-\x7f]/.test(bodyBytes(c.recording.outbound[0]!.response.body).toString()),
    )
    const recut = cases.filter((c) => c.changes.some((change) => change.includes(' cut at byte')))
    expect(multiByte.length).toBeGreaterThan(20)
    expect(recut.length).toBeGreaterThan(20)
  })
})

describe('shapeArbitrary', () => {
  it('shapeArbitrary: keeps the types of the recorded value (a field may go missing, an array empty)', () => {
    fc.assert(
      fc.property(shapeArbitrary({ text: 'hi', k: 3, tags: ['a', 'b'], on: true, none: null }), (value) => {
        const v = value as Record<string, unknown>
        if ('text' in v) expect(typeof v['text']).toBe('string')
        if ('k' in v) expect(typeof v['k']).toBe('number')
        if ('tags' in v) expect(Array.isArray(v['tags'])).toBe(true)
        if ('on' in v) expect(typeof v['on']).toBe('boolean')
        if ('none' in v) expect(v['none']).toBeNull()
        expect(Object.keys(v).length).toBeGreaterThanOrEqual(4)
      }),
      { numRuns: 300, seed: 11 },
    )
  })

  it('changedLeaves: names the paths that changed', () => {
    expect(changedLeaves({ a: 'x', b: [1, 2] }, { a: 'é', b: [1, 3] }, '$')).toEqual([
      '$.a: "x" → "é"',
      '$.b[1]: 2 → 3',
    ])
    expect(changedLeaves({ a: 1, b: 2 }, { a: 1 }, '$')).toEqual(['$.b: missing'])
    expect(changedLeaves([1, 2], [], '$')).toEqual(['$: 2 items → 0'])
  })
})
