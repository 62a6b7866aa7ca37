/**
 * Calls the recording holds are answered from it faithfully, whichever client makes them.
 */
import http from 'node:http'
import { request as undiciRequest } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { exchange, recordingWith, type ServedNetwork, serve, UPSTREAM } from './network-fixtures.ts'

let served: ServedNetwork | undefined
afterEach(() => {
  served?.patches.restore()
  served = undefined
})

function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; statusMessage: string; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (chunk: Buffer) => parts.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(parts).toString(),
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('serveFromRecording: matched calls', () => {
  it('serveFromRecording: global fetch gets the recorded status, status text, repeated headers and body', async () => {
    served = serve(
      recordingWith([
        exchange({
          method: 'POST',
          url: `${UPSTREAM}/docs?b=2&a=1`,
          requestBody: '{"q":"ada"}',
          status: 201,
          statusText: 'Made It',
          headers: [
            ['content-type', 'application/json'],
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
          ],
          body: '{"ok":true}',
        }),
      ]),
    )
    const response = await fetch(`${UPSTREAM}/docs?a=1&b=2`, { method: 'POST', body: '{"q":"ada"}' })
    expect(response.status).toBe(201)
    expect(response.statusText).toBe('Made It')
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await response.json()).toEqual({ ok: true })
    expect(served.calls).toEqual([
      {
        method: 'POST',
        url: `${UPSTREAM}/docs?a=1&b=2`,
        requestDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
        matched: 0,
      },
    ])
    expect(served.errors).toEqual([])
    expect(served.consumed()).toBe(1)
  })

  it('serveFromRecording: undici.request through the global dispatcher is answered once and counted once', async () => {
    served = serve(recordingWith([exchange({ url: `${UPSTREAM}/users/1`, body: '{"name":"ada"}' })]))
    const { statusCode, headers, body } = await undiciRequest(`${UPSTREAM}/users/1`)
    expect(statusCode).toBe(200)
    expect(headers['content-type']).toBe('application/json')
    expect(await body.json()).toEqual({ name: 'ada' })
    expect(served.calls).toHaveLength(1)
    expect(served.calls[0]).toMatchObject({ method: 'GET', matched: 0 })
    expect(served.consumed()).toBe(1)
  })

  it('serveFromRecording: node:http gets the recorded status, headers and body through msw', async () => {
    served = serve(
      recordingWith([
        exchange({
          url: `${UPSTREAM}/greeting`,
          status: 418,
          statusText: 'Short And Stout',
          headers: [
            ['content-type', 'text/plain'],
            ['x-trace', 'one'],
            ['x-trace', 'two'],
          ],
          body: 'hello',
        }),
      ]),
    )
    const response = await httpGet(`${UPSTREAM}/greeting`)
    expect(response).toMatchObject({ status: 418, statusMessage: 'Short And Stout', body: 'hello' })
    expect(response.rawHeaders).toEqual(expect.arrayContaining(['x-trace', 'one', 'x-trace', 'two']))
    expect(served.calls).toEqual([
      expect.objectContaining({ method: 'GET', url: `${UPSTREAM}/greeting`, matched: 0 }),
    ])
    expect(served.consumed()).toBe(1)
  })

  it('serveFromRecording: the request digest is the same for the same request from different clients', async () => {
    served = serve(
      recordingWith([
        exchange({ url: `${UPSTREAM}/same?x=1&y=2`, body: '1' }),
        exchange({ url: `${UPSTREAM}/same?x=1&y=2`, body: '2' }),
        exchange({ url: `${UPSTREAM}/same?x=1&y=2`, body: '3' }),
      ]),
    )
    await (await fetch(`${UPSTREAM}/same?y=2&x=1`)).text()
    await (await undiciRequest(`${UPSTREAM}/same?x=1&y=2`)).body.text()
    await httpGet(`${UPSTREAM}/same?x=1&y=2`)
    const digests = new Set(served.calls.map((call) => call.requestDigest))
    expect(digests.size).toBe(1)
    expect(served.calls.map((call) => call.matched)).toEqual([0, 1, 2])
  })
})
