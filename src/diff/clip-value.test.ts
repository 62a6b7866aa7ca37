import { describe, expect, it } from 'vitest'
import { clipValue } from './clip-value.ts'

describe('clipValue', () => {
  it('clipValue: keeps small values as they are', () => {
    const value = { a: [1, 2], b: 'short' }
    expect(clipValue(value, 100)).toBe(value)
    expect(clipValue('short', 100)).toBe('short')
    expect(clipValue(42, 1)).toBe(42)
    expect(clipValue(null, 1)).toBe(null)
  })

  it('clipValue: clips long strings with a count of the characters left out', () => {
    expect(clipValue('x'.repeat(250), 10)).toBe('xxxxxxxxxx…(+240 chars)')
  })

  it('clipValue: never cuts a surrogate pair in half', () => {
    expect(clipValue(`abc${'😀'.repeat(5)}`, 4)).toBe('abc…(+10 chars)')
  })

  it('clipValue: summarizes big arrays and objects after the start of their JSON', () => {
    expect(
      clipValue(
        Array.from({ length: 1000 }, (_, index) => index),
        12,
      ),
    ).toBe('[0,1,2,3,4,5…(array of 1000 items)')
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`k${index}`, index]))
    expect(clipValue(wide, 16)).toBe('{"k0":0,"k1":1,"…(object with 50 keys)')
  })

  it('clipValue: serializes only the start of a huge nested string', () => {
    expect(clipValue({ text: 'y'.repeat(1_000_000) }, 14)).toBe('{"text":"yyyyy…(object with 1 key)')
  })
})
