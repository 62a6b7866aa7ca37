/**
 * What a redaction placeholder looks like in a recording, for every layer that reads recordings
 * (the redactor in `record` makes them; `inspect` counts them): `[redacted:<12 hex>]`, or percent-encoded
 * inside URLs, forms and connection strings.
 */

/**
 * A placeholder as text (`[redacted:…]`) or percent-encoded for URLs, forms and connection strings.
 * @example PLACEHOLDER_PATTERN.test('[redacted:0123456789ab]') // true
 */
export const PLACEHOLDER_PATTERN = /\[redacted:[0-9a-f]{12}\]|%5[Bb]redacted%3[Aa][0-9a-f]{12}%5[Dd]/g

const WHOLE_PLACEHOLDER = /^(?:\[redacted:[0-9a-f]{12}\]|%5[Bb]redacted%3[Aa][0-9a-f]{12}%5[Dd])$/

/**
 * True when `text` is one placeholder, plain or percent-encoded.
 * @example isPlaceholder('%5Bredacted%3A0123456789ab%5D') // true
 */
export function isPlaceholder(text: string): boolean {
  return text.length >= 23 && WHOLE_PLACEHOLDER.test(text)
}

/**
 * How many placeholders `text` holds.
 * @example countPlaceholders('Bearer [redacted:0123456789ab]') // 1
 */
export function countPlaceholders(text: string): number {
  if (!text.includes('redacted')) return 0
  return text.match(PLACEHOLDER_PATTERN)?.length ?? 0
}
