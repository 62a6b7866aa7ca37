/**
 * A recorded response turned back into what a client reads: status, status text, headers with their
 * repeats, and the body in exactly the chunk sizes production saw (order only, never real delays).
 */
import { STATUS_CODES } from 'node:http'
import { bodyBytes } from '../../recording/body.ts'
import type { HeaderList, RecordedResponse } from '../../recording/types.ts'

/** Statuses whose responses carry no body (the Fetch API refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * The response body split along the recorded chunk timeline (one chunk when none was recorded).
 * @example responseChunks({ status: 200, headers: [], body, chunks: [{ offsetMs: 0, size: 3 }, { offsetMs: 9, size: 2 }] })
 */
export function responseChunks(response: RecordedResponse): Buffer[] {
  const bytes = bodyBytes(response.body)
  if (bytes.byteLength === 0) return []
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
  const headers = new Headers()
  for (const [name, value] of response.headers) headers.append(name, value)
  const init = { status: response.status, statusText: statusText(response), headers }
  if (NULL_BODY_STATUSES.has(response.status)) return new Response(null, init)
  const chunks = responseChunks(response)
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
