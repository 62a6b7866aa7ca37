/**
 * A redacted recording still replays: the code sends its real secret (in the query, the body, a header),
 * the recording holds the keyed placeholder, and the call is matched by redacting it the recorder's way.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { bodyText } from '../../../src/recording/body.ts'
import type { Recording } from '../../../src/recording/types.ts'
import { recorderFixture, sendJson, startLoopback } from '../../record/loopback.ts'
import { type ServedNetwork, serve } from './network-fixtures.ts'

const API_KEY = 'sk_live_replayMatch0123456789abcd'

/** The code under test: calls the dependency with its API key in the query, the body and a header. */
async function callWithSecrets(dependencyUrl: string, key: string): Promise<unknown> {
  const answer = await fetch(`${dependencyUrl}/charge?api_key=${key}&amount=5`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 5, password: 'hunter2-replay', note: `key ${key}` }),
  })
  return answer.json()
}

let served: ServedNetwork | undefined
afterEach(() => {
  served?.patches.restore()
  served = undefined
})

async function recordCall(): Promise<{ recording: Recording; dependencyUrl: string; live: unknown }> {
  await using dependency = await startLoopback((_req, res) => sendJson(res, 200, { charged: 5, id: 'ch_1' }))
  using fixture = recorderFixture()
  let live: unknown
  await using app = await startLoopback(
    fixture.recorder.wrap(async (_req, res) => {
      live = await callWithSecrets(dependency.url, API_KEY)
      sendJson(res, 200, live)
    }),
  )
  await (await fetch(app.url)).text()
  const [recording] = await fixture.settle()
  return { recording: recording as Recording, dependencyUrl: dependency.url, live }
}

describe('replay: redacted recordings', () => {
  it('serveFromRecording: a call carrying the real secret matches its redacted recording and gets the recorded answer', async () => {
    const { recording, dependencyUrl, live } = await recordCall()
    const call = recording.outbound[0]
    expect(JSON.stringify(recording)).not.toContain(API_KEY)
    expect(JSON.stringify(recording)).not.toContain('hunter2-replay')
    expect(call?.request.url).toMatch(/api_key=%5Bredacted%3A[0-9a-f]{12}%5D/)
    expect(bodyText(call?.request.body)).toMatch(/"password":"\[redacted:[0-9a-f]{12}\]"/)
    expect(call?.request.body?.size).toBe(Buffer.byteLength(bodyText(call?.request.body)))

    served = serve(recording)
    expect(await callWithSecrets(dependencyUrl, API_KEY)).toEqual(live)
    expect(served.errors).toEqual([])
  })

  it('serveFromRecording: another secret gives another placeholder, so the call is unrecorded', async () => {
    const { recording, dependencyUrl } = await recordCall()
    served = serve(recording)
    await expect(callWithSecrets(dependencyUrl, 'sk_live_someOtherKey99999999999999')).rejects.toThrow()
    expect(served.errors.map((error) => error.code)).toEqual(['PARALLAX_OUTBOUND_UNMATCHED'])
  })
})
