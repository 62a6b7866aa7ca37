/**
 * Remembering redactions of values that repeat: the same headers (host, user agent, a client's token)
 * and often the same URLs come back request after request, and redacting one costs microseconds where a
 * lookup costs nanoseconds. Bounded in entries and in value length; only for redaction without an audit
 * (an audit reports each finding, so it always redacts afresh).
 */
import type { RedactContext } from './redact-context.ts'

/** Entries per context and kind; cleared whole when full. */
const MAX_ENTRIES = 4096
/** Longer values are redacted afresh every time (and not kept in memory). */
const MAX_VALUE_LENGTH = 2048

const memos = new WeakMap<RedactContext, Map<string, string>>()

/**
 * `redact(value)`, remembered per context under `key` (which must determine the result with `value`).
 * @example memoized(ctx, `h\0${name}\0${value}`, value, () => redactHeaderValue(name, value, ctx))
 */
export function memoized(ctx: RedactContext, key: string, value: string, redact: () => string): string {
  if (ctx.found !== undefined || value.length > MAX_VALUE_LENGTH) return redact()
  let memo = memos.get(ctx)
  if (memo === undefined) {
    memo = new Map()
    memos.set(ctx, memo)
  }
  let result = memo.get(key)
  if (result === undefined) {
    result = redact()
    if (memo.size >= MAX_ENTRIES) memo.clear()
    memo.set(key, result)
  }
  return result
}
