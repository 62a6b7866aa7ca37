/**
 * One HAR entry as an Exchange: method, URL, headers in order (repeats kept), body bytes, status and
 * timing. An entry parallax exported also carries `_parallax` facts, which restore what HAR cannot hold.
 */
import type { Chunk, Exchange, HeaderList, RecordedRequest, RecordedResponse } from '../types.ts'
import { bodyWithFacts, foreignBody, type HarBytes, harBytes } from './har-body.ts'
import type { ExchangeFactsInput, HarEntryInput } from './har-schema.ts'
import type { HarBodyFacts } from './har-types.ts'

/**
 * An entry as an exchange with the epoch time it started, or why it cannot be one.
 * @example const converted = exchangeFromEntry(entry); if ('problem' in converted) skip(converted.problem)
 */
export type ExchangeFromEntry = { exchange: Exchange; startedAtEpochMs: number } | { problem: string }

type HarHeaders = HarEntryInput['request']['headers']

function headerList(headers: HarHeaders): HeaderList {
  const list: HeaderList = []
  for (const { name, value } of headers ?? []) {
    if (Array.isArray(value)) for (const item of value) list.push([name, item])
    else list.push([name, String(value)])
  }
  return list
}

function headerValue(headers: HeaderList, name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1]
}

/** The request body bytes: postData text, or form params joined as the urlencoded body they stand for. */
function requestBytes(postData: HarEntryInput['request']['postData']): HarBytes {
  if (postData === undefined || postData === null) return { kind: 'none' }
  const found = harBytes(postData, 'request.postData')
  if (found.kind !== 'none' || !postData.params?.length) return found
  if (!/^application\/x-www-form-urlencoded\b/i.test(postData.mimeType ?? '')) return found
  const text = postData.params
    .map(({ name, value }) => `${encodeURIComponent(name)}=${encodeURIComponent(value ?? '')}`)
    .join('&')
  return { kind: 'bytes', bytes: Buffer.from(text, 'utf8'), text, binary: false }
}

/** The timings HAR's `time` adds up (`ssl` is already inside `connect`; `_` fields are custom). */
const TIMED_PHASES = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive'] as const

/** Milliseconds the exchange took: `time`, or else the sum of the known timings, or 0. */
function duration(entry: HarEntryInput): number {
  if (typeof entry.time === 'number' && Number.isFinite(entry.time) && entry.time >= 0) return entry.time
  let sum = 0
  for (const phase of TIMED_PHASES) {
    const value = entry.timings?.[phase]
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) sum += value
  }
  return sum
}

function body(
  found: Exclude<HarBytes, { kind: 'problem' }>,
  headers: HeaderList,
  facts: ExchangeFactsInput | undefined,
  factsOfBody: HarBodyFacts | undefined,
) {
  if (facts !== undefined) return factsOfBody === undefined ? undefined : bodyWithFacts(found, factsOfBody)
  if (found.kind === 'none') return undefined
  return foreignBody(found, headerValue(headers, 'content-encoding'))
}

/**
 * Converts a HAR entry (validated by harEntrySchema) into an Exchange starting at 0 ms; with `facts`
 * (its validated `_parallax` field) the exchange is the one parallax exported, exactly.
 * @example exchangeFromEntry(harEntrySchema.parse(har.log.entries[0]))
 */
export function exchangeFromEntry(entry: HarEntryInput, facts?: ExchangeFactsInput): ExchangeFromEntry {
  const startedAtEpochMs = Date.parse(entry.startedDateTime)
  if (Number.isNaN(startedAtEpochMs)) return { problem: 'startedDateTime is not a date' }
  if (facts === undefined && !URL.canParse(entry.request.url)) {
    return { problem: 'request.url is not an absolute URL' }
  }
  const requestHeaders = headerList(entry.request.headers)
  const responseHeaders = headerList(entry.response.headers)
  const sent = requestBytes(entry.request.postData)
  if (sent.kind === 'problem') return sent
  const received = entry.response.content ? harBytes(entry.response.content, 'response.content') : undefined
  if (received?.kind === 'problem') return received

  const request: RecordedRequest = {
    method: entry.request.method,
    url: entry.request.url,
    headers: requestHeaders,
  }
  const requestBody = body(sent, requestHeaders, facts, facts?.requestBody)
  if (requestBody !== undefined) request.body = requestBody

  const response: RecordedResponse = { status: entry.response.status, headers: responseHeaders }
  const statusText = entry.response.statusText ?? ''
  if (statusText !== '') response.statusText = statusText
  else if (facts?.emptyStatusText) response.statusText = ''
  const responseBody = body(received ?? { kind: 'none' }, responseHeaders, facts, facts?.responseBody)
  if (responseBody !== undefined) response.body = responseBody
  if (facts?.chunks !== undefined) response.chunks = facts.chunks as Chunk[]
  const error = entry.response._error
  if (typeof error === 'string' && (error !== '' || facts !== undefined)) response.incomplete = error

  return {
    exchange: {
      request,
      response,
      startedAtMs: facts?.startedAtMs ?? 0,
      durationMs: facts?.durationMs ?? duration(entry),
    },
    startedAtEpochMs,
  }
}
