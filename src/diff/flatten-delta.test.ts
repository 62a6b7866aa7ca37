import type { Delta } from 'jsondiffpatch'
import { describe, expect, it } from 'vitest'
import { flattenDelta } from './flatten-delta.ts'
import { createJsonDiffPatcher } from './json-diffpatcher.ts'

describe('flattenDelta', () => {
  it('flattenDelta: returns nothing for an undefined delta', () => {
    expect(flattenDelta(undefined)).toEqual([])
  })

  it('flattenDelta: names the root $ for a top-level change', () => {
    expect(flattenDelta([1, 2])).toEqual([{ op: 'replace', path: '$', before: 1, after: 2 }])
  })

  it('flattenDelta: maps added, removed and modified tuples to named operations at nested paths', () => {
    const delta: Delta = { a: { b: [1, 2], c: [3], d: [4, 0, 0] } }
    expect(flattenDelta(delta)).toEqual([
      { op: 'replace', path: '$.a.b', before: 1, after: 2 },
      { op: 'add', path: '$.a.c', after: 3 },
      { op: 'remove', path: '$.a.d', before: 4 },
    ])
  })

  it('flattenDelta: flattens array deltas with removals, additions, moves and nested changes in index order', () => {
    const delta = {
      _t: 'a' as const,
      _5: [{ id: 'moved', text: 'x' }, 0, 3],
      0: { text: ['x', 'y'] },
      _1: [{ id: 'gone' }, 0, 0],
      3: [{ id: 'new' }],
    }
    expect(flattenDelta(delta as never, '$.context')).toEqual([
      { op: 'replace', path: '$.context[0].text', before: 'x', after: 'y' },
      { op: 'remove', path: '$.context[1]', before: { id: 'gone' } },
      { op: 'add', path: '$.context[3]', after: { id: 'new' } },
      {
        op: 'move',
        path: '$.context[5]',
        to: '$.context[0]',
        before: { id: 'moved', text: 'x' },
        after: { id: 'moved', text: 'y' },
      },
    ])
  })

  it('flattenDelta: merges a removal and an addition at the same index into a replace', () => {
    expect(flattenDelta({ _t: 'a', _2: ['a', 0, 0], 2: ['b'] } as never)).toEqual([
      { op: 'replace', path: '$[2]', before: 'a', after: 'b' },
    ])
  })

  it('flattenDelta: reads a text diff tuple as a replace carrying the patch text', () => {
    expect(flattenDelta({ s: ['@@ -1 +1 @@\n-a\n+b\n', 0, 2] })).toEqual([
      { op: 'replace', path: '$.s', after: '@@ -1 +1 @@\n-a\n+b\n' },
    ])
  })

  it('flattenDelta: flattens deltas produced by jsondiffpatch itself, with odd keys quoted', () => {
    const patcher = createJsonDiffPatcher()
    const delta = patcher.diff(
      { 'a b': { 'x.y': 1 }, list: [{ id: 1 }, { id: 2 }] },
      { 'a b': { 'x.y': 2 }, list: [{ id: 0 }, { id: 1 }, { id: 2, n: true }] },
    )
    expect(flattenDelta(delta)).toEqual([
      { op: 'replace', path: '$["a b"]["x.y"]', before: 1, after: 2 },
      { op: 'add', path: '$.list[0]', after: { id: 0 } },
      { op: 'add', path: '$.list[2].n', after: true },
    ])
  })
})
