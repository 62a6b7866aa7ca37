/**
 * The canonical form of an outbound request, shared by matching and by the trace's request digest:
 * two requests are the same call exactly when their method, normalized URL and body bytes agree.
 */
import { createHash, hash } from 'node:crypto'
import type { HeaderList } from '../../recording/types.ts'

/** An outbound request as parallax compares it, whichever client sent it. */
export interface OutboundRequest {
  /** Upper-case method. */
  method: string
  /** The URL as the client sent it (for messages). */
  url: string
  /** Origin, path and query with its parameters sorted, so parameter order never matters. */
  normalizedUrl: string
  headers: HeaderList
  body: Buffer
  /** Hex SHA-256 of `body` (of the empty body when there is none). */
  bodySha256: string
}

/** The SHA-256 of an absent body, for recorded requests without one. */
export const EMPTY_BODY_SHA256 = createHash('sha256').digest('hex')

/**
 * Normalizes a URL for matching: lower-case origin without default port, path as sent, query parameters sorted.
 * @example normalizeUrl('http://A.test:80/x?b=2&a=1') // 'http://a.test/x?a=1&b=2'
 */
export function normalizeUrl(url: string): string {
  const parsed = new URL(url)
  const params = [...parsed.searchParams].sort(([ak, av], [bk, bv]) =>
    ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  )
  const query = new URLSearchParams(params).toString()
  return `${parsed.origin}${parsed.pathname}${query ? `?${query}` : ''}`
}

/**
 * Builds the canonical request from what a client sent.
 * @example outboundRequest('get', 'http://up.test/x?b=2&a=1', [], Buffer.alloc(0)).normalizedUrl // 'http://up.test/x?a=1&b=2'
 */
export function outboundRequest(
  method: string,
  url: string,
  headers: HeaderList,
  body: Buffer,
): OutboundRequest {
  return {
    method: method.toUpperCase(),
    url,
    normalizedUrl: normalizeUrl(url),
    headers,
    body,
    bodySha256: body.byteLength === 0 ? EMPTY_BODY_SHA256 : hash('sha256', body, 'hex'),
  }
}

/**
 * The matching key of a request: equal keys mean the same call.
 * @example requestKey(request) // 'GET http://up.test/x?a=1 e3b0c442…'
 */
export function requestKey(
  request: Pick<OutboundRequest, 'method' | 'normalizedUrl' | 'bodySha256'>,
): string {
  return `${request.method} ${request.normalizedUrl} ${request.bodySha256}`
}

/**
 * The trace's digest of a request: SHA-256 of its canonical JSON (method, normalized URL, body digest),
 * the same on every run and under every variant.
 * @example requestDigest(request) // '9f2c…'
 */
export function requestDigest(
  request: Pick<OutboundRequest, 'method' | 'normalizedUrl' | 'bodySha256'>,
): string {
  const canonical = JSON.stringify({
    body: request.bodySha256,
    method: request.method,
    url: request.normalizedUrl,
  })
  return hash('sha256', canonical, 'hex')
}

/**
 * The port a URL without one connects to.
 * @example defaultPort(new URL('https://a.test/')) // '443'
 */
export function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80'
}
