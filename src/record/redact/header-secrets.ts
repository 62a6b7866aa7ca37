/**
 * Header lists: values of secret-named headers become placeholders (an Authorization header keeps its
 * scheme, cookies keep their names and Set-Cookie its attributes, so a reader still sees what was sent);
 * URL-valued headers (Location, Referer…) are redacted as URLs; every value then goes through the text
 * rules. Order, case and repeats of the list are kept.
 */
import type { HeaderList } from '../../recording/types.ts'
import { memoized } from './memo.ts'
import { isPlaceholder } from './placeholder.ts'
import { redactByteString } from './redact-bytes.ts'
import { type RedactContext, replacementFor } from './redact-context.ts'
import { normalizeName } from './secret-names.ts'
import { redactUrl } from './url-secrets.ts'

const URL_HEADERS = new Set(['location', 'content-location', 'referer', 'origin', 'link', 'refresh'])

/** The URL-valued header names, normalized (for a name scan that rules them out, see `plainHeader`). */
export const URL_HEADER_TERMS: readonly string[] = [...URL_HEADERS].map(normalizeName)

const AUTH_SCHEMES = new Set([
  'basic',
  'bearer',
  'digest',
  'token',
  'bot',
  'apikey',
  'aws4-hmac-sha256',
  'negotiate',
  'ntlm',
  'oauth',
  'hoba',
  'mutual',
  'sharedkey',
  'ssws',
  'dpop',
  'gnap',
  'mac',
])

/**
 * Redacts one header list (a copy; the input is not changed).
 * @example redactHeaderList([['Cookie', 'sid=abc; theme=dark']], ctx) // [['Cookie', 'sid=[redacted:…]; theme=[redacted:…]']]
 */
export function redactHeaderList(headers: HeaderList, ctx: RedactContext): HeaderList {
  return headers.map(([name, value]) => [name, memoizedHeaderValue(name, value, ctx)])
}

/**
 * {@link redactHeaderValue}, remembered: the same headers come back request after request.
 * @example memoizedHeaderValue('Authorization', 'Bearer abc', ctx) // 'Bearer [redacted:…]'
 */
export function memoizedHeaderValue(name: string, value: string, ctx: RedactContext): string {
  // Most headers (Accept, Content-Type, a request id…) hold nothing: no lookup for them.
  if (ctx.plainHeader?.(name, value)) return value
  return memoized(ctx, 'header', name, value, () => redactHeaderValue(name, value, ctx))
}

/**
 * Redacts the value of one header.
 * @example redactHeaderValue('Authorization', 'Bearer abc', ctx) // 'Bearer [redacted:…]'
 */
export function redactHeaderValue(name: string, value: string, ctx: RedactContext): string {
  // Again until stable: a rule's replacement can change how the value splits into cookies (see untilStable).
  let current = value
  for (let round = 0; round < 8; round++) {
    const next = redactOnce(name, current, ctx)
    if (next === current) break
    current = next
  }
  return current
}

function redactOnce(name: string, value: string, ctx: RedactContext): string {
  const lower = name.toLowerCase()
  const wide = /[^\x00-\xff]/.test(value)
  let bytes = wide ? Buffer.from(value, 'utf8').toString('latin1') : value
  if (ctx.names.header(name)) {
    if (lower === 'cookie') bytes = redactCookies(bytes, ctx)
    else if (lower === 'set-cookie')
      bytes = splitSetCookie(bytes)
        .map((c) => redactCookies(c, ctx, 1))
        .join(',')
    else if (lower === 'authorization' || lower === 'proxy-authorization')
      bytes = redactCredentials(bytes, ctx)
    else if (bytes !== '' && !isPlaceholder(bytes)) bytes = replacementFor(ctx, 'secret-header', bytes, false)
  } else if (URL_HEADERS.has(lower)) {
    bytes = redactUrlList(bytes, ctx)
  }
  const redacted = redactByteString(bytes, ctx, { textual: true }).text
  if (redacted === value) return value
  return wide ? Buffer.from(redacted, 'latin1').toString('utf8') : redacted
}

/** `Bearer abc` → `Bearer [redacted:…]`; a value without a known scheme is replaced whole. */
function redactCredentials(value: string, ctx: RedactContext): string {
  const match = /^([A-Za-z][A-Za-z0-9-]*)([ \t]+)(\S[\s\S]*)$/.exec(value)
  if (match !== null && AUTH_SCHEMES.has(match[1]!.toLowerCase())) {
    const credentials = match[3]!
    if (isPlaceholder(credentials)) return value
    return `${match[1]}${match[2]}${replacementFor(ctx, 'authorization', credentials, false)}`
  }
  if (value === '' || isPlaceholder(value)) return value
  return replacementFor(ctx, 'authorization', value, false)
}

/**
 * Replaces cookie values, keeping names and attributes; with `limit`, only the first `limit` pairs are
 * cookies (Set-Cookie: the rest are attributes such as Path and Expires).
 */
function redactCookies(value: string, ctx: RedactContext, limit = Number.POSITIVE_INFINITY): string {
  const parts = value.split(';')
  return parts
    .map((part, index) => {
      if (index >= limit) return part
      const equals = part.indexOf('=')
      const start = equals === -1 ? 0 : equals + 1
      const cookie = part.slice(start).trim()
      if (cookie === '' || isPlaceholder(cookie)) return part
      const lead = part.slice(start, part.length - part.slice(start).trimStart().length)
      const trail = part.slice(part.trimEnd().length)
      return `${part.slice(0, start)}${lead}${replacementFor(ctx, 'cookie', cookie, false)}${trail}`
    })
    .join(';')
}

/** Several Set-Cookie values folded into one with commas (a comma inside `Expires=Wed, 21 Oct` is not a fold). */
function splitSetCookie(value: string): string[] {
  return value.split(/,(?=[ \t]*[^;,=\s]+=)/)
}

/** A Link header holds `<url>; rel=…` items; other URL headers hold one URL (Refresh: `5; url=…`). */
function redactUrlList(value: string, ctx: RedactContext): string {
  if (value.includes('<')) return value.replace(/<([^>]*)>/g, (_, url: string) => `<${redactUrl(url, ctx)}>`)
  const refresh = /^([0-9.]+[ \t]*;[ \t]*url=)(.*)$/i.exec(value)
  if (refresh !== null) return refresh[1] + redactUrl(refresh[2]!, ctx)
  return redactUrl(value, ctx)
}
