import { describe, expect, it } from 'vitest'
import { encodeCanonical } from '../recording/canonical.ts'
import { describeChange, textDetail } from './change-detail.ts'
import { computeDelta } from './compute-delta.ts'
import { diffJson } from './diff-values.ts'
import { flattenDelta } from './flatten-delta.ts'
import { computeTextDelta } from './text-delta.ts'

describe('change details', () => {
  it('numbers: the delta, and the relative change when the old value is not zero', () => {
    expect(describeChange({ op: 'replace', path: '$.n', before: 2, after: 2.5 })).toEqual({
      kind: 'number',
      delta: 0.5,
      relative: 0.25,
    })
    expect(describeChange({ op: 'replace', path: '$.n', before: 0, after: 3 })).toEqual({
      kind: 'number',
      delta: 3,
    })
  })

  it('texts: the characters that differ, with equal runs cut to their ends', () => {
    const detail = textDetail('Le corps d’une réponse fetch', 'Le corps d’une r\ufffd\ufffdponse fetch')
    expect(detail.segments).toEqual([
      { op: 'equal', text: 'Le corps d’une r' },
      { op: 'delete', text: 'é' },
      { op: 'insert', text: '\ufffd\ufffd' },
      { op: 'equal', text: 'ponse fetch' },
    ])
    const long = textDetail(`${'a'.repeat(100)}X${'b'.repeat(100)}`, `${'a'.repeat(100)}Y${'b'.repeat(100)}`)
    expect(long.segments.map((s) => s.text)).toEqual([`…${'a'.repeat(24)}`, 'X', 'Y', `${'b'.repeat(24)}…`])
    const huge = textDetail(`${'x'.repeat(50_000)}1`, `${'x'.repeat(50_000)}2`)
    expect(huge.truncated).toBe(true)
    expect(huge.segments.filter((s) => s.op !== 'equal')).toEqual([
      { op: 'delete', text: '1' },
      { op: 'insert', text: '2' },
    ])
  })

  it('bytes: the first differing offset and a hex window, for tagged bytes and their base64', () => {
    const before = encodeCanonical(Buffer.from('résumé'))
    const after = encodeCanonical(Buffer.from('r\ufffdsumé'))
    const detail = describeChange({ op: 'replace', path: '$.body', before, after })
    expect(detail).toMatchObject({ kind: 'bytes', offset: 1, leftLength: 8, rightLength: 9, windowStart: 0 })
    expect(detail).toMatchObject({
      left: expect.stringMatching(/^72 c3 a9/),
      right: expect.stringMatching(/^72 ef bf bd/),
    })
    const base64 = describeChange({
      op: 'replace',
      path: '$.body.base64',
      before: Buffer.from([1, 2, 3]).toString('base64'),
      after: Buffer.from([1, 2, 4]).toString('base64'),
    })
    expect(base64).toMatchObject({ kind: 'bytes', offset: 2 })
  })

  it('errors by type and message, and a change of type', () => {
    const error = encodeCanonical(Object.assign(new RangeError('bad size'), { code: 'E_SIZE' }))
    expect(describeChange({ op: 'replace', path: '$', before: { ok: true }, after: error })).toEqual({
      kind: 'error',
      right: { name: 'RangeError', message: 'bad size', code: 'E_SIZE' },
    })
    expect(describeChange({ op: 'replace', path: '$.a', before: '1', after: 1 })).toEqual({
      kind: 'type',
      left: 'string',
      right: 'number',
    })
    expect(describeChange({ op: 'add', path: '$.a', after: 1 })).toBeUndefined()
  })
})

describe('streamed content', () => {
  it('the same bytes in other chunks are one change of the array, reported as other chunking', () => {
    const text = Buffer.from('Größe: 12 Bytes über alles')
    const chunks = (sizes: number[]) => {
      const out: Uint8Array[] = []
      let at = 0
      for (const size of sizes) {
        out.push(text.subarray(at, at + size))
        at += size
      }
      return out.map((chunk) => encodeCanonical(chunk))
    }
    const left = { chunks: chunks([10, 10, text.length - 20]) }
    const right = { chunks: chunks([4, text.length - 4]) }
    const paths = diffJson(left, right)
    expect(paths).toEqual([{ op: 'replace', path: '$.chunks', before: left.chunks, after: right.chunks }])
    expect(describeChange(paths[0]!)).toEqual({
      kind: 'chunks',
      size: text.length,
      unit: 'bytes',
      left: [10, 10, text.length - 20],
      right: [4, text.length - 4],
    })
    // The same split on both sides with other bytes is a content change, chunk by chunk.
    const changed = {
      chunks: chunks([10, 10, text.length - 20]).map((c, i) =>
        i === 1 ? encodeCanonical(Buffer.from('x'.repeat(10))) : c,
      ),
    }
    expect(diffJson(left, changed).map((p) => p.path)).toEqual(['$.chunks[1].base64'])
    expect(diffJson(['ab', 'c'], ['a', 'bc'])).toHaveLength(1)
    expect(diffJson(['ab', 'c'], ['a', 'bd']).length).toBeGreaterThan(0)
    expect(describeChange(diffJson(['ab', 'c'], ['a', 'bd'])[0]!)?.kind).not.toBe('chunks')
  })

  it('the text-level differ of large outputs finds the same', () => {
    const chunk = 'x'.repeat(1000)
    const left = { chunks: Array.from({ length: 40 }, () => chunk) }
    const right = { chunks: [chunk.repeat(20), chunk.repeat(20)] }
    const delta = computeTextDelta(JSON.stringify(left), JSON.stringify(right))
    expect(delta).toEqual(computeDelta(left, right))
    expect(flattenDelta(delta)).toHaveLength(1)
  })
})
