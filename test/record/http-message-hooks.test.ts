/**
 * The node:http message hooks: installed on the prototypes while a recorder is open (or a request it
 * began is in flight) and gone after, invisible to messages nobody observes, and replaced by instance
 * wrappers for request objects that do not come from node:http's own classes.
 */
import { once } from 'node:events'
import { ClientRequest, request as httpRequest, IncomingMessage, ServerResponse } from 'node:http'
import { Readable, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { realSources } from '../../src/record/real-sources.ts'
import { bodyText } from '../../src/recording/body.ts'
import { recorderFixture, startLoopback } from './loopback.ts'

const PROTOTYPES = [IncomingMessage.prototype, ServerResponse.prototype, ClientRequest.prototype]
const METHODS = ['push', 'emit', 'write', 'end']

/** What the prototypes hold of their own for the hooked methods. */
function ownMethods(): unknown[] {
  return PROTOTYPES.flatMap((prototype) =>
    METHODS.map((key) => Object.getOwnPropertyDescriptor(prototype, key)?.value),
  )
}

/** A socket that accepts every write at once and keeps what was written. */
class SinkSocket extends Writable {
  readonly written: Buffer[] = []
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.written.push(chunk)
    callback()
  }
  setTimeout(): this {
    return this
  }
}

describe('record: node:http message hooks', () => {
  it('createRecorder: hooks the prototypes under the methods’ own names and lengths, and close removes them', () => {
    const before = ownMethods()
    const fixture = recorderFixture()
    expect(ServerResponse.prototype.end).not.toBe(before[7])
    expect(ServerResponse.prototype.end.name).toBe('end')
    expect(ServerResponse.prototype.end.length).toBe(
      Object.getPrototypeOf(ServerResponse.prototype).end.length,
    )
    expect(IncomingMessage.prototype.push.name).toBe(Readable.prototype.push.name)
    fixture.recorder.close()
    expect(ownMethods()).toEqual(before)
  })

  it('createRecorder: for…in over a request and its response lists the same keys as without the hooks', () => {
    const keys = () => {
      const req = new IncomingMessage(new SinkSocket() as never)
      const listed: string[] = []
      for (const key in req) listed.push(key)
      for (const key in new ServerResponse(req)) listed.push(key)
      // The same keys; their order follows the prototype each one is found on.
      return listed.sort()
    }
    const before = keys()
    using _fixture = recorderFixture()
    expect(keys()).toEqual(before)
  })

  it('createRecorder: a request in flight when the recorder closes is still recorded whole', async () => {
    const before = ownMethods()
    const fixture = recorderFixture()
    let closeRecorder = () => {}
    const closed = new Promise<void>((resolve) => {
      closeRecorder = resolve
    })
    await using server = await startLoopback(
      fixture.recorder.wrap(async (req, res) => {
        res.write('before close, ')
        closeRecorder()
        await new Promise((resolve) => setTimeout(resolve, 10))
        let body = ''
        for await (const chunk of req) body += chunk
        res.end(`after close: ${body}`)
      }),
    )
    const answer = fetch(`${server.url}/late`, { method: 'POST', body: 'posted' }).then((r) => r.text())
    await closed
    fixture.recorder.close()
    expect(await answer).toBe('before close, after close: posted')
    const [recording] = await fixture.settle()
    expect(bodyText(recording?.inbound.request.body)).toBe('posted')
    expect(bodyText(recording?.inbound.response.body)).toBe('before close, after close: posted')
    expect(recording?.inbound.response.chunks?.map((chunk) => chunk.size)).toEqual([14, 19])
    await expect.poll(ownMethods).toEqual(before)
  })

  it('createRecorder: messages nobody observes pass through unchanged, node:http clients included', async () => {
    using fixture = recorderFixture()
    await using server = await startLoopback((req, res) => {
      req.resume()
      req.on('end', () => res.end('plain'))
    })
    const answer = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(`${server.url}/`, { method: 'POST' }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve(text))
      })
      request.on('error', reject)
      request.write('a')
      request.end('b')
    })
    expect(answer).toBe('plain')
    expect(fixture.recordings).toHaveLength(0)
    expect(fixture.recorder.stats()).toMatchObject({ requests: 0, errors: 0 })
  })

  it('recorder.wrap: records a request whose methods are not the prototypes’ (as test harnesses make them)', async () => {
    using fixture = recorderFixture()
    const socket = new SinkSocket()
    const req = new IncomingMessage(socket as never)
    req.method = 'POST'
    req.url = '/injected'
    req.rawHeaders = ['Host', 'example.test', 'Content-Type', 'text/plain']
    // Wrapped on the instance before the recorder sees it, as a harness or a tool may do.
    const push = req.push
    const pushed: unknown[] = []
    req.push = function (chunk: unknown, encoding?: BufferEncoding) {
      pushed.push(chunk)
      return push.call(this, chunk, encoding)
    }
    const res = new ServerResponse(req)
    res.assignSocket(socket as never)
    const handled = new Promise<void>((resolve) => {
      fixture.recorder.wrap((request, response) => {
        let body = ''
        request.on('data', (chunk: Buffer) => {
          body += chunk
        })
        request.on('end', () => {
          response.end(`echo ${body}`)
          resolve()
        })
      })(req, res)
    })
    req.push(Buffer.from('in'))
    req.push(Buffer.from('jected'))
    req.push(null)
    await handled
    if (!res.writableFinished) await once(res, 'finish')
    const [recording] = await fixture.settle()
    expect(pushed).toHaveLength(3)
    expect(recording?.inbound.request).toMatchObject({ method: 'POST', url: 'http://example.test/injected' })
    expect(bodyText(recording?.inbound.request.body)).toBe('injected')
    expect(bodyText(recording?.inbound.response.body)).toBe('echo injected')
    expect(Buffer.concat(socket.written).toString()).toContain('echo injected')
  })
})

describe('record: real sources', () => {
  it('realSources.isoNow: is the ISO time of the real clock, formatted as toISOString does', () => {
    for (let i = 0; i < 50; i++) {
      const before = realSources.now()
      const iso = realSources.isoNow()
      const after = realSources.now()
      const at = Date.parse(iso)
      expect(new Date(at).toISOString()).toBe(iso)
      expect(at).toBeGreaterThanOrEqual(before)
      expect(at).toBeLessThanOrEqual(after)
    }
  })
})
