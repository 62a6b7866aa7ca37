/**
 * Zero-code capture: with `captureServers`, every node:http server is recorded through the server
 * diagnostics channel, without `wrap`; calls through the app's own undici Pool are captured too.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { Pool } from 'undici'
import { describe, expect, it } from 'vitest'
import { RECORDER_CHANNEL, type RecorderEvent } from '../../src/record/index.ts'
import { bodyText } from '../../src/recording/body.ts'
import { readAll, recorderFixture, sendJson, startLoopback } from './loopback.ts'

describe('record: every server in the process', () => {
  it('createRecorder({ captureServers }): records a plain server with its outbound fetch, its Pool call and its clock reads', async () => {
    await using dependency = await startLoopback(async (req, res) => {
      sendJson(res, 200, { path: req.url, body: (await readAll(req)).toString() })
    })
    const pool = new Pool(dependency.url, { connections: 1 })
    using fixture = recorderFixture({ captureServers: true })
    await using app = await startLoopback(async (req, res) => {
      const posted = (await readAll(req)).toString()
      const viaFetch = await (await fetch(`${dependency.url}/fetch`)).json()
      const viaPool = await (await pool.request({ path: '/pool', method: 'POST', body: posted })).body.json()
      sendJson(res, 200, { viaFetch, viaPool, at: Date.now() })
    })
    const answer = await (await fetch(`${app.url}/run?x=1`, { method: 'POST', body: 'hello' })).json()
    await pool.close()

    // The dependency is a server in this process too: it is recorded as well (3 requests in all).
    await fixture.settle(3)
    const recording = fixture.recordings.find((r) => r.inbound.request.url.endsWith('/run?x=1'))
    expect(recording?.inbound.request).toMatchObject({ method: 'POST', url: `${app.url}/run?x=1` })
    expect(bodyText(recording?.inbound.request.body)).toBe('hello')
    expect(JSON.parse(bodyText(recording?.inbound.response.body))).toEqual(answer)
    expect(recording?.outbound.map((call) => call.request.url)).toEqual([
      `${dependency.url}/fetch`,
      `${dependency.url}/pool`,
    ])
    expect(bodyText(recording?.outbound[1]?.request.body)).toBe('hello')
    expect(recording?.nondeterminism.clock).toContain((answer as { at: number }).at)
    // The test's own fetch of /run is made outside any request: the one unattributed call.
    expect(fixture.recorder.stats()).toMatchObject({ requests: 3, recorded: 3, inFlight: 0, unattributed: 1 })
  })

  it('createRecorder({ captureServers }): a request is recorded once when its handler is also wrapped', async () => {
    using fixture = recorderFixture({ captureServers: true })
    await using app = await startLoopback(fixture.recorder.wrap((_req, res) => res.end('once')))
    await (await fetch(`${app.url}/`)).text()
    await fixture.settle()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(fixture.recordings).toHaveLength(1)
    expect(fixture.recorder.stats()).toMatchObject({ requests: 1, recorded: 1 })
  })

  it('createRecorder: an outbound call outside any request is counted as unattributed, not recorded', async () => {
    await using dependency = await startLoopback((_req, res) => res.end('ok'))
    using fixture = recorderFixture({ captureServers: true })
    await (await fetch(`${dependency.url}/background`)).text()
    // The dependency is a server in this process too: its own request is recorded, with no outbound call.
    const [recording] = await fixture.settle()
    expect(fixture.recorder.stats()).toMatchObject({ unattributed: 1, requests: 1, recorded: 1 })
    expect(recording?.outbound).toEqual([])
  })

  it('createRecorder: publishes each settled request with the counters on the parallax:recorder channel', async () => {
    const events: RecorderEvent[] = []
    const listener = (event: unknown) => events.push(event as RecorderEvent)
    subscribe(RECORDER_CHANNEL, listener)
    try {
      using fixture = recorderFixture({ captureServers: true, exclude: ['/health'] })
      await using app = await startLoopback((_req, res) => res.end('ok'))
      await (await fetch(`${app.url}/health`)).text()
      await (await fetch(`${app.url}/work`)).text()
      await fixture.settle()
      expect(events.map((event) => event.event)).toEqual(['filtered', 'recorded'])
      expect(events[1]?.stats).toMatchObject({ requests: 2, filtered: 1, recorded: 1, inFlight: 0 })
      expect(events[1]?.recordingId).toBe(fixture.recordings[0]?.id)
    } finally {
      unsubscribe(RECORDER_CHANNEL, listener)
    }
  })
})
