/**
 * The recording proxy forwards faithfully: bodies byte for byte, headers in order with their repeats,
 * keep-alive to the target with bounded connections, and one correct recording per exchange.
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_BODY_BYTES } from '../../src/record/create-recorder.ts'
import { bodyBytes, bodyText } from '../../src/recording/body.ts'
import { recordingSchema } from '../../src/recording/schema.ts'
import { header, readAll, startLoopback, startProxy } from './loopback.ts'

interface Answer {
  status: number
  statusMessage: string
  rawHeaders: string[]
  headers: IncomingHttpHeaders
  body: Buffer
}

/** One request with node:http: raw headers in the given order, the answer read whole. */
function send(
  url: string,
  options: { method?: string; headers?: string[]; body?: Buffer | string; agent?: Agent } = {},
): Promise<Answer> {
  // Given raw headers, node:http sends them as they are, without a Host of its own.
  const raw = options.headers ?? []
  const headers = raw.some((name, i) => i % 2 === 0 && name.toLowerCase() === 'host')
    ? raw
    : ['Host', new URL(url).host, ...raw]
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers, agent: options.agent },
      (res) => {
        readAll(res).then(
          (body) =>
            resolve({
              status: res.statusCode ?? 0,
              statusMessage: res.statusMessage ?? '',
              rawHeaders: res.rawHeaders,
              headers: res.headers,
              body,
            }),
          reject,
        )
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Raw headers without the one that changes between two answers (Date). */
function stable(rawHeaders: string[]): string[][] {
  const pairs: string[][] = []
  for (let i = 0; i < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!])
  return pairs.filter(([name]) => name!.toLowerCase() !== 'date')
}

function endToEnd(rawHeaders: string[]): string[][] {
  return stable(rawHeaders).filter(([name]) => !['connection', 'keep-alive'].includes(name!.toLowerCase()))
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

const binary = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256))
const large = randomBytes(3 * 1024 * 1024)
const larger = randomBytes(5 * 1024 * 1024)

/** A service with one route per body shape. */
async function bodyService() {
  return startLoopback(async (req, res) => {
    const received = await readAll(req)
    switch (req.url) {
      case '/binary':
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': binary.byteLength,
        })
        return res.end(binary)
      case '/large-chunked': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        for (let offset = 0; offset < large.byteLength; offset += 64 * 1024) {
          if (!res.write(large.subarray(offset, offset + 64 * 1024))) await once(res, 'drain')
        }
        return res.end()
      }
      case '/large-length':
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': larger.byteLength,
        })
        return res.end(larger)
      case '/empty':
        return res.end()
      case '/no-content':
        res.writeHead(204, { 'x-kind': 'none' })
        return res.end()
      case '/not-modified':
        res.writeHead(304, { etag: '"v1"' })
        return res.end()
      case '/echo':
        res.writeHead(200, { 'x-received-sha256': sha256(received), 'content-length': received.byteLength })
        return res.end(received)
      default:
        res.writeHead(404)
        return res.end()
    }
  })
}

describe('record: the recording proxy forwards faithfully', () => {
  it('createRecordingProxy: bodies and heads reach the client byte for byte as they do directly', async () => {
    await using service = await bodyService()
    await using proxied = await startProxy(service.url)
    const cases: Array<{ path: string; method?: string; body?: Buffer }> = [
      { path: '/binary' },
      { path: '/large-chunked' },
      { path: '/large-length' },
      { path: '/large-length', method: 'HEAD' },
      { path: '/empty' },
      { path: '/no-content' },
      { path: '/not-modified' },
      { path: '/echo', method: 'POST', body: larger.subarray(0, 2 * 1024 * 1024) },
      { path: '/echo', method: 'POST', body: Buffer.alloc(0) },
    ]
    for (const { path, method, body } of cases) {
      const direct = await send(`${service.url}${path}`, { method, body })
      const through = await send(`${proxied.url}${path}`, { method, body })
      expect({ path, method, status: through.status, message: through.statusMessage }).toEqual({
        path,
        method,
        status: direct.status,
        message: direct.statusMessage,
      })
      expect(sha256(through.body), `${method ?? 'GET'} ${path}`).toBe(sha256(direct.body))
      expect(through.body.byteLength).toBe(direct.body.byteLength)
      // End to end, the head is the same; Connection and Keep-Alive are each hop's own.
      expect(endToEnd(through.rawHeaders)).toEqual(endToEnd(direct.rawHeaders))
    }
    expect((await send(`${proxied.url}/large-length`, { method: 'HEAD' })).headers['content-length']).toBe(
      String(larger.byteLength),
    )

    const recordings = await proxied.settle(cases.length + 1)
    const chunked = recordings[1]!.inbound.response
    expect(chunked.body).toMatchObject({ size: large.byteLength, sha256: sha256(large), truncated: true })
    expect(bodyBytes(chunked.body).byteLength).toBe(DEFAULT_MAX_BODY_BYTES)
    expect(chunked.chunks?.reduce((sum, chunk) => sum + chunk.size, 0)).toBe(large.byteLength)
    expect(recordings[0]!.inbound.response.body).toMatchObject({ encoding: 'base64', size: 1024 })
    expect(bodyBytes(recordings[0]!.inbound.response.body)).toEqual(binary)
    expect(recordings[3]!.inbound.response.body).toBeUndefined()
    expect(recordings[5]!.inbound.response).toMatchObject({ status: 204 })
    expect(recordings[7]!.inbound.request.body).toMatchObject({ size: 2 * 1024 * 1024, truncated: true })
    expect(recordings[8]!.inbound.request.body).toBeUndefined()
  })

  it('createRecordingProxy: request headers reach the target in order with repeats, hop-by-hop ones dropped', async () => {
    let seen: string[] = []
    await using service = await startLoopback((req, res) => {
      seen = req.rawHeaders
      res.end()
    })
    await using proxied = await startProxy(service.url, { forwardedHeaders: false })
    await send(`${proxied.url}/h`, {
      headers: [
        ['X-B', '1'],
        ['Accept', 'text/plain'],
        ['X-A', '2'],
        ['X-B', '3'],
        ['Connection', 'keep-alive, X-Hop'],
        ['X-Hop', 'gone'],
        ['Keep-Alive', 'timeout=9'],
        ['TE', 'trailers'],
        ['Proxy-Authorization', 'Basic eA=='],
        ['Cookie', 'a=1'],
        ['Cookie', 'b=2'],
      ].flat(),
    })
    // undici writes the Host first and its own Connection; everything end-to-end follows as sent.
    const pairs = stable(seen)
    expect(pairs[0]).toEqual(['host', new URL(proxied.url).host])
    expect(pairs.slice(1).filter(([name]) => name !== 'connection')).toEqual([
      ['X-B', '1'],
      ['Accept', 'text/plain'],
      ['X-A', '2'],
      ['X-B', '3'],
      ['Cookie', 'a=1'],
      ['Cookie', 'b=2'],
    ])
  })

  it('createRecordingProxy: response headers reach the client in order with every Set-Cookie, hop-by-hop ones dropped', async () => {
    await using service = await startLoopback((_req, res) => {
      res.writeHead(
        200,
        'Fine',
        [
          ['X-B', '1'],
          ['Set-Cookie', 'a=1; Path=/'],
          ['Connection', 'X-Hop'],
          ['X-Hop', 'secret'],
          ['X-A', '2'],
          ['Keep-Alive', 'timeout=9'],
          ['Proxy-Authenticate', 'Basic'],
          ['Set-Cookie', 'b=2; HttpOnly'],
          ['Content-Length', '2'],
        ].flat(),
      )
      res.end('ok')
    })
    await using proxied = await startProxy(service.url)
    const through = await send(`${proxied.url}/`)
    expect(through.statusMessage).toBe('Fine')
    expect(stable(through.rawHeaders)).toEqual([
      ['X-B', '1'],
      ['Set-Cookie', 'a=1; Path=/'],
      ['X-A', '2'],
      ['Set-Cookie', 'b=2; HttpOnly'],
      ['Content-Length', '2'],
      ['Connection', 'keep-alive'],
      ['Keep-Alive', 'timeout=5'],
    ])
  })

  it('createRecordingProxy: keeps the client Host and appends X-Forwarded-*, or sends the target host when asked', async () => {
    const seen: IncomingHttpHeaders[] = []
    await using service = await startLoopback((req, res) => {
      seen.push(req.headers)
      res.end()
    })
    await using proxied = await startProxy(service.url)
    await send(`${proxied.url}/`, { headers: ['Host', 'api.example', 'X-Forwarded-For', '203.0.113.9'] })
    expect(seen[0]).toMatchObject({
      host: 'api.example',
      'x-forwarded-for': '203.0.113.9, 127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'api.example',
    })
    await using targeted = await startProxy(service.url, { hostHeader: 'target', forwardedHeaders: false })
    await send(`${targeted.url}/`, { headers: ['Host', 'api.example'] })
    expect(seen[1]!.host).toBe(new URL(service.url).host)
    expect(Object.keys(seen[1]!).filter((name) => name.startsWith('x-forwarded'))).toEqual([])

    // The recording keeps the request as the client sent it: its Host, not the hop's X-Forwarded-*.
    const [recording] = await proxied.settle(1)
    expect(header(recording!.inbound.request.headers, 'host')).toBe('api.example')
    expect(recording!.inbound.request.headers).toContainEqual(['X-Forwarded-For', '203.0.113.9'])
  })

  it('createRecordingProxy: reuses keep-alive connections to the target, never more than maxConnections', async () => {
    let connections = 0
    const server = createServer((_req, res) => res.end('pong'))
    server.on('connection', () => connections++)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await using proxied = await startProxy(origin, { maxConnections: 4 })
      const agent = new Agent({ keepAlive: true, maxSockets: 50 })
      try {
        for (let i = 0; i < 30; i++)
          expect((await send(`${proxied.url}/seq`, { agent })).body.toString()).toBe('pong')
        expect(connections).toBe(1)
        const answers = await Promise.all(
          Array.from({ length: 100 }, () => send(`${proxied.url}/par`, { agent })),
        )
        expect(answers.every((answer) => answer.body.toString() === 'pong')).toBe(true)
        expect(connections).toBeLessThanOrEqual(4)
        await proxied.settle(130)
      } finally {
        agent.destroy()
      }
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  it('createRecordingProxy: 200 concurrent exchanges each yield the recording of their own request', async () => {
    await using service = await startLoopback(async (req, res) => {
      const body = await readAll(req)
      // Answer out of arrival order: a different number of event-loop turns per request.
      for (let turn = body[body.length - 1]! % 7; turn > 0; turn--) await new Promise(setImmediate)
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-echo-id': String(req.headers['x-request-id']),
      })
      res.end(JSON.stringify({ echoed: body.toString() }))
    })
    await using proxied = await startProxy(service.url)
    const count = 200
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        send(`${proxied.url}/items/${i}?n=${i}`, {
          method: 'POST',
          headers: ['Content-Type', 'text/plain', 'X-Request-Id', `req-${i}`, 'Authorization', `Bearer ${i}`],
          body: `payload-${i}-${'x'.repeat(i)}`,
        }),
      ),
    )
    answers.forEach((answer, i) => {
      expect(JSON.parse(answer.body.toString())).toEqual({ echoed: `payload-${i}-${'x'.repeat(i)}` })
    })
    const recordings = await proxied.settle(count)
    const byId = new Map(recordings.map((recording) => [recording.id, recording]))
    expect(byId.size).toBe(count)
    for (let i = 0; i < count; i++) {
      const recording = byId.get(`req-${i}`)!
      expect(recording.inbound.request.url).toBe(`${service.url}/items/${i}?n=${i}`)
      expect(bodyText(recording.inbound.request.body)).toBe(`payload-${i}-${'x'.repeat(i)}`)
      expect(header(recording.inbound.response.headers, 'x-echo-id')).toBe(`req-${i}`)
      expect(JSON.parse(bodyText(recording.inbound.response.body))).toEqual({
        echoed: `payload-${i}-${'x'.repeat(i)}`,
      })
      expect(header(recording.inbound.request.headers, 'authorization')).toMatch(
        /^Bearer \[redacted:[0-9a-f]{12}\]$/,
      )
    }
    expect(proxied.proxy.stats()).toMatchObject({
      requests: count,
      recorded: count,
      inFlight: 0,
      proxying: 0,
    })
  })

  it('createRecordingProxy: a recording names the target, redacts secrets and validates against the schema', async () => {
    await using service = await startLoopback((_req, res) => {
      res.writeHead(201, 'Created Here', [
        'Content-Type',
        'application/json',
        'Set-Cookie',
        'sid=s3cret',
        'Set-Cookie',
        'theme=dark',
      ])
      res.end('{"ok":true}')
    })
    await using proxied = await startProxy(service.url, { version: '1.2.3', pipeline: 'api' })
    await send(`${proxied.url}/v1/things?q=1`, {
      method: 'PUT',
      headers: ['Authorization', 'Bearer s3cret', 'Cookie', 'sid=s3cret', 'X-Request-Id', 'abc-123'],
      body: '{"name":"x"}',
    })
    const [recording] = await proxied.settle(1)
    expect(recordingSchema.parse(recording)).toEqual(recording)
    expect(JSON.stringify(recording)).not.toContain('s3cret')
    expect(recording).toMatchObject({
      id: 'abc-123',
      meta: { service: 'svc', environment: 'test', version: '1.2.3', pipeline: 'api' },
      outbound: [],
      nondeterminism: { clock: [], random: [], uuids: [] },
      inbound: {
        request: { method: 'PUT', url: `${service.url}/v1/things?q=1` },
        response: { status: 201, statusText: 'Created Here' },
        startedAtMs: 0,
      },
    })
    expect(recording!.inbound.response.headers.filter(([name]) => name === 'Set-Cookie')).toEqual([
      ['Set-Cookie', expect.stringMatching(/^\w+=\[redacted:[0-9a-f]{12}\]/)],
      ['Set-Cookie', expect.stringMatching(/^\w+=\[redacted:[0-9a-f]{12}\]/)],
    ])
    expect(bodyText(recording!.inbound.response.body)).toBe('{"ok":true}')
    expect(recording!.inbound.durationMs).toBeGreaterThanOrEqual(0)
  })
})
