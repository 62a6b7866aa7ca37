/**
 * The placeholder that stands for a secret: `[redacted:<12 hex>]`, the first 12 hex digits of
 * HMAC-SHA256(key, secret). Equal secrets give equal placeholders (so a redacted recording still
 * replays: the same token in a header, a query and a body stays the same value), different keys give
 * different ones, and no rule ever matches a placeholder, so redacting twice changes nothing.
 */
import { createHmac } from 'node:crypto'
import { isPlaceholder, PLACEHOLDER_PATTERN } from '../../recording/redaction-placeholder.ts'

export { isPlaceholder, PLACEHOLDER_PATTERN }

/**
 * The HMAC key used when no key is given. It is public, so the placeholders only hide the secret from
 * readers, not from someone who can guess it: set your own key in production.
 * @example createRedactor({ key: process.env.PARALLAX_REDACTION_KEY ?? DEFAULT_REDACTION_KEY })
 */
export const DEFAULT_REDACTION_KEY = 'parallax-default-redaction-key'

/**
 * The placeholder standing for a secret value (its UTF-8 bytes).
 * @example redactedPlaceholder('k', 'Bearer x') // '[redacted:5e1b…]'
 */
export function redactedPlaceholder(key: string, value: string): string {
  return `[redacted:${digest(key, Buffer.from(value, 'utf8'))}]`
}

/**
 * The placeholder for a secret held as a byte string (one char per byte, latin1), how bodies are redacted.
 * @example placeholderOfBytes('k', Buffer.from('s3cret').toString('latin1'), false) // '[redacted:…]'
 */
export function placeholderOfBytes(key: string, bytes: string, urlSafe: boolean): string {
  const hex = digest(key, Buffer.from(bytes, 'latin1'))
  return urlSafe ? `%5Bredacted%3A${hex}%5D` : `[redacted:${hex}]`
}

/**
 * The [start, end) spans of the placeholders in `text`, in order.
 * @example placeholderSpans('a [redacted:0123456789ab]') // [[2, 25]]
 */
export function placeholderSpans(text: string): Array<[number, number]> {
  if (!text.includes('redacted')) return []
  const spans: Array<[number, number]> = []
  PLACEHOLDER_PATTERN.lastIndex = 0
  for (let m = PLACEHOLDER_PATTERN.exec(text); m !== null; m = PLACEHOLDER_PATTERN.exec(text)) {
    spans.push([m.index, m.index + m[0].length])
  }
  return spans
}

function digest(key: string, bytes: Buffer): string {
  // The same secrets come back request after request (a service's API key, a client's cookie): an HMAC
  // costs microseconds, a lookup nanoseconds. Bounded, and keyed by the key too.
  if (bytes.byteLength > MAX_CACHED_SECRET_BYTES)
    return createHmac('sha256', key).update(bytes).digest('hex').slice(0, 12)
  const cacheKey = `${key}\u0000${bytes.toString('latin1')}`
  let hex = digests.get(cacheKey)
  if (hex === undefined) {
    hex = createHmac('sha256', key).update(bytes).digest('hex').slice(0, 12)
    if (digests.size >= MAX_CACHED_DIGESTS) digests.clear()
    digests.set(cacheKey, hex)
  }
  return hex
}

/** Placeholders remembered: up to 1,024 secrets of at most 4 KiB each, so at most 4 MiB. */
const MAX_CACHED_DIGESTS = 1024
const MAX_CACHED_SECRET_BYTES = 4096
const digests = new Map<string, string>()
