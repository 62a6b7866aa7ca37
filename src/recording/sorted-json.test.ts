import { describe, expect, it } from 'vitest'
import { sortedJson } from './sorted-json.ts'

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
})
