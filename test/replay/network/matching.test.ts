/**
 * Matching: identical requests consume their recorded occurrences in order, one call too many is an
 * error, and a request the recording does not hold names the closest recorded exchange.
 */
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { isParallaxError } from '../../../src/recording/errors.ts'
import { exchange, recordingWith, type ServedNetwork, serve, UPSTREAM } from './network-fixtures.ts'

let served: ServedNetwork | undefined
afterEach(() => {
  served?.patches.restore()
  served = undefined
})

describe('serveFromRecording: matching', () => {
  it('serveFromRecording: identical requests recorded twice get the first, then the second response', async () => {
    served = serve(
      recordingWith([
        exchange({ url: `${UPSTREAM}/poll`, body: '"first"' }),
        exchange({ url: `${UPSTREAM}/other`, body: '"other"' }),
        exchange({ url: `${UPSTREAM}/poll`, body: '"second"' }),
      ]),
    )
    expect(await (await fetch(`${UPSTREAM}/poll`)).json()).toBe('first')
    expect(await (await fetch(`${UPSTREAM}/poll`)).json()).toBe('second')
    expect(served.calls.map((call) => call.matched)).toEqual([0, 2])
    expect(served.consumed()).toBe(2)
  })

  it('serveFromRecording: a call made once more than recorded is an error, not a repeated response', async () => {
    served = serve(
      recordingWith([
        exchange({ url: `${UPSTREAM}/poll`, body: '1' }),
        exchange({ url: `${UPSTREAM}/poll`, body: '2' }),
      ]),
    )
    await (await fetch(`${UPSTREAM}/poll`)).text()
    await (await fetch(`${UPSTREAM}/poll`)).text()
    const failure = await fetch(`${UPSTREAM}/poll`).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TypeError)
    expect(isParallaxError((failure as TypeError).cause, 'PARALLAX_OUTBOUND_UNMATCHED')).toBe(true)
    expect(served.errors.map((error) => error.message)).toEqual([
      `Failed to replay outbound call GET ${UPSTREAM}/poll: it was recorded 2 times and called 3 times.`,
    ])
    expect(served.calls.map((call) => call.matched)).toEqual([0, 1, null])
    expect(served.consumed()).toBe(2)
  })

  it('serveFromRecording: an unrecorded call rejects fetch with a TypeError caused by the ParallaxError', async () => {
    served = serve(recordingWith([exchange({ url: `${UPSTREAM}/docs?lang=fr&limit=5`, body: '[]' })]))
    const failure = await fetch(`${UPSTREAM}/docs?limit=5&lang=en`).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TypeError)
    const error = (failure as TypeError).cause
    expect(error).toBe(served.errors[0])
    expect(served.errors[0]).toMatchObject({
      code: 'PARALLAX_OUTBOUND_UNMATCHED',
      message: `Failed to replay outbound call GET ${UPSTREAM}/docs?limit=5&lang=en: the recording holds no such request; the closest recorded exchange is #0 GET ${UPSTREAM}/docs?lang=fr&limit=5 (query param lang is "fr" in the recording, "en" here).`,
      hint: 'Compare the request with recorded exchange #0 (query param lang is "fr" in the recording, "en" here): fix the code or config that builds it, or re-record if production now sends it too.',
      details: {
        request: { method: 'GET', url: `${UPSTREAM}/docs?limit=5&lang=en` },
        closest: { index: 0, method: 'GET', url: `${UPSTREAM}/docs?lang=fr&limit=5` },
      },
    })
    expect(served.calls).toEqual([
      {
        method: 'GET',
        url: `${UPSTREAM}/docs?limit=5&lang=en`,
        requestDigest: expect.any(String),
        matched: null,
      },
    ])
    expect(served.consumed()).toBe(0)
  })

  it('serveFromRecording: a wrong body names the closest exchange and the JSON path that differs', async () => {
    served = serve(
      recordingWith([
        exchange({
          method: 'POST',
          url: `${UPSTREAM}/search`,
          requestBody: '{"q":"ada","page":1}',
          body: '[]',
        }),
        exchange({ method: 'GET', url: `${UPSTREAM}/search`, body: '[]' }),
      ]),
    )
    await expect(
      fetch(`${UPSTREAM}/search`, { method: 'POST', body: '{"q":"bob","page":1}' }),
    ).rejects.toThrow(TypeError)
    expect(served.errors[0]?.message).toBe(
      `Failed to replay outbound call POST ${UPSTREAM}/search: the recording holds no such request; the closest recorded exchange is #0 POST ${UPSTREAM}/search (body differs at $.q ("ada" in the recording, "bob" here)).`,
    )
  })

  it('serveFromRecording: a call to another origin names the recorded exchange with the same path', async () => {
    served = serve(
      recordingWith([
        exchange({ url: `${UPSTREAM}/a`, body: '1' }),
        exchange({ url: `${UPSTREAM}/b`, body: '2' }),
      ]),
    )
    await expect(fetch('http://staging.invalid/b')).rejects.toThrow(TypeError)
    expect(served.errors[0]?.message).toBe(
      `Failed to replay outbound call GET http://staging.invalid/b: the recording holds no such request; the closest recorded exchange is #1 GET ${UPSTREAM}/b (origin is ${UPSTREAM} in the recording, http://staging.invalid here).`,
    )
  })

  it('serveFromRecording: a call when the recording holds no outbound exchange says so', async () => {
    served = serve(recordingWith([]))
    await expect(fetch('http://elsewhere.invalid/a')).rejects.toThrow(TypeError)
    expect(served.errors[0]?.message).toBe(
      'Failed to replay outbound call GET http://elsewhere.invalid/a: the recording holds no such request; it holds no exchange with http://elsewhere.invalid.',
    )
  })

  it('serveFromRecording: an unrecorded node:http call emits error with the ParallaxError', async () => {
    served = serve(recordingWith([exchange({ url: `${UPSTREAM}/a`, body: '1' })]))
    const error = await new Promise<unknown>((resolve) => {
      const req = http.get(`${UPSTREAM}/b`, () => resolve(new Error('answered')))
      req.on('error', resolve)
    })
    expect(isParallaxError(error, 'PARALLAX_OUTBOUND_UNMATCHED')).toBe(true)
    expect((error as Error).message).toContain(`path is /a in the recording, /b here`)
    expect(served.calls).toEqual([
      expect.objectContaining({ method: 'GET', url: `${UPSTREAM}/b`, matched: null }),
    ])
  })
})
