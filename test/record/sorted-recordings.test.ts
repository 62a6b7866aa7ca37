/**
 * The recorder builds every recording with its keys in sorted order, so the writer serializes it
 * natively (`inSortedOrder`, then JSON.stringify) instead of sorting it key by key: the largest piece
 * of the NDJSON sink's cost per request.
 */
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { inSortedOrder, sortedJson } from '../../src/recording/sorted-json.ts'
import { readAll, recorderFixture, sendJson, startLoopback, startProxy } from './loopback.ts'

/** The path of the first object whose keys are out of order, for a readable failure. */
function firstUnsorted(value: unknown, path = '$'): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstUnsorted(item, `${path}[${index}]`)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  const keys = Object.keys(value)
  if (keys.join() !== [...keys].sort().join()) return `${path} {${keys.join(', ')}}`
  for (const key of keys) {
    const found = firstUnsorted((value as Record<string, unknown>)[key], `${path}.${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

describe('record: recordings in sorted key order', () => {
  it('createRecorder: inbound with bodies, chunks, status text, outbound calls and meta come out sorted', async () => {
    await using upstream = await startLoopback((req, res) => {
      if (req.url === '/gz') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
        res.end(gzipSync(JSON.stringify({ zipped: true })))
        return
      }
      sendJson(res, 200, { quote: 42 })
    })
    using fixture = recorderFixture({
      version: '1.2.3',
      configFingerprint: 'abc',
      pipeline: 'p',
      maxBodyBytes: 64,
    })
    await using app = await startLoopback(
      fixture.recorder.wrap(async (req, res) => {
        await readAll(req)
        const quote = await (await fetch(`${upstream.url}/quote`)).json()
        const zipped = await (await fetch(`${upstream.url}/gz`)).json()
        res.statusMessage = 'Fine'
        res.writeHead(201, { 'content-type': 'application/json', 'x-token': 'secret-value' })
        res.write(JSON.stringify({ quote, zipped }))
        res.end(JSON.stringify({ padding: 'x'.repeat(100), at: Date.now(), id: crypto.randomUUID() }))
      }),
    )
    await fetch(`${app.url}/items?page=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' },
      body: JSON.stringify({ password: 'hunter2', q: 'x' }),
    }).then((r) => r.arrayBuffer())
    const [recording] = await fixture.settle(1)
    expect(recording!.outbound.length).toBe(2)
    expect(recording!.inbound.response.body?.truncated).toBe(true)
    expect(firstUnsorted(recording)).toBeUndefined()
    expect(inSortedOrder(recording, 64)).toBe(true)
    expect(sortedJson(recording, 64)).toEqual({ text: JSON.stringify(recording) })
  })

  it('createRecordingProxy: its recordings come out sorted too', async () => {
    await using service = await startLoopback(async (req, res) => {
      await readAll(req)
      res.statusMessage = 'Made'
      sendJson(res, 201, { made: true })
    })
    await using proxy = await startProxy(service.url, { version: '2', maxBodyBytes: 8 })
    await fetch(`${proxy.url}/things?token=abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'sid=1' },
      body: JSON.stringify({ apiKey: 'k-123', name: 'n' }),
    }).then((r) => r.arrayBuffer())
    const [recording] = await proxy.settle(1)
    expect(firstUnsorted(recording)).toBeUndefined()
    expect(sortedJson(recording, 64)).toEqual({ text: JSON.stringify(recording) })
  })
})
