import { describe, expect, it } from 'vitest'
import { memoized } from './memo.ts'
import type { RedactContext } from './redact-context.ts'

const context = (): RedactContext => ({ key: 'k', names: {} as RedactContext['names'], rules: [] })

describe('memoized redaction', () => {
  it('remembers values that repeat; a scope whose values never repeat stops being stored and evicts nothing', () => {
    const ctx = context()
    const calls = new Map<string, number>()
    const redact = (value: string) => () => {
      calls.set(value, (calls.get(value) ?? 0) + 1)
      return value.toUpperCase()
    }
    expect(memoized(ctx, 'header', 'user-agent', 'curl/8', redact('curl/8'))).toBe('CURL/8')
    // More unique request ids than the memo holds (4,096): stored, they would have cleared it.
    for (let i = 0; i < 10_000; i++) {
      const id = `req-${i}`
      expect(memoized(ctx, 'header', 'x-request-id', id, redact(id))).toBe(id.toUpperCase())
      expect(memoized(ctx, 'header', 'user-agent', 'curl/8', redact('curl/8'))).toBe('CURL/8')
    }
    expect(calls.get('curl/8')).toBe(1)
    expect(calls.get('req-9999')).toBe(1)
  })

  it('redacts afresh when an audit is listening, and values longer than 2,048 characters', () => {
    const long = 'x'.repeat(3000)
    let count = 0
    const redact = () => {
      count++
      return 'r'
    }
    const plain = context()
    memoized(plain, 'url', '', long, redact)
    memoized(plain, 'url', '', long, redact)
    const audited: RedactContext = { ...context(), found: () => {} }
    memoized(audited, 'url', '', 'short', redact)
    memoized(audited, 'url', '', 'short', redact)
    expect(count).toBe(4)
  })
})
