import { once } from 'node:events'
import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DATA_SOURCE_CHUNK_SIZE,
  type DataSource,
  startDataSource,
} from '../../../examples/copilot/data-source.ts'

/** Sends a raw HTTP/1.1 GET and returns the status and the sizes and bytes of the chunks as framed on the wire. */
async function getChunked(
  url: string,
  path: string,
): Promise<{ status: number; chunkSizes: number[]; body: Buffer }> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  // write, not end: a client that half-closes its side gets its streamed answer cut short by node:http.
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`)
  const received: Buffer[] = []
  socket.on('data', (data: Buffer) => received.push(data))
  await once(socket, 'close')
  const raw = Buffer.concat(received)
  const headerEnd = raw.indexOf('\r\n\r\n')
  const head = raw.subarray(0, headerEnd).toString('latin1')
  expect(head).toMatch(/\r\ntransfer-encoding: chunked/i)
  const chunkSizes: number[] = []
  const parts: Buffer[] = []
  let at = headerEnd + 4
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at)
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16)
    if (lineEnd < 0 || !Number.isInteger(size)) throw new Error(`Malformed chunked body at byte ${at}.`)
    if (size === 0) break
    chunkSizes.push(size)
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return { status: Number(head.split(' ')[1]), chunkSizes, body: Buffer.concat(parts) }
}

const isAscii = (bytes: Uint8Array) => bytes.every((byte) => byte < 0x80)

describe('data source', () => {
  let dataSource: DataSource
  beforeEach(async () => {
    dataSource = await startDataSource()
  })
  afterEach(async () => {
    await dataSource.close()
  })

  it('data source: streams the answer in chunks of exactly 37 bytes, the last one shorter', async () => {
    const q = encodeURIComponent('Comment annuler une requête fetch après un délai d’expiration ?')
    const { status, chunkSizes, body } = await getChunked(dataSource.url, `/context?q=${q}&k=6&lang=fr`)
    expect(status).toBe(200)
    expect(DATA_SOURCE_CHUNK_SIZE).toBe(37)
    expect(chunkSizes.length).toBeGreaterThan(10)
    expect(chunkSizes.slice(0, -1).every((size) => size === DATA_SOURCE_CHUNK_SIZE)).toBe(true)
    expect(chunkSizes.at(-1)).toBeLessThanOrEqual(DATA_SOURCE_CHUNK_SIZE)
    // Some chunk boundary falls inside a multi-byte character: the next chunk starts with a continuation byte.
    const starts = chunkSizes.map((_, index) => index * DATA_SOURCE_CHUNK_SIZE).slice(1)
    expect(starts.some((start) => ((body[start] ?? 0) & 0xc0) === 0x80)).toBe(true)
    const documents = JSON.parse(body.toString('utf8')) as Array<{ id: string; score: number }>
    expect(documents.map((doc) => doc.id)).toMatchInlineSnapshot(`
      [
        "fr-abort",
        "fr-erreurs",
        "fr-fetch-flux",
        "fr-cache",
      ]
    `)
    expect(documents.every((doc) => doc.id.startsWith('fr-') && doc.score > 0)).toBe(true)
  })

  it('data source: answers the same query with the same bytes every time', async () => {
    const path = `/context?q=${encodeURIComponent('ストリームで読む')}&k=3&lang=ja`
    const first = await getChunked(dataSource.url, path)
    const second = await getChunked(dataSource.url, path)
    expect(second.body.equals(first.body)).toBe(true)
    expect(second.chunkSizes).toEqual(first.chunkSizes)
  })

  it('data source: returns only ASCII documents for an English query without emoji words', async () => {
    const res = await fetch(
      `${dataSource.url}/context?q=${encodeURIComponent('retry with backoff')}&k=10&lang=en`,
    )
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(isAscii(bytes)).toBe(true)
    expect(
      (JSON.parse(new TextDecoder().decode(bytes)) as Array<{ id: string }>).map((doc) => doc.id),
    ).toEqual(['en-retry-backoff'])
  })

  it('data source: returns multi-byte text for emoji, accented and Japanese queries', async () => {
    for (const [q, lang] of [
      ['bug fix emoji', 'en'],
      ['große Dateien', 'de'],
      ['キャッシュ', 'ja'],
    ] as const) {
      const res = await fetch(`${dataSource.url}/context?q=${encodeURIComponent(q)}&k=2&lang=${lang}`)
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect(isAscii(bytes), q).toBe(false)
      expect((JSON.parse(new TextDecoder().decode(bytes)) as unknown[]).length, q).toBeGreaterThan(0)
    }
  })

  it('data source: rejects a missing query, a bad k and a bad lang with 400', async () => {
    const statuses = await Promise.all(
      ['/context', '/context?q=x&k=0', '/context?q=x&k=11', '/context?q=x&lang=french'].map(
        async (path) => (await fetch(`${dataSource.url}${path}`)).status,
      ),
    )
    expect(statuses).toEqual([400, 400, 400, 400])
    const missing = await fetch(`${dataSource.url}/nope`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'No route /nope.' })
  })
})
