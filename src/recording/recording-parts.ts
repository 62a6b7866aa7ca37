/**
 * Building the parts of a recording from what a capture collected, the same way for the in-process
 * recorder's inbound and outbound sides and for the proxy — every key in sorted order, so that a
 * recording built so is serialized natively rather than key by key (see `sortedJson`), which is most of
 * a segment writer's cost.
 */
import type {
  Body,
  Chunk,
  Exchange,
  HeaderList,
  RecordedRequest,
  RecordedResponse,
  RecordingMeta,
} from './types.ts'

/**
 * What a capture collected; an undefined part (or an empty status text) is left out of the exchange.
 * @example { request: { method: 'GET', url, headers }, response: { status: 200, headers, body }, startedAtMs: 0, durationMs: 3 }
 */
export interface ExchangeParts {
  request: { method: string; url: string; headers: HeaderList; body?: Body | undefined }
  response: {
    status: number
    statusText?: string | undefined
    headers: HeaderList
    body?: Body | undefined
    chunks?: Chunk[] | undefined
    incomplete?: string | undefined
  }
  startedAtMs: number
  durationMs: number
}

/**
 * The exchange of `parts`, keys in sorted order.
 * @example exchangeFromParts({ request: { method: 'GET', url: 'http://a.test/', headers: [] }, response: { status: 204, headers: [] }, startedAtMs: 0, durationMs: 1 })
 */
export function exchangeFromParts(parts: ExchangeParts): Exchange {
  const { request: sent, response: received } = parts
  // Assigned one by one in key order: conditional spreads cost ten times as much, per exchange.
  const request = {} as RecordedRequest
  if (sent.body !== undefined) request.body = sent.body
  request.headers = sent.headers
  request.method = sent.method
  request.url = sent.url
  const response = {} as RecordedResponse
  if (received.body !== undefined) response.body = received.body
  if (received.chunks !== undefined) response.chunks = received.chunks
  response.headers = received.headers
  if (received.incomplete !== undefined) response.incomplete = received.incomplete
  response.status = received.status
  if (received.statusText) response.statusText = received.statusText
  return { durationMs: parts.durationMs, request, response, startedAtMs: parts.startedAtMs }
}

/**
 * A recording's meta, keys in sorted order; undefined fields left out.
 * @example metaFromParts({ service: 'api', environment: 'production', version: undefined }) // { environment: 'production', service: 'api' }
 */
export function metaFromParts(parts: {
  service: string
  environment: string
  version?: string | undefined
  configFingerprint?: string | undefined
  pipeline?: string | undefined
}): RecordingMeta {
  return {
    ...(parts.configFingerprint !== undefined && { configFingerprint: parts.configFingerprint }),
    environment: parts.environment,
    ...(parts.pipeline !== undefined && { pipeline: parts.pipeline }),
    service: parts.service,
    ...(parts.version !== undefined && { version: parts.version }),
  }
}
