/**
 * The recording proxy when things break: a target that is down, resets or hangs, a client that walks
 * away, a recorder sink or redactor that throws; and how it chooses, names, closes and counts.
 */
import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createRecordingProxy } from '../../src/record/proxy/create-recording-proxy.ts'
import { bodyText } from '../../src/recording/body.ts'
import { isParallaxError } from '../../src/recording/errors.ts'
import { readAll, startLoopback, startProxy } from './loopback.ts'

/** A request whose response the test reads by hand. */
function open(url: string, method = 'GET', headers: Record<string, string> = {}) {
  const req = httpRequest(url, { method, headers })
  req.on('error', () => {})
  const response = new Promise<IncomingMessage>((resolve) => req.once('response', resolve))
  return { req, response }
}

async function fetchText(url: string, init?: RequestInit) {
  const response = await fetch(url, init)
  return { status: response.status, text: await response.text() }
}

/** An origin where nothing listens: a port that was just free. */
async function deadOrigin(): Promise<string> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return `http://127.0.0.1:${port}`
}

describe('record: the recording proxy when things break, and how it chooses, names and closes', () => {
  it('createRecordingProxy: a target that is down gets the client a 502 and an exchange recorded with the error', async () => {
    await using proxied = await startProxy(await deadOrigin())
    expect(await fetchText(`${proxied.url}/a`)).toEqual({
      status: 502,
      text: 'Bad Gateway: the target could not be reached or failed (ECONNREFUSED).\n',
    })
    // A request body the target never read does not keep the client from its 502.
    const posted = await fetchText(`${proxied.url}/b`, { method: 'POST', body: 'x'.repeat(100_000) })
    expect(posted.status).toBe(502)

    const recordings = await proxied.settle(2)
    expect(recordings[0]!.inbound.response).toMatchObject({
      status: 502,
      incomplete: expect.stringMatching(/^target failed: .*ECONNREFUSED/),
    })
    expect(bodyText(recordings[0]!.inbound.response.body)).toMatch(/^Bad Gateway/)
    expect(proxied.proxy.stats()).toMatchObject({ targetFailures: 2, recorded: 2, errors: 0 })
  })

  it('createRecordingProxy: a target that leads back to the proxy gets the looped request a 508, recorded once', async () => {
    // A gateway in front of the service that, misconfigured, forwards to the proxy again.
    let proxyUrl = ''
    await using gateway = await startLoopback((req, res) => {
      const back = httpRequest(
        `${proxyUrl}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers)
          answer.pipe(res)
        },
      )
      req.pipe(back)
    })
    await using proxied = await startProxy(gateway.url)
    proxyUrl = proxied.url
    const looped = await fetchText(`${proxied.url}/orders?api_key=sk_live_loopSecret0123456789`)
    expect(looped.status).toBe(508)
    expect(looped.text).toMatch(
      /^Loop Detected: this request already passed through this proxy \(Via: parallax-[0-9a-f]{8}\); the target leads back to it\.\n$/,
    )
    // One recording (the client's request, answered 508 through the gateway); the looped hop is filtered.
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.request.url).toMatch(new RegExp(`^${gateway.url}/orders\\?api_key=%5Bredacted`))
    expect(recording!.inbound.response.status).toBe(508)
    await fetchText(`${proxied.url}/again`)
    await proxied.settle(2)
    expect(proxied.proxy.stats()).toMatchObject({
      requests: 4,
      recorded: 2,
      filtered: 2,
      loops: 2,
      inFlight: 0,
    })
    // Reported once, with what to do, and without the query (it may hold a secret).
    expect(proxied.errors).toHaveLength(1)
    expect(String((proxied.errors[0] as Error).message)).not.toContain('sk_live_loopSecret')
    expect(proxied.errors[0]).toMatchObject({
      code: 'PARALLAX_USAGE',
      message: expect.stringMatching(/^Refused GET \/orders: it came back through the target/),
      hint: expect.stringMatching(/^Point the target at the service itself/),
    })
  })

  it('createRecordingProxy: a target that resets mid-response cuts the client off after the bytes it sent', async () => {
    await using service = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial')
      setImmediate(() => res.socket?.destroy())
    })
    await using proxied = await startProxy(service.url)
    let received = ''
    // Listeners attached in the response callback: head, bytes and cut can arrive in one socket read.
    const res = await new Promise<IncomingMessage>((resolve) => {
      httpRequest(`${proxied.url}/cut`, (answer) => {
        answer.on('data', (piece: Buffer) => {
          received += piece.toString()
        })
        answer.on('error', () => {})
        answer.once('close', () => resolve(answer))
      }).end()
    })
    expect(received).toBe('partial')
    expect(res.complete).toBe(false)
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.response).toMatchObject({
      status: 200,
      incomplete: expect.stringMatching(/^target failed: /),
    })
    expect(bodyText(recording!.inbound.response.body)).toBe('partial')
    expect(proxied.proxy.stats().targetFailures).toBe(1)
  })

  it('createRecordingProxy: a target that never answers gets the client a 504 after headersTimeout', async () => {
    await using service = await startLoopback(() => {})
    await using proxied = await startProxy(service.url, { headersTimeout: 50 })
    expect(await fetchText(`${proxied.url}/slow`)).toEqual({
      status: 504,
      text: 'Gateway Timeout: the target did not answer in time (UND_ERR_HEADERS_TIMEOUT).\n',
    })
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.response.incomplete).toMatch(/^target failed: HeadersTimeoutError/)
  })

  it('createRecordingProxy: a client that aborts mid-request aborts the upstream request, recorded as incomplete', async () => {
    let upstreamAborted = false
    let firstPiece: () => void = () => {}
    const arrived = new Promise<void>((resolve) => (firstPiece = resolve))
    await using service = await startLoopback((req) => {
      req.once('data', () => firstPiece())
      req.once('close', () => {
        if (!req.complete) upstreamAborted = true
      })
    })
    await using proxied = await startProxy(service.url)
    const { req } = open(`${proxied.url}/upload`, 'POST', { 'content-type': 'text/plain' })
    req.write('first part;')
    await arrived
    req.destroy()

    await expect.poll(() => upstreamAborted).toBe(true)
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.response).toMatchObject({
      status: 0,
      headers: [],
      incomplete: 'aborted: the client closed the connection before the response finished',
    })
    expect(bodyText(recording!.inbound.request.body)).toBe('first part;')
    expect(proxied.proxy.stats()).toMatchObject({ clientAborts: 1, proxying: 0, inFlight: 0 })
  })

  it('createRecordingProxy: a response that never ends still reaches the client as it comes, until the client leaves', async () => {
    let upstreamClosed = false
    let acknowledged: () => void = () => {}
    await using service = await startLoopback(async (_req, res) => {
      res.once('close', () => (upstreamClosed = true))
      res.writeHead(200, { 'content-type': 'text/plain' })
      for (let tick = 0; tick < 3; tick++) {
        const ack = new Promise<void>((resolve) => (acknowledged = resolve))
        res.write(`tick ${tick};`)
        await ack
      }
      // …and never ends.
    })
    await using proxied = await startProxy(service.url)
    const { req, response } = open(`${proxied.url}/forever`)
    req.end()
    const res = await response
    const pieces: string[] = []
    res.on('data', (piece: Buffer) => {
      pieces.push(piece.toString())
      acknowledged()
    })
    await expect.poll(() => pieces.length).toBe(3)
    req.destroy()

    await expect.poll(() => upstreamClosed).toBe(true)
    const [recording] = await proxied.settle(1)
    expect(pieces).toEqual(['tick 0;', 'tick 1;', 'tick 2;'])
    expect(recording!.inbound.response).toMatchObject({
      status: 200,
      incomplete: 'aborted: the client closed the connection before the response finished',
    })
    expect(bodyText(recording!.inbound.response.body)).toBe('tick 0;tick 1;tick 2;')
    expect(recording!.inbound.response.chunks).toHaveLength(3)
  })

  it('createRecordingProxy: a throwing onRecording is caught and counted, the responses are unchanged', async () => {
    await using service = await startLoopback((_req, res) => res.end('still fine'))
    await using proxied = await startProxy(service.url, {
      onRecording: () => {
        throw new Error('disk full')
      },
    })
    expect(await fetchText(proxied.url)).toEqual({ status: 200, text: 'still fine' })
    expect(await fetchText(proxied.url)).toEqual({ status: 200, text: 'still fine' })
    await expect.poll(() => proxied.errors.length).toBe(2)
    expect(isParallaxError(proxied.errors[0], 'PARALLAX_WRITE_FAILED')).toBe(true)
    expect((proxied.errors[0] as Error).message).toMatch(
      /^Failed to hand over recording svc-.+: onRecording threw\.$/,
    )
    expect(proxied.proxy.stats()).toMatchObject({ recorded: 0, errors: 2, dropped: { sinkFailed: 2 } })
  })

  it('createRecordingProxy: a throwing redactor drops the recording, never hands it over unredacted', async () => {
    await using service = await startLoopback((_req, res) => res.end('ok'))
    await using proxied = await startProxy(service.url, {
      redact: () => {
        throw new Error('bad rule')
      },
    })
    expect(await fetchText(proxied.url, { headers: { authorization: 'Bearer s3cret' } })).toEqual({
      status: 200,
      text: 'ok',
    })
    await expect.poll(() => proxied.proxy.stats().dropped.redactFailed).toBe(1)
    expect(proxied.recordings).toEqual([])
    expect((proxied.errors[0] as Error).message).toMatch(
      /^Failed to redact recording svc-.+: redact threw\.$/,
    )
  })

  it('createRecordingProxy: a sink that refuses (returns false) counts the recording as dropped', async () => {
    await using service = await startLoopback((_req, res) => res.end('ok'))
    await using proxied = await startProxy(service.url, { onRecording: () => false })
    await fetchText(proxied.url)
    await expect.poll(() => proxied.proxy.stats().dropped.sinkFull).toBe(1)
    expect(proxied.proxy.stats()).toMatchObject({ requests: 1, recorded: 0, errors: 0 })
  })

  it('createRecordingProxy: sampling and route rules choose what is recorded; server errors are kept', async () => {
    await using service = await startLoopback((req, res) => {
      res.statusCode = req.url === '/fail' ? 503 : 200
      res.end(req.url)
    })
    await using proxied = await startProxy(service.url, { sample: 0, exclude: ['/health'] })
    for (const path of ['/a', '/fail', '/health', '/b'])
      expect((await fetchText(`${proxied.url}${path}`)).text).toBe(path)
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.response.status).toBe(503)
    expect(proxied.proxy.stats()).toMatchObject({ requests: 4, filtered: 1, sampledOut: 2, recorded: 1 })
  })

  it('createRecordingProxy: close() lets the exchange in progress finish and record, then stops', async () => {
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    await using service = await startLoopback(async (_req, res) => {
      res.write('begun;')
      await released
      res.end('done')
    })
    const proxied = await startProxy(service.url)
    const { req, response } = open(`${proxied.url}/slow`)
    req.end()
    const res = await response
    let closed = false
    const closing = proxied.proxy.close().then(() => (closed = true))
    release()
    expect((await readAll(res)).toString()).toBe('begun;done')
    await closing
    expect(closed).toBe(true)
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.response.incomplete).toBeUndefined()
    await expect(fetch(proxied.url)).rejects.toThrow()
  })

  it('createRecordingProxy: destroy() cuts the exchange in progress, recorded as cut by the proxy', async () => {
    let upstreamClosed = false
    await using service = await startLoopback((_req, res) => {
      res.once('close', () => (upstreamClosed = true))
      res.write('begun;')
    })
    const proxied = await startProxy(service.url)
    const { req, response } = open(`${proxied.url}/endless`)
    req.end()
    const res = await response
    res.on('error', () => {})
    await once(res, 'data')
    await proxied.proxy.destroy()
    await expect.poll(() => upstreamClosed).toBe(true)
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.response).toMatchObject({
      status: 200,
      incomplete: 'aborted: the proxy was destroyed before the response finished',
    })
    expect(proxied.proxy.stats()).toMatchObject({ proxying: 0, inFlight: 0, recorded: 1 })
  })

  it('createRecordingProxy: a second request with the same x-request-id gets a generated id', async () => {
    await using service = await startLoopback((_req, res) => res.end())
    await using proxied = await startProxy(service.url)
    for (const id of ['same', 'same', 'not safe!'])
      await fetchText(proxied.url, { headers: { 'x-request-id': id } })
    const recordings = await proxied.settle(3)
    expect(recordings[0]!.id).toBe('same')
    expect(recordings[1]!.id).toMatch(/^svc-[0-9a-z]+-0002[0-9a-z]{6}$/)
    expect(recordings[2]!.id).toMatch(/^svc-[0-9a-z]+-0003[0-9a-z]{6}$/)
  })

  it('createRecordingProxy: rejects a target with a path, naming what to pass instead', () => {
    expect(() =>
      createRecordingProxy({ target: 'http://127.0.0.1:3000/api', onRecording: () => {} }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ParallaxError: Failed to create the recording proxy: target "http://127.0.0.1:3000/api" is invalid: it has a path, query or fragment; the proxy forwards each request path unchanged.]`,
    )
  })
})
