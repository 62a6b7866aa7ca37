/**
 * One recorded Exchange as a HAR 1.2 entry: what a HAR viewer shows (method, URL, headers in order,
 * query, cookies, bodies, status, timing), plus the `_parallax` facts that make the export lossless.
 */
import type { Exchange, HeaderList, Recording } from '../types.ts'
import { bodyFacts, harContent, harPostData } from './har-body.ts'
import { HAR_PARALLAX_VERSION, type HarEntry, type HarExchangeFacts, type HarNameValue } from './har-types.ts'

const EPOCH = '1970-01-01T00:00:00.000Z'

/**
 * ISO-8601 of epoch milliseconds, or the epoch itself for a time no Date can hold.
 * @example isoTime(0) // '1970-01-01T00:00:00.000Z'
 */
export function isoTime(epochMs: number): string {
  const date = new Date(epochMs)
  return Number.isNaN(date.getTime()) ? EPOCH : date.toISOString()
}

/**
 * Epoch milliseconds of a recording's `recordedAt`, or 0 when it is not a date.
 * @example recordingStartMs(recording) // 1795511104526
 */
export function recordingStartMs(recording: Recording): number {
  const ms = Date.parse(recording.recordedAt)
  return Number.isNaN(ms) ? 0 : ms
}

function nameValues(headers: HeaderList): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }))
}

function firstHeader(headers: HeaderList, name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1]
}

function queryString(url: string): HarNameValue[] {
  if (!URL.canParse(url)) return []
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }))
}

/** `name=value` pairs of Cookie headers, or the leading pair of each Set-Cookie header. */
function cookies(headers: HeaderList, header: 'cookie' | 'set-cookie'): HarNameValue[] {
  const out: HarNameValue[] = []
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== header) continue
    const pairs = header === 'cookie' ? value.split(';') : [value.split(';')[0] ?? '']
    for (const pair of pairs) {
      const at = pair.indexOf('=')
      if (at > 0) out.push({ name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() })
    }
  }
  return out
}

function bodySize(body: Exchange['request']['body']): number {
  if (body === undefined) return 0
  // A decoded body's size on the wire was not recorded.
  return body.contentEncoding === undefined ? body.size : -1
}

function facts(exchange: Exchange, recording: Recording, index: number | 'inbound'): HarExchangeFacts {
  const out: HarExchangeFacts = {
    version: HAR_PARALLAX_VERSION,
    recording: recording.id,
    role: index === 'inbound' ? 'inbound' : 'outbound',
    index: index === 'inbound' ? 0 : index,
    startedAtMs: exchange.startedAtMs,
    durationMs: exchange.durationMs,
  }
  if (exchange.request.body !== undefined) out.requestBody = bodyFacts(exchange.request.body)
  if (exchange.response.body !== undefined) out.responseBody = bodyFacts(exchange.response.body)
  if (exchange.response.statusText === '') out.emptyStatusText = true
  if (exchange.response.chunks !== undefined) out.chunks = exchange.response.chunks
  if (index === 'inbound') {
    out.recordedAt = recording.recordedAt
    out.meta = recording.meta
    out.nondeterminism = recording.nondeterminism
    if (recording.checkpoints !== undefined) out.checkpoints = recording.checkpoints
    out.outbound = recording.outbound.length
  }
  return out
}

/**
 * The HAR entry of `recording`'s inbound exchange (`index` 'inbound') or of its outbound call `index`.
 * @example entryFromExchange(recording, 'inbound', recording.id)
 */
export function entryFromExchange(
  recording: Recording,
  index: number | 'inbound',
  pageref?: string,
): HarEntry {
  const exchange = index === 'inbound' ? recording.inbound : recording.outbound[index]!
  const { request, response } = exchange
  const entry: HarEntry = {
    ...(pageref === undefined ? {} : { pageref }),
    startedDateTime: isoTime(recordingStartMs(recording) + exchange.startedAtMs),
    time: exchange.durationMs,
    request: {
      method: request.method,
      url: request.url,
      // Not recorded: the empty string is what Chrome and Firefox write when they do not know it.
      httpVersion: '',
      cookies: cookies(request.headers, 'cookie'),
      headers: nameValues(request.headers),
      queryString: queryString(request.url),
      headersSize: -1,
      bodySize: bodySize(request.body),
    },
    response: {
      status: response.status,
      statusText: response.statusText ?? '',
      httpVersion: '',
      cookies: cookies(response.headers, 'set-cookie'),
      headers: nameValues(response.headers),
      content: harContent(response.body, firstHeader(response.headers, 'content-type') ?? ''),
      redirectURL: firstHeader(response.headers, 'location') ?? '',
      headersSize: -1,
      bodySize: bodySize(response.body),
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: exchange.durationMs, receive: 0, ssl: -1 },
    _parallax: facts(exchange, recording, index),
  }
  if (request.body !== undefined) {
    entry.request.postData = harPostData(request.body, firstHeader(request.headers, 'content-type') ?? '')
  }
  if (response.incomplete !== undefined) entry.response._error = response.incomplete
  return entry
}
