/**
 * `route` matching (for fuzzed recordings): calls find their exchange by method, origin and path in
 * recorded order, whatever their query and body; `exact` still needs the same request.
 */
import { describe, expect, it } from 'vitest'
import { createExchangeBook } from '../../../src/replay/network/exchange-book.ts'
import { EMPTY_BODY_SHA256, normalizeUrl } from '../../../src/replay/network/normalize-request.ts'
import { greetingRecording, jsonExchange, UPSTREAM } from '../../support/recordings.ts'

const call = (url: string) => ({
  method: 'GET',
  url,
  normalizedUrl: normalizeUrl(url),
  headers: [],
  body: Buffer.alloc(0),
  bodySha256: EMPTY_BODY_SHA256,
})

describe('route matching', () => {
  const recording = greetingRecording('ada', {
    outbound: [
      jsonExchange('GET', `${UPSTREAM}/greeting?name=ada`, { greeting: 'hello' }),
      jsonExchange('GET', `${UPSTREAM}/greeting?name=bob`, { greeting: 'hi' }),
    ],
  })

  it('createExchangeBook: route answers another query in recorded order, then runs out', () => {
    const book = createExchangeBook(recording, 'route')
    expect(book.take(call(`${UPSTREAM}/greeting?name=zoë`))).toMatchObject({ kind: 'matched', index: 0 })
    expect(book.take(call(`${UPSTREAM}/greeting?name=x`))).toMatchObject({ kind: 'matched', index: 1 })
    expect(book.take(call(`${UPSTREAM}/greeting?name=y`)).kind).toBe('unmatched')
    expect(book.take(call(`${UPSTREAM}/other`)).kind).toBe('unmatched')
  })

  it('createExchangeBook: exact refuses the same route with another query', () => {
    const book = createExchangeBook(recording)
    expect(book.take(call(`${UPSTREAM}/greeting?name=zoë`)).kind).toBe('unmatched')
    expect(book.take(call(`${UPSTREAM}/greeting?name=bob`))).toMatchObject({ kind: 'matched', index: 1 })
  })
})
