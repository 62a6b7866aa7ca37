/**
 * HAR files written by real producers (test/fixtures/har/README.md names each one's source): they
 * import without a skipped entry, import → export → import gives the same recordings, and the export
 * keeps every entry's method, URL, headers (order and repeats), status and body bytes.
 */
import { readFile } from 'node:fs/promises'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  bodyBytes,
  type HarEntry,
  harFromRecordings,
  parseHarText,
  readHarFile,
  recordingsFromHar,
} from '../../src/recording/index.ts'
import { har12Schema } from '../fixtures/har/har-1.2-schema.ts'

const FIXTURES = new URL('../fixtures/har/', import.meta.url)

const PRODUCERS = [
  { file: 'chrome.har', creator: 'WebInspector', entries: 3 },
  { file: 'firefox.har', creator: 'Firefox', entries: 13 },
  { file: 'firefox-head.har', creator: 'Firefox', entries: 1 },
  { file: 'safari.har', creator: 'WebKit Web Inspector', entries: 4 },
  { file: 'charles.har', creator: 'Charles Proxy', entries: 1 },
  { file: 'insomnia.har', creator: 'Insomnia REST Client', entries: 1 },
  { file: 'with-bom.har', creator: 'WebInspector', entries: 1 },
  { file: 'polly-5-node-fetch.har', creator: 'Polly.JS', entries: 1 },
  { file: 'polly-1-node-fetch.har', creator: 'Polly.JS', entries: 1 },
] as const

/** A source entry as plain JSON, read independently of the importer. */
interface RawEntry {
  request: {
    method: string
    url: string
    headers: Array<{ name: string; value: string | string[] }>
    postData?: { text?: string; encoding?: string }
  }
  response: {
    status: number
    headers: Array<{ name: string; value: string | string[] }>
    content: { text?: string; encoding?: string; _isBinary?: boolean }
  }
}

function rawHar(text: string): { log: { entries: RawEntry[] } } {
  return JSON.parse(text.replace(/^\uFEFF/, ''))
}

/** Headers in order, a Polly.JS 1.x array value counting as that many repeated headers. */
function headerPairs(headers: RawEntry['request']['headers']): Array<[string, string]> {
  return headers.flatMap(({ name, value }) =>
    Array.isArray(value) ? value.map((item): [string, string] => [name, item]) : [[name, String(value)]],
  )
}

/** The body bytes a HAR body stands for: text, base64, or Polly.JS's array of raw chunks decoded. */
function bytesOf(
  body: { text?: string; encoding?: string; _encoding?: string; _isBinary?: boolean } | undefined,
  headers: Array<[string, string]>,
): Buffer {
  const text = body?.text ?? ''
  const coding = headers.find(([name]) => name.toLowerCase() === 'content-encoding')?.[1]
  if (text.startsWith('["') && coding !== undefined) {
    const chunks = JSON.parse(text) as string[]
    const wire = Buffer.concat(
      chunks.map((chunk) => Buffer.from(chunk, body?.encoding === 'base64' ? 'base64' : 'hex')),
    )
    return coding === 'br' ? brotliDecompressSync(wire) : gunzipSync(wire)
  }
  if ((body?.encoding ?? body?._encoding) === 'base64') return Buffer.from(text, 'base64')
  return Buffer.from(text, 'utf8')
}

function exportedView(entry: HarEntry) {
  const requestHeaders = entry.request.headers.map(({ name, value }): [string, string] => [name, value])
  const responseHeaders = entry.response.headers.map(({ name, value }): [string, string] => [name, value])
  return {
    method: entry.request.method,
    url: entry.request.url,
    requestHeaders,
    requestBody: bytesOf(entry.request.postData, []).toString('hex'),
    status: entry.response.status,
    responseHeaders,
    responseBody: bytesOf(entry.response.content, []).toString('hex'),
  }
}

function sourceView(entry: RawEntry) {
  const requestHeaders = headerPairs(entry.request.headers)
  const responseHeaders = headerPairs(entry.response.headers)
  return {
    method: entry.request.method,
    url: entry.request.url,
    requestHeaders,
    requestBody: bytesOf(entry.request.postData, requestHeaders).toString('hex'),
    status: entry.response.status,
    responseHeaders,
    responseBody: bytesOf(entry.response.content, responseHeaders).toString('hex'),
  }
}

describe('HAR from real producers', () => {
  for (const producer of PRODUCERS) {
    it(`recordingsFromHar: ${producer.file} (${producer.creator}) imports every entry, and import → export → import gives the same recordings`, async () => {
      const path = new URL(producer.file, FIXTURES).pathname
      const first = recordingsFromHar(await readHarFile(path), { source: producer.file })
      expect(first.creator?.name).toBe(producer.creator)
      expect(first.skipped).toEqual([])
      expect(first.entries).toBe(producer.entries)
      expect(first.recordings).toHaveLength(producer.entries)
      expect(new Set(first.recordings.map((r) => r.id)).size).toBe(producer.entries)

      const har = harFromRecordings(first.recordings)
      expect(har12Schema.safeParse(har).error).toBeUndefined()
      const second = recordingsFromHar(parseHarText(JSON.stringify(har)))
      expect(second.skipped).toEqual([])
      expect(second.recordings).toStrictEqual(first.recordings)
    })

    it(`harFromRecordings: ${producer.file} keeps each entry's method, URL, headers, status and body bytes`, async () => {
      const text = await readFile(new URL(producer.file, FIXTURES), 'utf8')
      const source = rawHar(text).log.entries
      const { recordings } = recordingsFromHar(parseHarText(text))
      const exported = harFromRecordings(recordings).log.entries
      expect(exported.map(exportedView)).toEqual(source.map(sourceView))
    })
  }

  it('recordingsFromHar: a Chrome entry that failed (status 0, _error) imports as an incomplete exchange', async () => {
    const { recordings } = recordingsFromHar(await readHarFile(new URL('chrome.har', FIXTURES).pathname))
    const failed = recordings.find((r) => r.inbound.response.status === 0)
    expect(failed?.inbound.response.incomplete).toBe('net::ERR_INTERNET_DISCONNECTED')
    expect(failed?.meta).toEqual({ service: 'www.google.com', environment: 'imported' })
    expect(failed?.recordedAt).toBe('2023-07-13T12:32:32.676Z')
    const png = recordings.find((r) => r.inbound.request.url.endsWith('.png'))
    expect(png?.inbound.response.body).toMatchObject({ encoding: 'base64', size: 7108 })
    expect(bodyBytes(png?.inbound.response.body).subarray(1, 4).toString()).toBe('PNG')
  })

  it('recordingsFromHar: Firefox entries without a body import with none, and their offset times become UTC', async () => {
    const { recordings } = recordingsFromHar(await readHarFile(new URL('firefox.har', FIXTURES).pathname))
    const logo = recordings.find((r) => r.inbound.request.url.endsWith('logo-navbar.png'))
    expect(logo?.inbound.response.body).toBeUndefined()
    expect(logo?.recordedAt).toBe('2023-03-29T23:58:59.418Z')
  })

  it('recordingsFromHar: Polly.JS gzip chunk arrays become the decoded body, with its Content-Encoding noted', async () => {
    for (const file of ['polly-5-node-fetch.har', 'polly-1-node-fetch.har']) {
      const { recordings } = recordingsFromHar(await readHarFile(new URL(file, FIXTURES).pathname))
      const body = recordings[0]!.inbound.response.body
      expect(body).toMatchObject({ encoding: 'utf8', contentEncoding: 'gzip' })
      expect(() => JSON.parse(bodyBytes(body).toString())).not.toThrow()
    }
    const { recordings } = recordingsFromHar(
      await readHarFile(new URL('polly-1-node-fetch.har', FIXTURES).pathname),
    )
    expect(recordings[0]!.inbound.request.headers.slice(0, 2)).toEqual([
      ['accept', '*/*'],
      ['user-agent', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)'],
    ])
  })

  it('readHarFile: a byte-order mark before the JSON is allowed', async () => {
    const bytes = await readFile(new URL('with-bom.har', FIXTURES))
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const { recordings } = recordingsFromHar(parseHarText(bytes))
    expect(recordings[0]!.inbound.request).toMatchObject({ method: 'POST' })
    expect(recordings[0]!.inbound.request.body?.size).toBe(1310)
  })
})
