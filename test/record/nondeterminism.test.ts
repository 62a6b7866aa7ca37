import { randomUUID as nodeRandomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { readAll, recorderFixture, sendJson, startLoopback, streamingDependency } from './loopback.ts'

describe('record: nondeterminism', () => {
  it('createRecorder: records clock, random and UUID reads in read order, with the values the app got', async () => {
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        const first = Date.now()
        const random = Math.random()
        const uuid = crypto.randomUUID()
        const date = new Date()
        const fixed = new Date(0)
        const second = Date.now()
        sendJson(res, 200, {
          clock: [first, date.getTime(), second],
          random: [random],
          uuids: [uuid],
          fixedIsDate: fixed instanceof Date && date instanceof Date,
          utc: Date.UTC(2020, 0, 1),
        })
      }),
    )

    const seen = (await (await fetch(app.url)).json()) as Record<string, unknown>
    const [recording] = await fixture.settle()
    expect(recording!.nondeterminism).toEqual({
      clock: seen['clock'],
      random: seen['random'],
      uuids: seen['uuids'],
    })
    expect(seen['fixedIsDate']).toBe(true)
    expect(seen['utc']).toBe(Date.UTC(2020, 0, 1))
  })

  it('createRecorder: records Date() called as a function and randomUUID imported from node:crypto', async () => {
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        const text = Date()
        const uuid = nodeRandomUUID()
        sendJson(res, 200, { text, uuid })
      }),
    )
    const seen = (await (await fetch(app.url)).json()) as { text: string; uuid: string }
    const [recording] = await fixture.settle()
    expect(recording!.nondeterminism.clock).toHaveLength(1)
    expect(String(new Date(recording!.nondeterminism.clock[0]!))).toBe(seen.text)
    expect(recording!.nondeterminism.uuids).toEqual([seen.uuid])
  })

  it('createRecorder: keeps the reads of two concurrent requests apart', async () => {
    using fixture = recorderFixture()
    let arrived = 0
    let release!: () => void
    const bothArrived = new Promise<void>((resolve) => {
      release = resolve
    })
    await using app = await startLoopback(
      fixture.recorder.wrap(async (req, res) => {
        const before = Math.random()
        arrived++
        if (arrived === 2) release()
        await bothArrived
        const after = crypto.randomUUID()
        sendJson(res, 200, { name: req.url, random: [before], uuids: [after] })
      }),
    )

    const answers = (await Promise.all(
      ['/a', '/b'].map(async (path) => (await fetch(`${app.url}${path}`)).json()),
    )) as Array<{ name: string; random: number[]; uuids: string[] }>
    const recordings = await fixture.settle(2)
    for (const answer of answers) {
      const recording = recordings.find((r) => r.inbound.request.url.endsWith(answer.name))!
      expect(recording.nondeterminism).toEqual({ clock: [], random: answer.random, uuids: answer.uuids })
    }
  })

  it('createRecorder: records reads made in request event listeners, not those made outside any request', async () => {
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap((req, res) => {
        const reads: number[] = []
        req.on('data', () => reads.push(Math.random()))
        req.on('end', () => sendJson(res, 200, reads))
      }),
    )

    const outside = Math.random()
    const reads = (await (await fetch(app.url, { method: 'POST', body: 'x' })).json()) as number[]
    Math.random()
    const [recording] = await fixture.settle()
    expect(reads.length).toBeGreaterThan(0)
    expect(recording!.nondeterminism.random).toEqual(reads)
    expect(recording!.nondeterminism.random).not.toContain(outside)
  })

  it('createRecorder: does not record the clock reads of fetch and undici internals', async () => {
    await using dependency = await startLoopback(streamingDependency(Buffer.alloc(100, 'z'), 10))
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap(async (_req, res) => {
        const response = await fetch(dependency.url)
        const chunks: Uint8Array[] = []
        for await (const chunk of response.body!) chunks.push(chunk)
        const { request } = await import('undici')
        await (await request(dependency.url)).body.text()
        const { get } = await import('node:http')
        await new Promise((resolve, reject) => get(dependency.url, (r) => readAll(r).then(resolve, reject)))
        sendJson(res, 200, { now: Date.now() })
      }),
    )

    const { now } = (await (await fetch(app.url)).json()) as { now: number }
    const [recording] = await fixture.settle()
    expect(recording!.outbound).toHaveLength(3)
    expect(recording!.nondeterminism).toEqual({ clock: [now], random: [], uuids: [] })
  })
})
