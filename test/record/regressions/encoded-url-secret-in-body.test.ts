/**
 * Regression: a body or text holding a URL whose query value is itself a percent-encoded URL with a
 * secret query parameter (`/d?q=%2Fsearch%3Fapi_key%3D…`) reached disk unredacted, and `parallax scan`
 * found nothing in it. An app fetched `${UP}/data?api_key=…&q=${encodeURIComponent(req.url)}`, the
 * upstream echoed the URL in its JSON answer, and the app passed that on: the inbound `api_key` was written
 * in both response bodies. The text pipeline now redacts every percent-encoded URL it finds as `.url()`
 * does (decoding nested values again, up to 8 levels), and `url-query-secret` reads relative URLs too.
 * @see docs/redaction.md
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRedactor, redactedPlaceholder, startRecorder } from '../../../src/record/index.ts'
import { bodyFromBytes, bodyText } from '../../../src/recording/body.ts'
import { loadRecordings } from '../../../src/recording/index.ts'
import type { Recording } from '../../../src/recording/types.ts'
import { recordingsFolder } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'
import { findLeaks } from '../../support/secret-corpus.ts'
import { readAll, startLoopback } from '../loopback.ts'

const KEY = 'regression-key'
const redactor = createRedactor({ key: KEY })
const P = (secret: string) => redactedPlaceholder(KEY, secret)
/** The placeholder as a URL holds it. */
const U = (secret: string) => encodeURIComponent(P(secret))
const e = encodeURIComponent

const SECRET = 'queryKeySecret999'

describe('regression: secrets inside percent-encoded URLs in text and bodies', () => {
  it('text: redacts a secret query param of a URL encoded into a query value, as url() does', () => {
    const text = 'see http://h/d?q=%2Fsearch%3Fapi_key%3DSECRET'
    const expected = `see http://h/d?q=%2Fsearch%3Fapi_key%3D${e(U('SECRET'))}`
    expect(redactor.text(text)).toBe(expected)
    expect(redactor.url('http://h/d?q=%2Fsearch%3Fapi_key%3DSECRET')).toBe(expected.slice(4))
    expect(redactor.text(expected)).toBe(expected)
  })

  it('text: relative URLs, doubly encoded values, lower-case hex and an encoded name (api%5Fkey)', () => {
    const nested = `/search?api_key=${SECRET}&q=hello`
    const cases: Array<[string, string]> = [
      [`GET /d?q=${e(nested)} 200`, `GET /d?q=${e(`/search?api_key=${U(SECRET)}&q=hello`)} 200`],
      [`/d?q=${e(e(nested))}`, `/d?q=${e(e(`/search?api_key=${U(SECRET)}&q=hello`))}`],
      ['/d?q=%2fsearch%3fapi_key%3dSECRET', `/d?q=%2fsearch%3fapi_key%3d${e(U('SECRET'))}`],
      [`/d?q=${e('/search?api%5Fkey=SECRET')}`, `/d?q=${e(`/search?api%5Fkey=${U('SECRET')}`)}`],
      [`/d?q=${e(e('/search?api%5Fkey=SECRET'))}`, `/d?q=${e(e(`/search?api%5Fkey=${U('SECRET')}`))}`],
      ['/search?api%5Fkey=SECRET', `/search?api%5Fkey=${U('SECRET')}`],
      ['/search?api_key=SECRET&q=1', `/search?api_key=${U('SECRET')}&q=1`],
      [e(`https://app.test/cb?token=${SECRET}`), e(`https://app.test/cb?token=${U(SECRET)}`)],
    ]
    for (const [text, expected] of cases) {
      expect(redactor.text(text), text).toBe(expected)
      expect(redactor.text(expected), expected).toBe(expected)
    }
  })

  it('text: a secret encoded up to 8 times is redacted, and a hostile %252525… costs little', () => {
    for (let depth = 1; depth <= 8; depth++) {
      let value = `/s?token=${SECRET}${depth}`
      for (let i = 0; i < depth; i++) value = e(value)
      expect(redactor.text(`/d?q=${value}`), `depth ${depth}`).not.toContain(`${SECRET}${depth}`)
    }
    let hostile = '%41'
    for (let i = 0; i < 5000; i++) hostile = `%25${hostile.slice(1)}`
    const started = performance.now()
    expect(redactor.text(`/d?q=${hostile}`)).toBe(`/d?q=${hostile}`)
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('bytes: JSON string values holding the URL — plain, escaped, as \\u0025 escapes, or an encoded URL on its own', () => {
    const echoed = `/data?api_key=upKey-7f3a9c21&q=${e(`/search?api_key=${SECRET}&q=hello`)}`
    const bodies = [
      JSON.stringify({ url: echoed }),
      JSON.stringify({ url: `http://up.test${echoed}` }).replaceAll('/', '\\/'),
      JSON.stringify({ url: echoed }).replaceAll('%', '\\u0025'),
      JSON.stringify({ next: e(`https://app.test/cb?api_key=${SECRET}`) }),
      JSON.stringify({ inner: JSON.stringify({ url: echoed }) }),
    ]
    for (const body of bodies) {
      const once = redactor.bytes(Buffer.from(body), 'application/json')
      expect(findLeaks(once, [SECRET, 'upKey-7f3a9c21']), body).toEqual([])
      expect(JSON.parse(once.toString()), body).toBeTypeOf('object')
      expect(redactor.bytes(once, 'application/json').equals(once), body).toBe(true)
    }
    // Only what changed is encoded again: the rest of the value stays byte for byte.
    expect(redactor.text(JSON.stringify({ url: echoed }))).toBe(
      JSON.stringify({
        url: `/data?api_key=${U('upKey-7f3a9c21')}&q=${e(`/search?api_key=${U(SECRET)}&q=hello`)}`,
      }),
    )
  })

  it('placeholders: the echoed secret reads the placeholder the request URL got', () => {
    const inbound = redactor.url(`http://app.test/search?api_key=${SECRET}&q=hello`)
    expect(new URL(inbound).searchParams.get('api_key')).toBe(P(SECRET))
    const echoed = redactor.text(JSON.stringify({ url: `/data?q=${e(`/search?api_key=${SECRET}&q=hello`)}` }))
    const nested = new URLSearchParams(JSON.parse(echoed).url.split('?')[1]).get('q')!
    expect(new URLSearchParams(nested.split('?')[1]).get('api_key')).toBe(P(SECRET))
  })

  it('exchange: a secret split across chunks of an encoded URL is redacted and the timeline still adds up', () => {
    const body = Buffer.from(JSON.stringify({ url: `/d?q=${e(`/search?api_key=${SECRET}`)}` }))
    const cut = body.indexOf(SECRET) + 5
    const recording = echoRecording(body)
    recording.outbound[0]!.response.chunks = [
      { offsetMs: 0, size: cut },
      { offsetMs: 1, size: body.byteLength - cut },
    ]
    const redacted = redactor.recording(recording)
    expect(findLeaks(JSON.stringify(redacted), [SECRET])).toEqual([])
    const { body: kept, chunks } = redacted.outbound[0]!.response
    expect(chunks!.reduce((sum, chunk) => sum + chunk.size, 0)).toBe(kept!.size)
  })

  it('ordinary encoded text is left as it was', () => {
    for (const text of [
      '/search?q=running%20shoes&page=2',
      '50% off, 100%25 sure',
      '{"q":"caf%C3%A9","next":"/items?page=2&sort=asc"}',
      'https://h.test/a%2Fb/c?x=%2Fsearch%3Fq%3Dkeyboard',
      '<a href="/login?next=%2Faccount%3Ftab%3Dkeys">x</a>',
    ])
      expect(redactor.text(text), text).toBe(text)
  })

  it('startRecorder: the echoed secret reaches neither response body on disk', async () => {
    const upstreamKey = 'upKey-7f3a9c21e5'
    await using upstream = await startLoopback(async (req, res) => {
      await readAll(req)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ url: req.url, items: [] }))
    })
    const out = await mkdtemp(join(tmpdir(), 'parallax-encoded-url-'))
    const running = startRecorder({
      out,
      service: 'echo',
      environment: 'test',
      captureServers: false,
      handleSignals: false,
      redactionKey: KEY,
    })
    {
      await using app = await startLoopback(
        running.wrap(async (req, res) => {
          await readAll(req)
          const answer = await fetch(
            `${upstream.url}/data?api_key=${upstreamKey}&q=${encodeURIComponent(req.url!)}`,
          )
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify({ upstream: await answer.json() }))
        }),
      )
      const answer = await fetch(`${app.url}/search?api_key=${SECRET}&q=hello`)
      expect(await answer.json()).toMatchObject({ upstream: { url: expect.stringContaining(SECRET) } })
      await running.stop()
    }
    const files = await readdir(out)
    const written = Buffer.concat(await Promise.all(files.map((file) => readFile(join(out, file)))))
    expect(findLeaks(written, [SECRET, upstreamKey])).toEqual([])
    const segment = files.find((file) => file.endsWith('.ndjson'))!
    const { recording } = (await loadRecordings(join(out, segment))).recordings[0]!
    expect(recording.outbound).toHaveLength(1)
    const echoed = bodyText(recording.inbound.response.body!)
    expect(echoed).toContain(e(U(SECRET)))
  })

  it('parallax scan: finds the secret in the bodies of a recording written before the fix (exit 5)', async () => {
    const leaky = echoRecording(
      Buffer.from(JSON.stringify({ url: `/data?q=${e(`/search?api_key=${SECRET}&q=hello`)}` })),
    )
    const dir = await recordingsFolder([leaky])
    const { code, stdout, stderr } = await parallax(['scan', dir], undefined, { PARALLAX_REDACTION_KEY: KEY })
    expect(code).toBe(5)
    expect(findLeaks(stdout + stderr, [SECRET])).toEqual([])
    expect(stdout.replaceAll(dir, '<dir>')).toContain(
      `<dir>/segment.ndjson:2  outbound[0].response.body  url-query-secret  … (${SECRET.length} chars)  → ${U(SECRET)}`,
    )
    expect(stdout).toContain('inbound.response.body  url-query-secret')
  })
})

/** A recording whose outbound answer, and the inbound answer passing it on, hold `body`. */
function echoRecording(body: Buffer): Recording {
  const json = bodyFromBytes(body)
  return {
    id: 'echo-1',
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'echo', environment: 'test' },
    inbound: {
      request: { method: 'GET', url: `http://app.test/search?api_key=${U(SECRET)}&q=hello`, headers: [] },
      response: { status: 200, headers: [['content-type', 'application/json']], body: json },
      startedAtMs: 0,
      durationMs: 5,
    },
    outbound: [
      {
        request: { method: 'GET', url: 'http://up.test/data', headers: [] },
        response: { status: 200, headers: [['content-type', 'application/json']], body: json },
        startedAtMs: 1,
        durationMs: 2,
      },
    ],
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
}
