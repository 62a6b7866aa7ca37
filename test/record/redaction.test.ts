import { describe, expect, it } from 'vitest'
import { DEFAULT_REDACTION_KEY, redactedPlaceholder } from '../../src/record/index.ts'
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

    // The scheme stays readable; the credential becomes its keyed placeholder, the same on both sides.
    const placeholder = `Bearer ${redactedPlaceholder(DEFAULT_REDACTION_KEY, 'sk-live-0123456789')}`
    const { inbound, outbound } = recording!
    expect(header(inbound.request.headers, 'authorization')).toBe(placeholder)
    expect(header(outbound[0]!.request.headers, 'authorization')).toBe(placeholder)
    expect(header(inbound.request.headers, 'cookie')).toBe(
      `session=${redactedPlaceholder(DEFAULT_REDACTION_KEY, 'very-secret-cookie')}`,
    )
    expect(header(inbound.response.headers, 'set-cookie')).toBe(
      header(outbound[0]!.response.headers, 'set-cookie'),
    )
    expect(header(inbound.response.headers, 'set-cookie')).toMatch(/^session=\[redacted:/)
    expect(header(outbound[0]!.request.headers, 'x-internal-token')).toMatch(/^\[redacted:/)
    expect(header(inbound.request.headers, 'x-trace')).toBe('keep-me')
  })

  it('createRecorder: redactionKey changes every placeholder; redact: false hands recordings over as captured', async () => {
    const seen: string[] = []
    for (const options of [
      { redactionKey: 'key-one' },
      { redactionKey: 'key-two' },
      { redact: false as const },
    ]) {
      using fixture = recorderFixture(options)
      await using app = await startLoopback(fixture.recorder.wrap((_req, res) => res.end('ok')))
      await (await fetch(app.url, { headers: { 'x-api-key': 'abc-123' } })).text()
      const [recording] = await fixture.settle()
      seen.push(header(recording!.inbound.request.headers, 'x-api-key') ?? '')
    }
    expect(seen[0]).toMatch(/^\[redacted:/)
    expect(seen[1]).toMatch(/^\[redacted:/)
    expect(seen[0]).not.toBe(seen[1])
    expect(seen[2]).toBe('abc-123')
  })
})
