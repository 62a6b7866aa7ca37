/**
 * Streams pass through the recorder untouched (same chunks at the client as unrecorded), and requests
 * that never complete (a client that aborts mid-request, a response that never ends) are recorded as
 * incomplete with their reason, without an exception reaching the app.
 */
import { once } from 'node:events'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { bodyText } from '../../src/recording/body.ts'
import { recorderFixture, startLoopback } from './loopback.ts'

const EVENTS = 6

/** An SSE endpoint: EVENTS events, 15 ms apart. */
async function sse(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  for (let i = 0; i < EVENTS; i++) {
    res.write(`id: ${i}\ndata: ${'é'.repeat(i * 7)}\n\n`)
    await new Promise((resolve) => setTimeout(resolve, 15))
  }
  res.end()
}

/** The sizes of the pieces a node:http client reads. */
function chunkSizes(url: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res) => {
      const sizes: number[] = []
      res.on('data', (chunk: Buffer) => sizes.push(chunk.byteLength))
      res.on('end', () => resolve(sizes))
      res.on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

describe('record: streams and unfinished requests', () => {
  it('createRecorder: an SSE stream reaches the client in the same chunks as unrecorded, and its timeline is recorded', async () => {
    const plain = await (async () => {
      await using server = await startLoopback(sse)
      return await Promise.all(Array.from({ length: 10 }, () => chunkSizes(`${server.url}/events`)))
    })()
    using fixture = recorderFixture()
    await using server = await startLoopback(fixture.recorder.wrap(sse))
    const recorded = await Promise.all(Array.from({ length: 10 }, () => chunkSizes(`${server.url}/events`)))
    expect(recorded).toEqual(plain)
    expect(recorded[0]).toHaveLength(EVENTS)
    const [recording] = await fixture.settle(10)
    expect(recording?.inbound.response.chunks?.map((chunk) => chunk.size)).toEqual(plain[0])
  })

  it('createRecorder: 200 clients aborting mid-request are recorded as incomplete; nothing escapes into the app', async () => {
    using fixture = recorderFixture()
    const appErrors: unknown[] = []
    await using server = await startLoopback(
      fixture.recorder.wrap((req, res) => {
        req.on('error', (error) => appErrors.push(error))
        req.on('data', () => {})
        req.on('end', () => res.end('done'))
      }),
    )
    const { port } = new URL(server.url)
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const socket = connect(Number(port), '127.0.0.1')
        await once(socket, 'connect')
        socket.write(
          `POST /upload/${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n${'a'.repeat(300)}`,
        )
        await new Promise((resolve) => setTimeout(resolve, 5))
        socket.destroy()
      }),
    )
    await expect.poll(() => fixture.recorder.stats().inFlight).toBe(0)
    expect(fixture.recorder.stats()).toMatchObject({ requests: 200, recorded: 200, errors: 0 })
    for (const recording of fixture.recordings) {
      expect(recording.inbound.response.incomplete).toMatch(/^aborted: /)
      expect(bodyText(recording.inbound.request.body)).toBe('a'.repeat(300))
    }
    // The app's own view (an 'aborted' error on the request) is Node's, the same as unrecorded.
    expect(appErrors.every((error) => (error as { code?: string }).code === 'ECONNRESET')).toBe(true)
  })

  it('createRecorder: responses that never end are recorded as incomplete when the client goes away', async () => {
    using fixture = recorderFixture()
    await using server = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('first piece, and then nothing')
      }),
    )
    await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) =>
          new Promise<void>((resolve, reject) => {
            const req = httpRequest(`${server.url}/forever/${i}`, (res) => {
              res.once('data', () => {
                req.destroy()
                resolve()
              })
            })
            req.on('error', (error) =>
              (error as { code?: string }).code === 'ECONNRESET' ? resolve() : reject(error),
            )
            req.end()
          }),
      ),
    )
    await expect.poll(() => fixture.recorder.stats().inFlight).toBe(0)
    expect(fixture.recordings).toHaveLength(200)
    for (const recording of fixture.recordings) {
      expect(recording.inbound.response.incomplete).toMatch(/^aborted: /)
      expect(bodyText(recording.inbound.response.body)).toBe('first piece, and then nothing')
    }
  })

  it('createRecorder: a recording holds what was seen when the response ended, though it is built later; close() hands over what is waiting', async () => {
    // A dependency that sends one piece and then waits.
    const held: ServerResponse[] = []
    await using dependency = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('early piece;')
      held.push(res)
    })
    const fixture = recorderFixture()
    let onFinish: ((upstream: IncomingMessage) => void) | undefined
    await using server = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        httpRequest(dependency.url, (upstream) => {
          upstream.once('data', (first: Buffer) => {
            res.once('finish', () => onFinish?.(upstream))
            res.end(`got ${first}`)
          })
        }).end()
      }),
    )
    // Bytes reach the call in the same turn the response finished, before the recording is built.
    onFinish = (upstream) => upstream.push(Buffer.from('pushed after the end'))
    const answer = await fetch(`${server.url}/read`)
    expect(await answer.text()).toBe('got early piece;')
    const [recording] = await fixture.settle(1)
    expect(bodyText(recording!.inbound.response.body)).toBe('got early piece;')
    const call = recording!.outbound[0]!
    expect(bodyText(call.response.body)).toBe('early piece;')
    expect(call.response.incomplete).toBe('unfinished: the inbound response ended first')

    // A response that ended just before close() is recorded by close() itself, not a turn later: here
    // close() runs in the response's own 'finish' listener, before any later turn of the event loop.
    let recordedAtClose: number | undefined
    onFinish = () => {
      fixture.recorder.close()
      recordedAtClose = fixture.recordings.length
    }
    await fetch(`${server.url}/again`).then((again) => again.text())
    await expect.poll(() => recordedAtClose).toBe(2)
    expect(fixture.recorder.stats()).toMatchObject({ requests: 2, recorded: 2, inFlight: 0 })
    for (const res of held) res.end()
  })
})
