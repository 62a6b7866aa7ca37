/**
 * Header redaction: secrets are replaced before anything leaves the recorder, by a keyed digest so
 * that two requests carrying the same secret still show the same placeholder.
 */
import { createHmac } from 'node:crypto'
import type { HeaderList } from '../recording/types.ts'

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
 * The HMAC key used when no `redactionKey` is given. It is public, so the placeholders only hide the
 * secret from readers, not from someone who can guess it: set your own key in production.
 * @example createHeaderRedactor({ key: DEFAULT_REDACTION_KEY })
 */
export const DEFAULT_REDACTION_KEY = 'parallax-default-redaction-key'

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

/**
 * The placeholder standing for a secret value: the first 12 hex digits of HMAC-SHA256(key, value).
 * @example redactedPlaceholder('k', 'Bearer x') // '[redacted:5e1b…]'
 */
export function redactedPlaceholder(key: string, value: string): string {
  return `[redacted:${createHmac('sha256', key).update(value).digest('hex').slice(0, 12)}]`
}
