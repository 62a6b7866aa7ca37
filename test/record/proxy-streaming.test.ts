/**
 * The recording proxy streams: chunks reach the other side one by one as they are written, a slow
 * reader on either side holds the writer back instead of filling the proxy's memory, and compressed
 * bodies pass through untouched while the recording keeps them decoded.
 */
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { bodyText } from '../../src/recording/body.ts'
import { readAll, startLoopback, startProxy } from './loopback.ts'

/** A count that can be awaited: `reach(n)` resolves once it is at least n. */
function counter() {
  let value = 0
  const waiters: Array<{ at: number; resolve: () => void }> = []
  return {
    get value() {
      return value
    },
    bump(by = 1) {
      value += by
      for (const waiter of waiters.filter((w) => w.at <= value)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    },
    reach(at: number): Promise<void> {
      return at <= value ? Promise.resolve() : new Promise((resolve) => waiters.push({ at, resolve }))
    },
  }
}

/** A condition that can be awaited, re-checked each time `notify` is called. */
function signal() {
  let wake: (() => void) | undefined
  return {
    notify() {
      const waiting = wake
      wake = undefined
      waiting?.()
    },
    async until(condition: () => boolean): Promise<void> {
      while (!condition()) await new Promise<void>((resolve) => (wake = resolve))
    },
  }
}

function open(url: string, method = 'GET', headers: Record<string, string> = {}) {
  const req: ClientRequest = httpRequest(url, { method, headers })
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve)
    req.once('error', reject)
  })
  return { req, response }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('record: the recording proxy streams', () => {
  it('createRecordingProxy: an event stream reaches the client event by event, each before the next is written', async () => {
    const events = Array.from({ length: 12 }, (_, k) => `id: ${k}\ndata: ${'event '.repeat(k + 1)}\n\n`)
    const headSeen = counter()
    const received = counter()
    await using service = await startLoopback(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.flushHeaders()
      // The head alone must get through: a client waits for it before the first event exists.
      await headSeen.reach(1)
      for (const [k, event] of events.entries()) {
        res.write(event)
        await received.reach(k + 1)
      }
      res.end()
    })
    await using proxied = await startProxy(service.url)
    const { req, response } = open(`${proxied.url}/events`)
    req.end()
    const res = await response
    headSeen.bump()
    const pieces: string[] = []
    res.setEncoding('utf8')
    res.on('data', (piece: string) => {
      pieces.push(piece)
      received.bump()
    })
    await once(res, 'end')

    expect(res.headers['content-type']).toBe('text/event-stream')
    expect(pieces).toEqual(events)
    const [recording] = await proxied.settle(1)
    expect(bodyText(recording!.inbound.response.body)).toBe(events.join(''))
    expect(recording!.inbound.response.chunks?.map((chunk) => chunk.size)).toEqual(
      events.map((event) => Buffer.byteLength(event)),
    )
  })

  it('createRecordingProxy: a request body reaches the target piece by piece as the client sends it', async () => {
    const pieces = Array.from({ length: 8 }, (_, k) => `piece ${k};`.repeat(k + 1))
    const arrived = counter()
    const seen: string[] = []
    await using service = await startLoopback((req, res) => {
      req.setEncoding('utf8')
      req.on('data', (piece: string) => {
        seen.push(piece)
        arrived.bump()
      })
      req.on('end', () => res.end(`got ${seen.length}`))
    })
    await using proxied = await startProxy(service.url)
    const { req, response } = open(`${proxied.url}/upload`, 'POST', { 'content-type': 'text/plain' })
    for (const [k, piece] of pieces.entries()) {
      req.write(piece)
      await arrived.reach(k + 1)
    }
    req.end()
    expect((await readAll(await response)).toString()).toBe(`got ${pieces.length}`)
    expect(seen).toEqual(pieces)
    const [recording] = await proxied.settle(1)
    expect(bodyText(recording!.inbound.request.body)).toBe(pieces.join(''))
  })

  it('createRecordingProxy: a slow client holds the target back instead of the proxy buffering the body', async () => {
    // 64 MiB pass through; what the target has written but the client not yet read stays within what
    // the sockets' kernel buffers hold (about 8 MiB on loopback here), far below the body.
    const total = 64 * 1024 * 1024
    const piece = Buffer.alloc(64 * 1024, 7)
    const target = { written: 0, blocked: false, finished: false }
    const change = signal()
    await using service = await startLoopback(async (_req, res) => {
      res.writeHead(200, { 'content-length': total })
      while (target.written < total && !res.destroyed) {
        target.written += piece.byteLength
        if (!res.write(piece)) {
          target.blocked = true
          change.notify()
          await once(res, 'drain')
          target.blocked = false
        }
      }
      res.end()
      target.finished = true
      change.notify()
    })
    await using proxied = await startProxy(service.url, { maxBodyBytes: 1024 })
    const { req, response } = open(`${proxied.url}/big`)
    req.end()
    const res = await response
    res.pause()
    let received = 0
    let maxLag = 0
    // Read only while the target is stuck: if the proxy buffered, the target would never get stuck.
    for (;;) {
      await change.until(() => target.blocked || target.finished)
      maxLag = Math.max(maxLag, target.written - received)
      if (target.finished) break
      const got = res.read() as Buffer | null
      if (got === null) await once(res, 'readable')
      else received += got.byteLength
    }
    received += (await readAll(res)).byteLength
    expect(received).toBe(total)
    expect(maxLag).toBeLessThan(24 * 1024 * 1024)
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.response.body).toMatchObject({ size: total, truncated: true })
  })

  it('createRecordingProxy: a slow target holds the client back instead of the proxy buffering the upload', async () => {
    const total = 64 * 1024 * 1024
    const piece = Buffer.alloc(64 * 1024, 9)
    const client = { written: 0, blocked: false }
    const change = signal()
    let maxLag = 0
    let read = 0
    await using service = await startLoopback(async (req, res) => {
      req.pause()
      for (;;) {
        await change.until(() => client.blocked || client.written >= total)
        maxLag = Math.max(maxLag, client.written - read)
        if (client.written >= total) break
        const got = req.read() as Buffer | null
        if (got === null) await once(req, 'readable')
        else read += got.byteLength
      }
      read += (await readAll(req)).byteLength
      res.end(String(read))
    })
    await using proxied = await startProxy(service.url, { maxBodyBytes: 1024 })
    const { req, response } = open(`${proxied.url}/upload`, 'PUT', { 'content-length': String(total) })
    while (client.written < total) {
      client.written += piece.byteLength
      if (!req.write(piece)) {
        client.blocked = true
        change.notify()
        await once(req, 'drain')
        client.blocked = false
      }
    }
    change.notify()
    req.end()
    expect((await readAll(await response)).toString()).toBe(String(total))
    expect(maxLag).toBeLessThan(24 * 1024 * 1024)
    const [recording] = await proxied.settle(1)
    expect(recording!.inbound.request.body).toMatchObject({ size: total, truncated: true })
  })

  it('createRecordingProxy: a compressed response passes untouched; the recording keeps it decoded', async () => {
    const json = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item ${i}` })) })
    const gzipped = gzipSync(json)
    await using service = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      // In three writes, so the recording's decoded timeline is scaled from the wire's.
      const third = Math.ceil(gzipped.byteLength / 3)
      res.write(gzipped.subarray(0, third))
      setImmediate(() => {
        res.write(gzipped.subarray(third, 2 * third))
        setImmediate(() => res.end(gzipped.subarray(2 * third)))
      })
    })
    await using proxied = await startProxy(service.url)
    const { req, response } = open(`${proxied.url}/items`, 'GET', { 'accept-encoding': 'gzip' })
    req.end()
    const res = await response
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(sha256(await readAll(res))).toBe(sha256(gzipped))
    const [recording] = await proxied.settle(1)
    const body = recording!.inbound.response.body
    expect(body).toMatchObject({ encoding: 'utf8', contentEncoding: 'gzip', size: Buffer.byteLength(json) })
    expect(bodyText(body)).toBe(json)
    const chunks = recording!.inbound.response.chunks ?? []
    expect(chunks.reduce((sum, chunk) => sum + chunk.size, 0)).toBe(Buffer.byteLength(json))
  })
})
