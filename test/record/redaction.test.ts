import { describe, expect, it } from 'vitest'
import { createHeaderRedactor, DEFAULT_REDACTION_KEY, redactedPlaceholder } from '../../src/record/index.ts'
import { header, recorderFixture, sendJson, startLoopback } from './loopback.ts'

const SECRET = 'Bearer sk-live-0123456789'
const COOKIE = 'session=very-secret-cookie'

describe('record: header redaction', () => {
  it('createRecorder: redacts secrets in inbound and outbound headers, equal secrets giving equal placeholders', async () => {
    await using dependency = await startLoopback((_req, res) => {
      res.setHeader('Set-Cookie', COOKIE)
      sendJson(res, 200, { ok: true })
    })
    using fixture = recorderFixture({ redactHeaders: ['X-Internal-Token'] })
    await using app = await startLoopback(
      fixture.recorder.wrap(async (_req, res) => {
        await (
          await fetch(dependency.url, { headers: { authorization: SECRET, 'x-internal-token': 'tok-123' } })
        ).arrayBuffer()
        res.setHeader('Set-Cookie', COOKIE)
        sendJson(res, 200, { ok: true })
      }),
    )

    const response = await fetch(app.url, {
      headers: { Authorization: SECRET, Cookie: COOKIE, 'X-Trace': 'keep-me' },
    })
    expect(response.headers.get('set-cookie')).toBe(COOKIE)
    await response.arrayBuffer()
    const [recording] = await fixture.settle()
    const text = JSON.stringify(recording)
    for (const secret of ['sk-live-0123456789', 'very-secret-cookie', 'tok-123'])
      expect(text).not.toContain(secret)

    const placeholder = redactedPlaceholder(DEFAULT_REDACTION_KEY, SECRET)
    expect(placeholder).toMatch(/^\[redacted:[0-9a-f]{12}\]$/)
    const { inbound, outbound } = recording!
    expect(header(inbound.request.headers, 'authorization')).toBe(placeholder)
    expect(header(outbound[0]!.request.headers, 'authorization')).toBe(placeholder)
    expect(header(inbound.request.headers, 'cookie')).toBe(redactedPlaceholder(DEFAULT_REDACTION_KEY, COOKIE))
    expect(header(inbound.response.headers, 'set-cookie')).toBe(
      header(outbound[0]!.response.headers, 'set-cookie'),
    )
    expect(header(inbound.response.headers, 'set-cookie')).toMatch(/^\[redacted:/)
    expect(header(outbound[0]!.request.headers, 'x-internal-token')).toMatch(/^\[redacted:/)
    expect(header(inbound.request.headers, 'x-trace')).toBe('keep-me')
  })

  it('createHeaderRedactor: uses the given key, so placeholders differ between keys but not between equal values', () => {
    const one = createHeaderRedactor({ key: 'key-one' })
    const two = createHeaderRedactor({ key: 'key-two' })
    const headers: Array<[string, string]> = [
      ['API-Key', 'abc'],
      ['x-api-key', 'abc'],
      ['Accept', 'text/plain'],
    ]
    const [first, second, kept] = one(headers)
    expect(first![1]).toBe(second![1])
    expect(first![1]).not.toBe(two(headers)[0]![1])
    expect(kept).toEqual(['Accept', 'text/plain'])
    expect(headers[0]).toEqual(['API-Key', 'abc'])
  })
})
