import { get as httpGet, request as httpRequest } from 'node:http'
import { request as undiciRequest } from 'undici'
import { describe, expect, it } from 'vitest'
import { bodyText } from '../../src/recording/body.ts'
import { header, readAll, recorderFixture, sendJson, startLoopback, streamingDependency } from './loopback.ts'

const STREAMED = Buffer.from('é'.repeat(100) + '{"done":true}\n', 'utf8') // 214 bytes, cut inside characters

/** A dependency that echoes method, path, a header and the body it got. */
async function startEchoDependency() {
  return startLoopback(async (req, res) => {
    const body = await readAll(req)
    res.setHeader('X-Echo', 'yes')
    sendJson(res, 201, {
      method: req.method,
      path: req.url,
      tag: req.headers['x-tag'],
      body: body.toString(),
    })
  })
}

function httpPost(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { 'x-tag': 't-1', 'content-type': 'text/plain' },
    })
    req.on('response', (res) => {
      readAll(res).then((bytes) => resolve({ status: res.statusCode ?? 0, text: bytes.toString() }), reject)
    })
    req.on('error', reject)
    req.write(body.slice(0, 3))
    req.end(body.slice(3))
  })
}

describe('record: outbound calls', () => {
  it('createRecorder: captures an outbound global fetch with its request and response', async () => {
    await using dependency = await startEchoDependency()
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap(async (_req, res) => {
        const answer = await fetch(`${dependency.url}/items?q=1`, {
          method: 'POST',
          headers: { 'x-tag': 't-1', 'content-type': 'text/plain' },
          body: 'hello fetch',
        })
        sendJson(res, 200, await answer.json())
      }),
    )

    const response = await fetch(`${app.url}/run`)
    expect(await response.json()).toEqual({
      method: 'POST',
      path: '/items?q=1',
      tag: 't-1',
      body: 'hello fetch',
    })
    const [recording] = await fixture.settle()
    expect(recording!.outbound).toHaveLength(1)
    const call = recording!.outbound[0]!
    expect(call.request.method).toBe('POST')
    expect(call.request.url).toBe(`${dependency.url}/items?q=1`)
    expect(header(call.request.headers, 'x-tag')).toBe('t-1')
    expect(bodyText(call.request.body)).toBe('hello fetch')
    expect(call.response.status).toBe(201)
    expect(call.response.statusText).toBe('Created')
    expect(header(call.response.headers, 'x-echo')).toBe('yes')
    expect(JSON.parse(bodyText(call.response.body))).toEqual({
      method: 'POST',
      path: '/items?q=1',
      tag: 't-1',
      body: 'hello fetch',
    })
    expect(call.response.incomplete).toBeUndefined()
    expect(call.startedAtMs).toBeGreaterThanOrEqual(0)
    expect(call.durationMs).toBeGreaterThanOrEqual(0)
    expect(fixture.errors).toEqual([])
  })

  it('createRecorder: captures an undici.request call', async () => {
    await using dependency = await startEchoDependency()
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap(async (_req, res) => {
        const answer = await undiciRequest(`${dependency.url}/undici`, {
          method: 'PUT',
          headers: { 'x-tag': 't-2' },
          body: 'hello undici',
        })
        sendJson(res, 200, await answer.body.json())
      }),
    )

    await (await fetch(`${app.url}/run`)).arrayBuffer()
    const [recording] = await fixture.settle()
    expect(recording!.outbound.map((call) => [call.request.method, call.request.url])).toEqual([
      ['PUT', `${dependency.url}/undici`],
    ])
    const call = recording!.outbound[0]!
    expect(header(call.request.headers, 'x-tag')).toBe('t-2')
    expect(bodyText(call.request.body)).toBe('hello undici')
    expect(call.response.status).toBe(201)
    expect(JSON.parse(bodyText(call.response.body))).toMatchObject({ method: 'PUT', body: 'hello undici' })
  })

  it('createRecorder: captures node:http clients, http.get and a written request body', async () => {
    await using dependency = await startEchoDependency()
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap(async (_req, res) => {
        const posted = await httpPost(`${dependency.url}/posted`, 'hello http')
        const got = await new Promise<string>((resolve, reject) => {
          httpGet(`${dependency.url}/got`, (answer) => {
            readAll(answer).then((bytes) => resolve(bytes.toString()), reject)
          }).on('error', reject)
        })
        sendJson(res, 200, { posted: JSON.parse(posted.text), got: JSON.parse(got) })
      }),
    )

    const response = await fetch(`${app.url}/run`)
    expect(await response.json()).toMatchObject({ posted: { body: 'hello http' }, got: { method: 'GET' } })
    const [recording] = await fixture.settle()
    expect(recording!.outbound.map((call) => [call.request.method, call.request.url])).toEqual([
      ['POST', `${dependency.url}/posted`],
      ['GET', `${dependency.url}/got`],
    ])
    const [posted, got] = recording!.outbound
    expect(header(posted!.request.headers, 'x-tag')).toBe('t-1')
    expect(header(posted!.request.headers, 'host')).toBe(new URL(dependency.url).host)
    expect(bodyText(posted!.request.body)).toBe('hello http')
    expect(posted!.response.status).toBe(201)
    expect(JSON.parse(bodyText(posted!.response.body))).toMatchObject({ body: 'hello http', tag: 't-1' })
    expect(got!.request.body).toBeUndefined()
    expect(JSON.parse(bodyText(got!.response.body))).toMatchObject({ method: 'GET', path: '/got' })
  })

  it.each([
    ['global fetch', async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer())],
    [
      'undici.request',
      async (url: string) => Buffer.from(await (await undiciRequest(url)).body.arrayBuffer()),
    ],
    [
      'http.get',
      (url: string) =>
        new Promise<Buffer>((resolve, reject) => {
          httpRequest(url, (answer) => readAll(answer).then(resolve, reject))
            .on('error', reject)
            .end()
        }),
    ],
  ])(
    'createRecorder: records the chunk timeline of a streamed response read with %s',
    async (_name, read) => {
      await using dependency = await startLoopback(streamingDependency(STREAMED, 37))
      using fixture = recorderFixture()
      await using app = await startLoopback(
        fixture.recorder.wrap(async (_req, res) => {
          res.end(await read(`${dependency.url}/stream`))
        }),
      )

      const received = Buffer.from(await (await fetch(`${app.url}/run`)).arrayBuffer())
      expect(received.equals(STREAMED)).toBe(true)
      const [recording] = await fixture.settle()
      const response = recording!.outbound[0]!.response
      expect(response.body?.size).toBe(STREAMED.byteLength)
      expect(bodyText(response.body)).toBe(STREAMED.toString('utf8'))
      expect(response.chunks?.map((chunk) => chunk.size)).toEqual([37, 37, 37, 37, 37, 29])
      const offsets = response.chunks!.map((chunk) => chunk.offsetMs)
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    },
  )

  it('createRecorder: keeps a large body truncated to maxBodyBytes with the size and hash of the whole', async () => {
    const big = Buffer.alloc(10_000, 'a')
    await using dependency = await startLoopback(streamingDependency(big, 1000))
    using fixture = recorderFixture({ maxBodyBytes: 2500 })
    await using app = await startLoopback(
      fixture.recorder.wrap(async (_req, res) => {
        const bytes = Buffer.from(await (await fetch(dependency.url)).arrayBuffer())
        res.end(String(bytes.byteLength))
      }),
    )

    expect(await (await fetch(app.url)).text()).toBe('10000')
    const [recording] = await fixture.settle()
    const body = recording!.outbound[0]!.response.body!
    expect(body).toMatchObject({ encoding: 'utf8', size: 10_000, truncated: true })
    expect(bodyText(body)).toBe('a'.repeat(2500))
    const { createHash } = await import('node:crypto')
    expect(body.sha256).toBe(createHash('sha256').update(big).digest('hex'))
  })

  it('createRecorder: leaves outbound calls made outside any inbound request unrecorded', async () => {
    await using dependency = await startEchoDependency()
    using fixture = recorderFixture()
    await using app = await startLoopback(fixture.recorder.wrap((_req, res) => res.end('ok')))

    await (await fetch(`${dependency.url}/outside`, { method: 'POST', body: 'x' })).arrayBuffer()
    expect(await (await fetch(app.url)).text()).toBe('ok')
    const [recording] = await fixture.settle()
    expect(recording!.outbound).toEqual([])
    expect(fixture.recordings).toHaveLength(1)
  })
})
