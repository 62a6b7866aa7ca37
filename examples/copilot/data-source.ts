/**
 * The copilot's retrieval backend: a real HTTP server that streams the corpus documents relevant to
 * a query as JSON, in small fixed-size writes whose boundaries ignore character boundaries.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type CorpusDocument, corpus } from './corpus.ts'
import { tokenize } from './tokenize.ts'

/**
 * Bytes per `res.write`: odd, so chunk boundaries fall inside multi-byte characters.
 * @example expect(chunkSizes.slice(0, -1).every((size) => size === DATA_SOURCE_CHUNK_SIZE)).toBe(true)
 */
export const DATA_SOURCE_CHUNK_SIZE = 37

const DEFAULT_K = 4
const MAX_K = 10
const MAX_QUERY_LENGTH = 1000
const LANG = /^[a-z]{2}$/

/** A document as the data source returns it. */
export interface ContextDocument {
  id: string
  title: string
  text: string
  /** Share of the query's distinct terms the document contains, rounded to 3 decimals. */
  score: number
}

/** A running data source. */
export interface DataSource {
  /** Base URL, e.g. `http://127.0.0.1:51234`. */
  readonly url: string
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

/**
 * Starts the data source on 127.0.0.1 (port 0 picks a free port): `GET /context?q=<query>&k=<n>&lang=<xx>`.
 * @example
 * const dataSource = await startDataSource()
 * const res = await fetch(`${dataSource.url}/context?q=stream&k=2`)
 */
export async function startDataSource(options: { port?: number } = {}): Promise<DataSource> {
  const server = createServer((req, res) => {
    handle(req, res)
  })
  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const closed = once(server, 'close')
      server.close()
      server.closeAllConnections()
      await closed
    },
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://data-source.invalid')
  const refusal = refuse(req.method, url)
  if (refusal !== undefined) {
    sendJson(res, refusal.status, refusal.body)
    return
  }
  const documents = search(
    url.searchParams.get('q') ?? '',
    Number(url.searchParams.get('k') ?? DEFAULT_K),
    url.searchParams.get('lang'),
  )
  const body = Buffer.from(`[\n${documents.map((doc) => JSON.stringify(doc)).join(',\n')}\n]\n`, 'utf8')
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
  streamInChunks(res, body, 0)
}

/** The answer to a request that is not a valid `GET /context`, or undefined when it is one. */
function refuse(method: string | undefined, url: URL): { status: number; body: unknown } | undefined {
  if (url.pathname === '/healthz') return { status: 200, body: { ok: true } }
  if (url.pathname !== '/context') return { status: 404, body: { error: `No route ${url.pathname}.` } }
  if (method !== 'GET') return { status: 405, body: { error: 'Use GET /context.' } }
  const q = url.searchParams.get('q') ?? ''
  const k = Number(url.searchParams.get('k') ?? DEFAULT_K)
  const lang = url.searchParams.get('lang')
  if (q.trim().length === 0 || q.length > MAX_QUERY_LENGTH) {
    return { status: 400, body: { error: `q must be 1 to ${MAX_QUERY_LENGTH} characters.` } }
  }
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    return { status: 400, body: { error: `k must be an integer from 1 to ${MAX_K}.` } }
  }
  if (lang !== null && !LANG.test(lang)) {
    return { status: 400, body: { error: 'lang must be a two-letter language code.' } }
  }
  return undefined
}

/** Writes `body` from `offset` on, one chunk per turn of the event loop, so each write is its own HTTP chunk. */
function streamInChunks(res: ServerResponse, body: Buffer, offset: number): void {
  if (res.destroyed) return
  if (offset >= body.byteLength) {
    res.end()
    return
  }
  res.write(body.subarray(offset, offset + DATA_SOURCE_CHUNK_SIZE))
  setImmediate(streamInChunks, res, body, offset + DATA_SOURCE_CHUNK_SIZE)
}

/** The k documents sharing the most query terms, best first, ties in corpus order; none that shares nothing. */
function search(q: string, k: number, lang: string | null): ContextDocument[] {
  const terms = new Set(tokenize(q))
  if (terms.size === 0) return []
  return corpus
    .filter((doc) => lang === null || doc.lang === lang)
    .map((doc, order) => ({ doc, order, score: overlap(terms, doc) }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k)
    .map(({ doc, score }) => ({ id: doc.id, title: doc.title, text: doc.text, score }))
}

function overlap(terms: ReadonlySet<string>, doc: CorpusDocument): number {
  const words = new Set(tokenize(`${doc.title} ${doc.text}`))
  let shared = 0
  for (const term of terms) if (words.has(term)) shared++
  return Math.round((shared / terms.size) * 1000) / 1000
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(value))
}
