/**
 * Header redaction as the recorder does it today: the whole value of a listed header becomes a keyed
 * digest, so two requests carrying the same secret still show the same placeholder. The full redaction
 * engine (URLs, bodies, text rules, cookies by name) is `createRedactor` in ./redact/.
 */
import type { HeaderList } from '../recording/types.ts'
import { DEFAULT_REDACTION_KEY, redactedPlaceholder } from './redact/placeholder.ts'

export { DEFAULT_REDACTION_KEY, redactedPlaceholder }

/**
 * Header names whose values are always redacted (compared case-insensitively).
 * @example DEFAULT_REDACTED_HEADERS.includes('authorization') // true
 */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
])

/**
 * Options of {@link createHeaderRedactor}.
 * @example createHeaderRedactor({ names: ['x-session'], key: process.env.REDACTION_KEY })
 */
export interface HeaderRedactorOptions {
  /** Extra header names to redact, added to {@link DEFAULT_REDACTED_HEADERS}. */
  names?: readonly string[]
  /** HMAC-SHA256 key of the placeholders; defaults to {@link DEFAULT_REDACTION_KEY}. */
  key?: string
}

/**
 * Returns a copy of a header list with the secret values replaced by placeholders.
 * @example redact([['Authorization', 'Bearer x']]) // [['Authorization', '[redacted:…]']]
 */
export type HeaderRedactor = (headers: HeaderList) => HeaderList

/**
 * Creates a redactor turning `Authorization: Bearer s3cret` into `Authorization: [redacted:<12 hex>]`.
 * @example
 * const redact = createHeaderRedactor({ names: ['x-session'] })
 * redact([['Cookie', 'sid=1']]) // [['Cookie', '[redacted:3f0c…]']]
 */
export function createHeaderRedactor(options: HeaderRedactorOptions = {}): HeaderRedactor {
  const names = new Set([...DEFAULT_REDACTED_HEADERS, ...(options.names ?? [])].map((n) => n.toLowerCase()))
  const key = options.key ?? DEFAULT_REDACTION_KEY
  return (headers) =>
    headers.map(([name, value]) =>
      names.has(name.toLowerCase()) ? [name, redactedPlaceholder(key, value)] : [name, value],
    )
}
