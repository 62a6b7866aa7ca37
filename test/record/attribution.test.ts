/**
 * Attribution under concurrency: 1,000 requests in flight at once, each calling out through a shared
 * undici Pool, a keep-alive http.Agent, a timer and an event emitter; every outbound call lands in the
 * recording of the request that made it, and calls made outside any request are counted, never guessed.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { EventEmitter } from 'node:events'
import { Agent as HttpAgent, get as httpGet } from 'node:http'
import { Pool } from 'undici'
import { describe, expect, it } from 'vitest'
import type { Recording } from '../../src/recording/types.ts'
import { readAll, recorderFixture, sendJson, startLoopback } from './loopback.ts'

const REQUESTS = Number(process.env.N ?? 1000)

function agentGet(url: string, agent: HttpAgent): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent }, (res) => {
      readAll(res).then((bytes) => resolve(bytes.toString()), reject)
    }).on('error', reject)
  })
}

describe('record: attribution', () => {
  it(`createRecorder: ${REQUESTS} concurrent requests, 0 outbound calls in the wrong recording`, async () => {
    await using dependency = await startLoopback((req, res) => {
      // A little jitter so answers come back out of order.
      setTimeout(() => res.end(req.url), (req.url?.length ?? 0) % 3)
    })
    const pool = new Pool(dependency.url, { connections: 8 })
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 8 })
    // Shared by all requests: a listener runs in the context of whoever emits.
    const background = new EventEmitter()
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap(async (req, res) => {
        const id = req.url?.split('/')[2] ?? ''
        const local = new EventEmitter()
        const fromLocalEmitter = new Promise<string>((resolve) => {
          local.once('go', () =>
            resolve(pool.request({ method: 'GET', path: `/emitter/${id}` }).then((r) => r.body.text())),
          )
        })
        // Emitted later by the background batcher, outside every request: its call is unattributable.
        background.once(`batch-${id}`, () => {
          void pool.request({ method: 'GET', path: `/background/${id}` }).then((r) => r.body.text())
        })
        const answers = Promise.all([
          pool.request({ method: 'GET', path: `/pool/${id}` }).then((r) => r.body.text()),
          agentGet(`${dependency.url}/agent/${id}`, agent),
          new Promise<string>((resolve, reject) => {
            setTimeout(
              () =>
                fetch(`${dependency.url}/timer/${id}`)
                  .then((r) => r.text())
                  .then(resolve, reject),
              Number(id) % 7,
            )
          }),
          fromLocalEmitter,
          Promise.resolve().then(() => local.emit('go')),
        ])
        // A failed call must fail the test, not hang it.
        await answers.then(
          (values) => res.end(JSON.stringify(values)),
          (error: unknown) => {
            res.statusCode = 500
            res.end(String(error))
          },
        )
      }),
    )

    const client = new Pool(app.url, { connections: 64 })
    const batcher = setInterval(() => {
      for (const name of background.eventNames()) background.emit(name)
    }, 5)
    try {
      const statuses = await Promise.all(
        Array.from({ length: REQUESTS }, async (_, i) => {
          const answer = await client.request({ method: 'GET', path: `/r/${i}` })
          await answer.body.text()
          return answer.statusCode
        }),
      )
      expect(statuses.filter((status) => status !== 200)).toEqual([])
      await expect.poll(() => fixture.recorder.stats().inFlight, { timeout: 10_000 }).toBe(0)
      await expect.poll(() => background.eventNames().length).toBe(0)
    } finally {
      clearInterval(batcher)
      await client.close()
    }
    await fixture.settle(REQUESTS)

    let wrong = 0
    for (const recording of fixture.recordings) {
      const id = new URL(recording.inbound.request.url).pathname.split('/')[2]
      const paths = recording.outbound.map((call) => new URL(call.request.url).pathname).sort()
      const expected = [`/agent/${id}`, `/emitter/${id}`, `/pool/${id}`, `/timer/${id}`]
      if (JSON.stringify(paths) !== JSON.stringify(expected)) wrong++
    }
    expect(fixture.recordings).toHaveLength(REQUESTS)
    expect(wrong).toBe(0)
    // The client's own calls and every background call: made outside any request, counted, not recorded.
    await expect.poll(() => fixture.recorder.stats().unattributed).toBe(REQUESTS * 2)
    await pool.close()
    agent.destroy()
  }, 60_000)

  it('createRecorder: onRecording runs outside every request context; a call it makes lands in no recording', async () => {
    await using collector = await startLoopback((_req, res) => res.end('stored'))
    const appContext = new AsyncLocalStorage<string>()
    const seen: Array<string | undefined> = []
    const recordings: Recording[] = []
    using fixture = recorderFixture({
      onRecording: (recording) => {
        recordings.push(recording)
        seen.push(appContext.getStore())
        // A sink that ships recordings over HTTP: its own calls belong to no request.
        void fetch(collector.url).then((r) => r.arrayBuffer())
      },
    })
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) =>
        appContext.run('request-scope', () => sendJson(res, 200, { ok: 1 })),
      ),
    )
    for (let i = 0; i < 3; i++) await fetch(app.url).then((r) => r.arrayBuffer())
    await expect.poll(() => recordings.length).toBe(3)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(seen).toEqual([undefined, undefined, undefined])
    expect(recordings.map((recording) => recording.outbound.length)).toEqual([0, 0, 0])
    expect(fixture.errors).toEqual([])
  })
})
