import { describe, expect, it } from 'vitest'
import { plural } from './plural.ts'

describe('plural', () => {
  it('keeps the noun singular for exactly one', () => {
    expect(plural(1, 'request')).toBe('1 request')
    expect(plural(0, 'request')).toBe('0 requests')
    expect(plural(2, 'request')).toBe('2 requests')
  })

  it('takes an irregular plural', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry')
    expect(plural(3, 'entry', 'entries')).toBe('3 entries')
  })
})
