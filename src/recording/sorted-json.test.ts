import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inSortedOrder, sortedJson } from './sorted-json.ts'

/** The reference: keys sorted as strings at every level, undefined members left out. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  const object = value as Record<string, unknown>
  const keys = Object.keys(object)
    .sort()
    .filter((key) => object[key] !== undefined)
  return `{${keys.map((key) => `${JSON.stringify(key)}:${reference(object[key])}`).join(',')}}`
}

/** The same data rebuilt with every object's keys in sorted order (integer-like keys aside). */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy)
  if (value === null || typeof value !== 'object') return value
  // fromEntries defines each key as an own property, `__proto__` included.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedCopy((value as Record<string, unknown>)[key])]),
  )
}

describe('sortedJson', () => {
  it('sortedJson: sorts keys at every level and leaves undefined members out, as JSON does', () => {
    expect(sortedJson({ b: { d: 1, c: [true, null] }, a: 'x', z: undefined }, 10)).toEqual({
      text: '{"a":"x","b":{"c":[true,null],"d":1}}',
    })
  })

  it('sortedJson: keeps a $parallax tag as plain data instead of escaping it', () => {
    expect(sortedJson({ value: { base64: 'AA==', $parallax: 'bytes' } }, 10)).toEqual({
      text: '{"value":{"$parallax":"bytes","base64":"AA=="}}',
    })
  })

  it('sortedJson: reports, with its path, anything JSON would silently change', () => {
    expect(sortedJson({ a: [1, Number.NaN] }, 10)).toEqual({ path: '$.a[1]', problem: 'is NaN' })
    expect(sortedJson({ when: new Date(0) }, 10)).toEqual({
      path: '$.when',
      problem: 'is a Date, not plain data',
    })
    expect(sortedJson({ n: 1n }, 10)).toEqual({ path: '$.n', problem: 'is a bigint' })
    expect(sortedJson([undefined], 10)).toEqual({ path: '$[0]', problem: 'is a hole or undefined' })
  })

  it('sortedJson: refuses nesting past the bound instead of recursing on', () => {
    expect(sortedJson([[[1]]], 2)).toEqual({ path: '$[0][0]', problem: 'nests deeper than 2 levels' })
    expect(sortedJson([[1]], 2)).toEqual({ text: '[[1]]' })
  })

  it('sortedJson: data in any key order, or already sorted (written natively), gives the reference text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const expected = reference(value)
        expect(sortedJson(value, 200)).toEqual({ text: expected })
        expect(sortedJson(sortedCopy(value), 200)).toEqual({ text: expected })
      }),
      { numRuns: 1000 },
    )
    expect(sortedJson(JSON.parse('{"__proto__":1,"a":2}'), 10)).toEqual({ text: '{"__proto__":1,"a":2}' })
  })

  it('inSortedOrder: true only for plain data in sorted key order that JSON.stringify writes unchanged', () => {
    expect(inSortedOrder({ a: 1, b: [true, null, 'x'], c: { d: -0 } }, 10)).toBe(true)
    expect(inSortedOrder({ b: 1, a: 2 }, 10)).toBe(false)
    // Integer-like keys come first in an object, whatever their place as strings.
    expect(inSortedOrder({ 9: 'a', 10: 'b' }, 10)).toBe(false)
    expect(sortedJson({ 9: 'a', 10: 'b' }, 10)).toEqual({ text: '{"10":"b","9":"a"}' })
    expect(inSortedOrder({ a: [1, undefined] }, 10)).toBe(false)
    expect(inSortedOrder({ a: new Date(0) }, 10)).toBe(false)
    expect(inSortedOrder({ a: { toJSON: () => 1 } }, 10)).toBe(false)
    expect(inSortedOrder([[1]], 1)).toBe(false)
    const proto = Object.prototype as { toJSON?: unknown }
    proto.toJSON = () => 'polluted'
    try {
      expect(sortedJson({ a: 1 }, 10)).toEqual({ text: '{"a":1}' })
    } finally {
      delete proto.toJSON
    }
  })
})
