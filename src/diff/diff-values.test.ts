import { describe, expect, it } from 'vitest'
import { diffJson } from './diff-values.ts'

describe('diffJson', () => {
  it('diffJson: returns no change for equal values', () => {
    expect(diffJson({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toEqual([])
  })

  it('diffJson: names nested object changes with dotted paths', () => {
    expect(diffJson({ a: { b: { c: 1, d: 2 } } }, { a: { b: { c: 3, d: 2 } } })).toEqual([
      { op: 'replace', path: '$.a.b.c', before: 1, after: 3 },
    ])
  })

  it('diffJson: reports added and removed keys', () => {
    expect(diffJson({ a: 1, gone: true }, { a: 1, fresh: [1] })).toEqual([
      { op: 'add', path: '$.fresh', after: [1] },
      { op: 'remove', path: '$.gone', before: true },
    ])
  })

  it('diffJson: replaces the root when the types differ', () => {
    expect(diffJson({ a: 1 }, [1])).toEqual([{ op: 'replace', path: '$', before: { a: 1 }, after: [1] }])
    expect(diffJson('x', 2)).toEqual([{ op: 'replace', path: '$', before: 'x', after: 2 }])
  })

  it('diffJson: indexes into arrays and objects inside them', () => {
    const left = { context: [{ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd' }] }
    const right = { context: [{ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'D' }] }
    expect(diffJson(left, right)).toEqual([
      { op: 'replace', path: '$.context[3].text', before: 'd', after: 'D' },
    ])
  })

  it('diffJson: bracket-quotes keys that are not identifiers, with JSON escaping', () => {
    const left = { 'key with space': 1, __proto__x: 1, 'quote"d': 1, '1st': 1, ok_$1: 1 }
    const right = { 'key with space': 2, __proto__x: 2, 'quote"d': 2, '1st': 2, ok_$1: 2 }
    expect(diffJson(left, right).map((change) => change.path)).toEqual([
      '$["1st"]',
      '$.__proto__x',
      '$["key with space"]',
      '$.ok_$1',
      '$["quote\\"d"]',
    ])
  })

  it('diffJson: diffs a __proto__ key as an ordinary key and quotes it', () => {
    const left = JSON.parse('{"__proto__": {"polluted": false}}')
    const right = JSON.parse('{"__proto__": {"polluted": true}}')
    expect(diffJson(left, right)).toEqual([
      { op: 'replace', path: '$["__proto__"].polluted', before: false, after: true },
    ])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('diffJson: sees keys named like Object.prototype members (jsondiffpatch alone misses an added toString)', () => {
    expect(diffJson({}, { toString: {}, constructor: 1 })).toEqual([
      { op: 'add', path: '$.constructor', after: 1 },
      { op: 'add', path: '$.toString', after: {} },
    ])
  })

  it('diffJson: lists paths in document order, array items by numeric index', () => {
    const left = {
      b: [
        { v: 0 },
        { v: 1 },
        { v: 2 },
        { v: 3 },
        { v: 4 },
        { v: 5 },
        { v: 6 },
        { v: 7 },
        { v: 8 },
        { v: 9 },
        { v: 10 },
      ],
      a: { z: 1, y: 1 },
    }
    const right = {
      b: [
        { v: 0 },
        { v: 1 },
        { v: -2 },
        { v: 3 },
        { v: 4 },
        { v: 5 },
        { v: 6 },
        { v: 7 },
        { v: 8 },
        { v: 9 },
        { v: -10 },
      ],
      a: { z: 2, y: 2 },
    }
    expect(diffJson(left, right).map((change) => change.path)).toEqual([
      '$.a.y',
      '$.a.z',
      '$.b[2].v',
      '$.b[10].v',
    ])
  })

  it('diffJson: matches objects by id, so inserting one at the front of an array is one change', () => {
    const items = Array.from({ length: 50 }, (_, index) => ({ id: `item-${index}`, score: index }))
    const inserted = [{ id: 'new', score: -1 }, ...items]
    expect(diffJson({ items }, { items: inserted })).toEqual([
      { op: 'add', path: '$.items[0]', after: { id: 'new', score: -1 } },
    ])
  })

  it('diffJson: reports a changed field of an id-matched item at its new index', () => {
    const left = [
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
    ]
    const right = [
      { id: 'z', v: 0 },
      { id: 'a', v: 1 },
      { id: 'b', v: 3 },
    ]
    expect(diffJson(left, right)).toEqual([
      { op: 'add', path: '$[0]', after: { id: 'z', v: 0 } },
      { op: 'replace', path: '$[2].v', before: 2, after: 3 },
    ])
  })

  it('diffJson: tries key, name and uuid when an item has no id', () => {
    for (const field of ['key', 'name', 'uuid']) {
      const left = [{ [field]: 'a' }, { [field]: 'b' }]
      const right = [{ [field]: 'b' }]
      expect(diffJson(left, right)).toEqual([{ op: 'remove', path: '$[0]', before: { [field]: 'a' } }])
    }
  })

  it('diffJson: honours custom identity keys', () => {
    const left = [{ sku: 1 }, { sku: 2 }]
    const right = [{ sku: 0 }, { sku: 1 }, { sku: 2 }]
    expect(diffJson(left, right, { identityKeys: ['sku'] })).toEqual([
      { op: 'add', path: '$[0]', after: { sku: 0 } },
    ])
  })

  it('diffJson: matches objects without an identity field by position', () => {
    const left = [{ text: 'a' }, { text: 'b' }]
    const right = [{ text: 'x' }, { text: 'b' }]
    expect(diffJson(left, right)).toEqual([{ op: 'replace', path: '$[0].text', before: 'a', after: 'x' }])
  })

  it('diffJson: reports a replaced primitive item as one replace', () => {
    expect(diffJson([1, 2, 3], [1, 5, 3])).toEqual([{ op: 'replace', path: '$[1]', before: 2, after: 5 }])
  })

  it('diffJson: reports array moves as move operations', () => {
    const left = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }]
    const right = [{ id: 'd' }, { id: 'a' }, { id: 'b' }, { id: 'c' }]
    expect(diffJson(left, right)).toEqual([
      { op: 'move', path: '$[3]', to: '$[0]', before: { id: 'd' }, after: { id: 'd' } },
    ])
  })

  it('diffJson: reports changes inside a moved item at its new index', () => {
    const left = [{ id: 'a' }, { id: 'b' }, { id: 'c', v: 1 }]
    const right = [{ id: 'c', v: 2 }, { id: 'a' }, { id: 'b' }]
    expect(diffJson(left, right)).toEqual([
      { op: 'replace', path: '$[0].v', before: 1, after: 2 },
      { op: 'move', path: '$[2]', to: '$[0]', before: { id: 'c', v: 1 }, after: { id: 'c', v: 2 } },
    ])
  })

  it('diffJson: replaces long strings whole (no text diff)', () => {
    const before = 'a'.repeat(500)
    const after = `${'a'.repeat(499)}b`
    expect(diffJson({ s: before }, { s: after })).toEqual([{ op: 'replace', path: '$.s', before, after }])
  })

  it('diffJson: aligns huge shuffled arrays without a quadratic matrix (front removal plus append)', () => {
    const items = Array.from({ length: 20_000 }, (_, index) => ({ id: index, v: index }))
    const right = [...items.slice(1), { id: 'tail', v: 0 }]
    right[10_000] = { id: 10_001, v: -1 }
    expect(diffJson(items, right)).toEqual([
      { op: 'remove', path: '$[0]', before: { id: 0, v: 0 } },
      { op: 'replace', path: '$[10000].v', before: 10_001, after: -1 },
      { op: 'add', path: '$[19999]', after: { id: 'tail', v: 0 } },
    ])
  })
})
