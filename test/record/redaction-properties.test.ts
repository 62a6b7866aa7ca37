/**
 * Properties of the redactor over generated input: redacting twice changes nothing (texts, bodies of each
 * content type, whole recordings cut into chunks or truncated), results stay valid and consistent, equal
 * secrets give equal placeholders, and different keys different ones.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRedactor, redactedPlaceholder } from '../../src/record/index.ts'
import { bodyFromBytes } from '../../src/recording/body.ts'
import { parseRecording } from '../../src/recording/schema.ts'
import type { Recording } from '../../src/recording/types.ts'
import { propertySeed } from '../support/property-seed.ts'
import { findLeaks, recordingOf, SECRET_CORPUS } from '../support/secret-corpus.ts'

const seed = propertySeed('redaction')
const redactor = createRedactor({ key: 'property-key' })

/** Pieces that make rules fire, overlap, nest and cut: what the engine's edge cases are made of. */
const FRAGMENTS = [
  'password=',
  'token: ',
  '"api_key":',
  '"secret": {',
  "'pwd' => '",
  'Bearer ',
  'Basic dXNlcjpwYXNz',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  'postgres://u:',
  '@db:5432/x',
  'https://a.test/cb?access_token=',
  '&code=',
  '#id_token=',
  '-----BEGIN PRIVATE KEY-----\nMIIB',
  '-----END PRIVATE KEY-----',
  '[redacted:0123456789ab]',
  '%5Bredacted%3A0123456789ab%5D',
  '[redacted:',
  '<Password>',
  '</Password>',
  '<meta name="csrf-token" content="',
  '\\"',
  '\\n',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '=',
  '&',
  '%',
  '+',
  ' ',
  '\n',
  'é',
  'x9Yz8Wv7Ut6Sr5Qp',
]
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...FRAGMENTS),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    ),
    {
      maxLength: 30,
    },
  )
  .map((parts) => parts.join(''))
const bytes = fc.oneof(
  text.map((t) => Buffer.from(t)),
  fc
    .tuple(fc.uint8Array({ maxLength: 40 }), text)
    .map(([binary, t]) => Buffer.concat([binary, Buffer.from(t)])),
)
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=XyZ',
  'application/octet-stream',
)

describe('redaction properties', () => {
  it('text and bytes: redacting a redacted text or body changes nothing', () => {
    fc.assert(
      fc.property(text, (t) => {
        const once = redactor.text(t)
        expect(redactor.text(once)).toBe(once)
      }),
      { seed, numRuns: 500 },
    )
    fc.assert(
      fc.property(bytes, contentType, (body, type) => {
        const once = redactor.bytes(body, type)
        expect(redactor.bytes(once, type).equals(once)).toBe(true)
      }),
      { seed, numRuns: 500 },
    )
  })

  it('url and headers: redacting twice changes nothing, and a URL that parsed still parses', () => {
    const url = fc
      .tuple(
        fc.webUrl({ withQueryParameters: true, authoritySettings: { withUserInfo: true, withPort: true } }),
        text,
        text,
      )
      .map(
        ([u, t, f]) =>
          `${u}${u.includes('?') ? '&' : '?'}token=${encodeURIComponent(t)}#${encodeURIComponent(f)}`,
      )
    fc.assert(
      fc.property(url, (u) => {
        const once = redactor.url(u)
        expect(redactor.url(once)).toBe(once)
        expect(() => new URL(once)).not.toThrow()
      }),
      { seed, numRuns: 300 },
    )
    const name = fc.constantFrom(
      'Authorization',
      'cookie',
      'Set-Cookie',
      'x-api-key',
      'Location',
      'X-Debug',
      'Accept',
    )
    const value = text.map((t) => t.replace(/[\r\n]/g, ' '))
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), (headers) => {
        const once = redactor.headers(headers)
        expect(redactor.headers(once)).toEqual(once)
        expect(once.map(([n]) => n)).toEqual(headers.map(([n]) => n))
      }),
      { seed, numRuns: 300 },
    )
  })

  it('recording: idempotent, valid, and chunk sizes still add up, however the body is cut or bounded', () => {
    const recording = fc
      .record({
        index: fc.nat(SECRET_CORPUS.length - 1),
        extra: text,
        cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        bound: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      })
      .map(({ index, extra, cuts, bound }): Recording => {
        const base = recordingOf(SECRET_CORPUS[index]!, index)
        const exchange = base.outbound[0] ?? base.inbound
        const body = Buffer.concat([Buffer.from(extra), Buffer.from(` ${index} `), Buffer.from(extra)])
        const max = bound === undefined ? undefined : Math.floor(bound * body.byteLength)
        const points = [...new Set(cuts.map((cut) => Math.floor(cut * body.byteLength)))].sort(
          (a, b) => a - b,
        )
        const sizes = [...points, body.byteLength].map((point, i) => point - ([0, ...points][i] ?? 0))
        exchange.response = {
          ...exchange.response,
          headers: [...exchange.response.headers, ['content-length', String(body.byteLength)]],
          body: bodyFromBytes(body, max),
          chunks: sizes.map((size, i) => ({ offsetMs: i, size })),
        }
        return base
      })
    fc.assert(
      fc.property(recording, (r) => {
        const once = redactor.recording(r)
        expect(redactor.recording(once)).toEqual(once)
        parseRecording(JSON.parse(JSON.stringify(once)), { file: 'generated', line: 1 })
        for (const exchange of [once.inbound, ...once.outbound]) {
          const { chunks, body } = exchange.response
          if (chunks) expect(chunks.reduce((sum, chunk) => sum + chunk.size, 0)).toBe(body!.size)
        }
      }),
      { seed, numRuns: 200 },
    )
  })

  it('nested URLs: a secret query param percent-encoded 0–3 times into other URLs never survives, in text or JSON', () => {
    const name = fc.constantFrom(
      'api_key',
      'apiKey',
      'API-KEY',
      'access_token',
      'token',
      'api%5Fkey',
      'x-amz-signature',
    )
    const secret = fc
      .tuple(fc.stringMatching(/^[A-Za-z]{8,20}$/), fc.nat(999_999))
      .map(([letters, n]) => `${letters}${n}Zq`)
    const outer = fc.constantFrom('/data', 'https://up.test/v1/data', 'http://127.0.0.1:4000/x/y', '/cb')
    const noise = fc.constantFrom('', 'q=hello', 'page=2', 'q=a+b', 'state=%2F')
    const nested = fc
      .record({
        name,
        secret,
        noise,
        inner: fc.constantFrom('/search', 'https://app.test/cb', ''),
        wraps: fc.array(fc.tuple(outer, fc.constantFrom('q', 'next', 'redirect_uri', 'u'), noise), {
          maxLength: 3,
        }),
        lower: fc.boolean(),
      })
      .map(({ name, secret, noise, inner, wraps, lower }) => {
        let url = `${inner}?${noise ? `${noise}&` : ''}${name}=${secret}`
        for (const [path, param, more] of wraps) {
          const value = encodeURIComponent(url)
          url = `${path}?${more ? `${more}&` : ''}${param}=${lower ? value.toLowerCase() : value}`
        }
        return { url, secret }
      })
    const container = fc.constantFrom(
      (u: string) => u,
      (u: string) => `GET ${u} 200 12ms`,
      (u: string) => JSON.stringify({ url: u, n: 1 }),
      (u: string) => JSON.stringify({ url: u }).replaceAll('/', '\\/'),
      (u: string) => JSON.stringify({ next: encodeURIComponent(u) }),
      (u: string) => `<a href="${u}">next</a>`,
    )
    fc.assert(
      fc.property(nested, container, ({ url, secret }, wrap) => {
        const text = wrap(url)
        const once = redactor.text(text)
        expect(findLeaks(once, [secret])).toEqual([])
        expect(redactor.text(once)).toBe(once)
        expect(findLeaks(redactor.url(url), [secret])).toEqual([])
        // A URL alone reads the same through .text() as through .url().
        if (text === url) expect(once).toBe(redactor.url(url))
      }),
      { seed, numRuns: 500 },
    )
  })

  it('placeholders: a token is the same placeholder wherever it sits, and differs between keys', () => {
    const token = fc
      .tuple(fc.stringMatching(/^[A-Za-z]{10,30}$/), fc.nat(999_999))
      .map(([letters, n]) => `${letters}${n}Q`)
    const other = createRedactor({ key: 'other-key' })
    fc.assert(
      fc.property(token, (t) => {
        const placeholder = redactedPlaceholder('property-key', t)
        const [[, header]] = redactor.headers([['Authorization', `Bearer ${t}`]]) as [[string, string]]
        expect(header).toBe(`Bearer ${placeholder}`)
        expect(
          new URL(redactor.url(`https://a.test/?access_token=${t}`)).searchParams.get('access_token'),
        ).toBe(placeholder)
        expect(JSON.parse(redactor.text(JSON.stringify({ password: t })))).toEqual({ password: placeholder })
        expect(other.text(JSON.stringify({ password: t }))).not.toContain(placeholder)
        expect(findLeaks(JSON.stringify(redactor.headers([['x-api-key', t]])), [t])).toEqual([])
      }),
      { seed, numRuns: 200 },
    )
  })
})
