/**
 * A recorded response turned back into what a client reads: status, status text, headers with their
 * repeats, and the body in exactly the chunk sizes production saw (order only, never real delays).
 */
import { STATUS_CODES } from 'node:http'
import { bodyBytes } from '../../recording/body.ts'
import { wireBytes } from '../../recording/content-encoding.ts'
import type { HeaderList, RecordedResponse } from '../../recording/types.ts'

/** Statuses whose responses carry no body (the Fetch API refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * The response body split along the recorded chunk timeline (one chunk when none was recorded).
 * @example responseChunks({ status: 200, headers: [], body, chunks: [{ offsetMs: 0, size: 3 }, { offsetMs: 9, size: 2 }] })
 */
export function responseChunks(response: RecordedResponse): Buffer[] {
  let chunks = chunkCache.get(response)
  if (chunks === undefined) {
    chunks = splitResponse(response)
    chunkCache.set(response, chunks)
  }
  return chunks
}

/** Recordings are read-only during replay: a response's pieces are computed (and encoded) once. */
const chunkCache = new WeakMap<RecordedResponse, Buffer[]>()

function splitResponse(response: RecordedResponse): Buffer[] {
  const decoded = bodyBytes(response.body)
  if (decoded.byteLength === 0) return []
  if (response.body?.contentEncoding !== undefined) {
    return encodedChunks(wireBytes(decoded, response.body.contentEncoding), response.chunks?.length ?? 1)
  }
  const bytes = decoded
  if (!response.chunks || response.chunks.length === 0) return [bytes]
  const pieces: Buffer[] = []
  let offset = 0
  for (const chunk of response.chunks) {
    if (offset >= bytes.byteLength) break
    if (chunk.size === 0) continue
    pieces.push(bytes.subarray(offset, offset + chunk.size))
    offset += chunk.size
  }
  // A timeline shorter than the body (hand-edited recording) must not lose bytes.
  if (offset < bytes.byteLength) pieces.push(bytes.subarray(offset))
  return pieces
}

/**
 * A body encoded again, cut into as many pieces as production's stream had: the compressor's output
 * cannot follow the recorded boundaries, but a streaming consumer still reads it in several pieces.
 */
function encodedChunks(bytes: Buffer, count: number): Buffer[] {
  const pieces = Math.max(1, Math.min(count, bytes.byteLength))
  const size = Math.ceil(bytes.byteLength / pieces)
  const result: Buffer[] = []
  for (let offset = 0; offset < bytes.byteLength; offset += size)
    result.push(bytes.subarray(offset, offset + size))
  return result
}

/**
 * The error a client sees where production's response stream broke off.
 * @example incompleteStreamError('aborted by upstream')
 */
export function incompleteStreamError(reason: string): Error {
  const error = new Error(`Failed to read the response body: the recorded stream ended early (${reason}).`)
  error.name = 'ReplayedStreamError'
  return error
}

/**
 * The recorded status text, or the standard one for the status.
 * @example statusText({ status: 404, headers: [] }) // 'Not Found'
 */
export function statusText(response: RecordedResponse): string {
  return response.statusText ?? STATUS_CODES[response.status] ?? ''
}

/**
 * The recorded response as a Fetch Response whose body stream enqueues each recorded chunk.
 * @example toFetchResponse(exchange.response) // Response { status: 200, body: ReadableStream }
 */
export function toFetchResponse(response: RecordedResponse): Response {
  const chunks = NULL_BODY_STATUSES.has(response.status) ? [] : responseChunks(response)
  const headers = new Headers()
  for (const [name, value] of servedHeaders(response, chunks)) headers.append(name, value)
  const init = { status: response.status, statusText: statusText(response), headers }
  if (NULL_BODY_STATUSES.has(response.status)) return new Response(null, init)
  const incomplete = response.incomplete
  let next = 0
  const body = new ReadableStream<Uint8Array>(
    {
      // Pull, not start: each read gets exactly one recorded chunk, so consumers see production's chunking.
      pull(controller) {
        const chunk = chunks[next++]
        if (chunk) controller.enqueue(new Uint8Array(chunk))
        else if (incomplete !== undefined) controller.error(incompleteStreamError(incomplete))
        else controller.close()
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, init)
}

/**
 * The recorded headers as served: a `content-length` states the bytes actually served, which differ from
 * production's when the body was encoded again or redacted.
 * @example servedHeaders(response, responseChunks(response))
 */
export function servedHeaders(response: RecordedResponse, chunks: readonly Buffer[]): HeaderList {
  if (!response.headers.some(([name]) => name.toLowerCase() === 'content-length')) return response.headers
  if (response.incomplete !== undefined || response.body?.truncated) return response.headers
  const length = String(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0))
  return response.headers.map(([name, value]) =>
    name.toLowerCase() === 'content-length' ? [name, length] : [name, value],
  )
}

/**
 * Headers as an object for undici's mock replies: repeated names become arrays, first-seen order kept.
 * @example headerRecord([['set-cookie', 'a=1'], ['set-cookie', 'b=2']]) // { 'set-cookie': ['a=1', 'b=2'] }
 */
export function headerRecord(headers: HeaderList): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {}
  for (const [name, value] of headers) {
    const existing = record[name]
    if (existing === undefined) record[name] = value
    else record[name] = Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return record
}

/**
 * Whether a status never carries a body.
 * @example isNullBodyStatus(204) // true
 */
export function isNullBodyStatus(status: number): boolean {
  return NULL_BODY_STATUSES.has(status)
}
