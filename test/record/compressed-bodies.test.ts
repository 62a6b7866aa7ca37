/**
 * Compressed bodies are recorded decoded with their Content-Encoding noted, and replay serves them
 * encoded again: the app reads the same bytes from a replayed dependency as from the real one.
 */
import http from 'node:http'
import { brotliCompressSync, gunzipSync, gzipSync, zstdCompressSync } from 'node:zlib'
import { request as undiciRequest } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { bodyText } from '../../src/recording/body.ts'
import type { Recording } from '../../src/recording/types.ts'
import { type ServedNetwork, serve } from '../replay/network/network-fixtures.ts'
import { readAll, recorderFixture, sendJson, startLoopback } from './loopback.ts'

const DOCUMENT = JSON.stringify({
  docs: Array.from({ length: 40 }, (_, i) => ({ id: i, text: `café ${i} ✓` })),
})
const ENCODERS = { gzip: gzipSync, br: brotliCompressSync, zstd: zstdCompressSync } as const

/** A dependency answering DOCUMENT compressed with the coding named by the path, in two writes. */
function startCompressingDependency() {
  return startLoopback((req, res) => {
    const coding = (req.url ?? '').slice(1) as keyof typeof ENCODERS
    const wire = ENCODERS[coding](Buffer.from(DOCUMENT))
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': coding,
      'content-length': wire.length,
    })
    res.write(wire.subarray(0, 10))
    setTimeout(() => res.end(wire.subarray(10)), 5)
  })
}

async function recordFetchOf(
  dependencyUrl: string,
  coding: string,
  maxBodyBytes?: number,
): Promise<Recording> {
  using fixture = recorderFixture(maxBodyBytes === undefined ? {} : { maxBodyBytes })
  await using app = await startLoopback(
    fixture.recorder.wrap(async (_req, res) => {
      const answer = await fetch(`${dependencyUrl}/${coding}`)
      sendJson(res, 200, { length: (await answer.text()).length })
    }),
  )
  await (await fetch(`${app.url}/run`)).arrayBuffer()
  const [recording] = await fixture.settle()
  return recording as Recording
}

let served: ServedNetwork | undefined
afterEach(() => {
  served?.patches.restore()
  served = undefined
})

describe('record: compressed bodies', () => {
  for (const coding of Object.keys(ENCODERS)) {
    it(`createRecorder: a ${coding} response is stored decoded with its encoding, and replays to the same text`, async () => {
      await using dependency = await startCompressingDependency()
      const recording = await recordFetchOf(dependency.url, coding)
      const body = recording.outbound[0]?.response.body
      expect(body).toMatchObject({ encoding: 'utf8', text: DOCUMENT, contentEncoding: coding })
      expect(body?.size).toBe(Buffer.byteLength(DOCUMENT))
      const chunks = recording.outbound[0]?.response.chunks ?? []
      expect(chunks.length).toBe(2)
      expect(chunks.reduce((sum, chunk) => sum + chunk.size, 0)).toBe(body?.size)

      served = serve(recording)
      const url = `${dependency.url}/${coding}`
      expect(await (await fetch(url)).text()).toBe(DOCUMENT)
      served.patches.restore()
      served = serve(recording)
      const viaUndici = await undiciRequest(url)
      expect(viaUndici.headers['content-encoding']).toBe(coding)
      const wire = Buffer.from(await viaUndici.body.arrayBuffer())
      expect(Number(viaUndici.headers['content-length'])).toBe(wire.length)
    })
  }

  it('replay: a node:http client gets gzip bytes that decode to the recorded body, with a matching content-length', async () => {
    await using dependency = await startCompressingDependency()
    const recording = await recordFetchOf(dependency.url, 'gzip')
    served = serve(recording)
    const { headers, bytes } = await new Promise<{ headers: http.IncomingHttpHeaders; bytes: Buffer }>(
      (resolve, reject) => {
        http
          .get(`${dependency.url}/gzip`, (res) => {
            readAll(res).then((bytes) => resolve({ headers: res.headers, bytes }), reject)
          })
          .on('error', reject)
      },
    )
    expect(headers['content-encoding']).toBe('gzip')
    expect(Number(headers['content-length'])).toBe(bytes.length)
    expect(gunzipSync(bytes).toString()).toBe(DOCUMENT)
  })

  it('createRecorder: a compressed body cut by the size cap keeps no byte, only its wire size and hash', async () => {
    await using dependency = await startCompressingDependency()
    const recording = await recordFetchOf(dependency.url, 'gzip', 16)
    const body = recording.outbound[0]?.response.body
    expect(body).toMatchObject({ encoding: 'utf8', text: '', truncated: true, contentEncoding: 'gzip' })
    expect(body?.size).toBe(gzipSync(Buffer.from(DOCUMENT)).length)
  })

  it('createRecorder: an inbound response compressed by the app is stored decoded', async () => {
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' })
        res.end(gzipSync(Buffer.from('hello, compressed world')))
      }),
    )
    expect(await (await fetch(`${app.url}/`)).text()).toBe('hello, compressed world')
    const [recording] = await fixture.settle()
    expect(bodyText(recording?.inbound.response.body)).toBe('hello, compressed world')
    expect(recording?.inbound.response.body?.contentEncoding).toBe('gzip')
  })

  it('createRecorder: a body that claims gzip but is not keeps no byte and stays loadable', async () => {
    using fixture = recorderFixture()
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' })
        res.end('not gzip at all')
      }),
    )
    await (await fetch(`${app.url}/`).catch(() => undefined))?.arrayBuffer().catch(() => undefined)
    const [recording] = await fixture.settle()
    expect(recording?.inbound.response.body).toMatchObject({ text: '', truncated: true, size: 15 })
  })
})
