import { request as httpRequest } from 'node:http'
import { getGlobalDispatcher } from 'undici'
import { describe, expect, it } from 'vitest'
import { bodyText } from '../../src/recording/body.ts'
import { isParallaxError } from '../../src/recording/errors.ts'
import { header, readAll, recorderFixture, startLoopback, streamingDependency } from './loopback.ts'

/** Raw bytes of an answer as a client sees them: status line, headers (without Date) and body. */
function rawExchange(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
      readAll(res).then((bytes) => {
        const headers = res.rawHeaders.filter((_, i) => res.rawHeaders[i - (i % 2)] !== 'Date')
        resolve(
          `${res.statusCode} ${res.statusMessage}\n${headers.join('\n')}\n\n${bytes.toString('base64')}`,
        )
      }, reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** An app that echoes its body, calls a streaming dependency and answers in several writes. */
function app(dependencyUrl: string) {
  return async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const body = await readAll(req)
    const upstream = Buffer.from(await (await fetch(dependencyUrl)).arrayBuffer())
    res.writeHead(202, 'Accepted Anyway', {
      'X-Mixed-Case': 'Yes',
      'content-type': 'application/octet-stream',
    })
    res.write(body)
    res.write('|', 'utf8')
    res.end(upstream)
  }
}

describe('record: never breaks the app', () => {
  it('createRecorder: the app answers byte for byte as it does without the recorder', async () => {
    const payload = Buffer.from([0xff, 0x00, 0xc3, 0xa9]).toString('latin1')
    await using dependency = await startLoopback(
      streamingDependency(Buffer.from('0123456789'.repeat(20)), 37),
    )
    const without = await (async () => {
      await using plain = await startLoopback(app(dependency.url))
      return await rawExchange(plain.url, payload)
    })()
    using fixture = recorderFixture()
    await using recorded = await startLoopback(fixture.recorder.wrap(app(dependency.url)))
    expect(await rawExchange(recorded.url, payload)).toBe(without)

    const [recording] = await fixture.settle()
    expect(recording!.inbound.response.status).toBe(202)
    expect(recording!.inbound.response.statusText).toBe('Accepted Anyway')
    expect(header(recording!.inbound.response.headers, 'X-Mixed-Case')).toBe('Yes')
    expect(recording!.inbound.response.chunks?.length).toBe(3)
    expect(recording!.inbound.request.body?.size).toBe(Buffer.byteLength(payload))
    expect(bodyText(recording!.outbound[0]!.response.body)).toBe('0123456789'.repeat(20))
  })

  it('createRecorder: a throwing onRecording is caught and counted, the response is unchanged', async () => {
    using fixture = recorderFixture({
      onRecording: () => {
        throw new Error('disk full')
      },
    })
    await using server = await startLoopback(fixture.recorder.wrap((_req, res) => res.end('still fine')))

    expect(await (await fetch(server.url)).text()).toBe('still fine')
    expect(await (await fetch(server.url)).text()).toBe('still fine')
    await expect
      .poll(() => fixture.recorder.stats())
      .toMatchObject({ requests: 2, recorded: 0, errors: 2, dropped: { sinkFailed: 2 }, inFlight: 0 })
    expect(fixture.errors).toHaveLength(2)
    expect(isParallaxError(fixture.errors[0], 'PARALLAX_WRITE_FAILED')).toBe(true)
    expect((fixture.errors[0] as Error).message).toMatch(
      /^Failed to hand over recording svc-.+: onRecording threw\.$/,
    )
  })

  it('createRecorder: a response that cannot be read when it ends is counted as a failed capture, never left in flight', async () => {
    using fixture = recorderFixture()
    await using server = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        // Readable while Node writes the head, throwing once the response is done.
        Object.defineProperty(res, 'statusMessage', {
          configurable: true,
          get: () => {
            if (res.writableEnded) throw new Error('statusMessage exploded')
            return 'Fine'
          },
          set: () => {},
        })
        res.end('still fine')
      }),
    )
    const answer = await fetch(server.url)
    expect([answer.status, answer.statusText, await answer.text()]).toEqual([200, 'Fine', 'still fine'])
    await expect
      .poll(() => fixture.recorder.stats())
      .toMatchObject({ requests: 1, recorded: 0, dropped: { captureFailed: 1 }, inFlight: 0, errors: 1 })
    expect((fixture.errors[0] as Error).message).toBe('statusMessage exploded')
  })

  it('createRecorder: marks the inbound response incomplete when the client goes away', async () => {
    using fixture = recorderFixture()
    await using server = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        res.writeHead(200)
        res.write('partial')
      }),
    )
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(server.url, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)))
      req.end()
    })

    const [recording] = await fixture.settle()
    expect(recording!.inbound.response.incomplete).toMatch(/^aborted/)
    expect(bodyText(recording!.inbound.response.body)).toBe('partial')
  })

  it('createRecorder: a recording survives a JSON round trip unchanged', async () => {
    await using dependency = await startLoopback(
      streamingDependency(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), 2),
    )
    using fixture = recorderFixture({ version: '1.2.3', configFingerprint: 'abc', pipeline: 'copilot' })
    await using server = await startLoopback(
      fixture.recorder.wrap(async (_req, res) => {
        const bytes = Buffer.from(await (await fetch(dependency.url)).arrayBuffer())
        res.end(`${bytes.byteLength} ${Date.now()} ${Math.random()} ${crypto.randomUUID()}`)
      }),
    )

    await (await fetch(`${server.url}/p?q=1`, { method: 'POST', body: 'in' })).text()
    const [recording] = await fixture.settle()
    expect(JSON.parse(JSON.stringify(recording))).toStrictEqual(recording)
    expect(recording!.meta).toEqual({
      service: 'svc',
      environment: 'test',
      version: '1.2.3',
      configFingerprint: 'abc',
      pipeline: 'copilot',
    })
    expect(recording!.inbound.request.url).toBe(`${server.url}/p?q=1`)
    expect(recording!.outbound[0]!.response.body).toMatchObject({ encoding: 'base64', size: 5 })
    expect(new Date(recording!.recordedAt).toISOString()).toBe(recording!.recordedAt)
  })

  it('createRecorder: gives each recording its own id', async () => {
    using fixture = recorderFixture()
    await using server = await startLoopback(fixture.recorder.wrap((_req, res) => res.end()))
    for (let i = 0; i < 3; i++) await (await fetch(server.url)).arrayBuffer()
    const recordings = await fixture.settle(3)
    expect(new Set(recordings.map((r) => r.id)).size).toBe(3)
    expect(fixture.recorder.stats()).toMatchObject({ requests: 3, recorded: 3, errors: 0, inFlight: 0 })
  })

  it('close: restores fetch, the global dispatcher, Date, Math.random and crypto.randomUUID', () => {
    const legacy = Symbol.for('undici.globalDispatcher.1')
    const globals = () => ({
      fetch: globalThis.fetch,
      dispatcher: getGlobalDispatcher(),
      legacy: (globalThis as unknown as Record<symbol, unknown>)[legacy],
      Date: globalThis.Date,
      now: Date.now,
      random: Math.random,
      randomUUID: crypto.randomUUID,
    })
    const before = globals()
    const fixture = recorderFixture()
    expect(globalThis.fetch).not.toBe(before.fetch)
    expect(getGlobalDispatcher()).not.toBe(before.dispatcher)
    expect(globalThis.Date).not.toBe(before.Date)
    expect(Math.random).not.toBe(before.random)
    fixture.recorder.close()
    fixture.recorder.close()
    expect(globals()).toEqual(before)
    expect(Object.hasOwn(crypto, 'randomUUID')).toBe(false)
    expect(Object.hasOwn(Date, 'now')).toBe(true)
  })
})
