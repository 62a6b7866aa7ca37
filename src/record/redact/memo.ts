/**
 * Remembering redactions of values that repeat: the same headers (host, user agent, a client's token)
 * and often the same URLs come back request after request, and redacting one costs microseconds where a
 * lookup costs nanoseconds. Bounded in entries and in value length; only for redaction without an audit
 * (an audit reports each finding, so it always redacts afresh). Values are looked up in one map per
 * scope (a header name, or the URLs), so no lookup builds a key string.
 */
import type { RedactContext } from './redact-context.ts'

/** Entries per context, over all scopes; cleared whole when full. */
const MAX_ENTRIES = 4096
/** Longer values are redacted afresh every time (and not kept in memory). */
const MAX_VALUE_LENGTH = 2048

/** What a remembered value was: a header's (scoped by its name) or a URL (one scope). */
export type MemoKind = 'header' | 'url'

interface Memo {
  scopes: Record<MemoKind, Map<string, Map<string, string>>>
  entries: number
}

const memos = new WeakMap<RedactContext, Memo>()

/**
 * `redact(value)`, remembered per context, kind and `scope` (which, with `value`, must determine the result).
 * @example memoized(ctx, 'header', name, value, () => redactHeaderValue(name, value, ctx))
 */
export function memoized(
  ctx: RedactContext,
  kind: MemoKind,
  scope: string,
  value: string,
  redact: () => string,
): string {
  if (ctx.found !== undefined || value.length > MAX_VALUE_LENGTH) return redact()
  let memo = memos.get(ctx)
  if (memo === undefined) {
    memo = { scopes: { header: new Map(), url: new Map() }, entries: 0 }
    memos.set(ctx, memo)
  }
  const scopes = memo.scopes[kind]
  let values = scopes.get(scope)
  let result = values?.get(value)
  if (result === undefined) {
    result = redact()
    if (memo.entries >= MAX_ENTRIES) {
      memo.scopes.header.clear()
      memo.scopes.url.clear()
      memo.entries = 0
      values = undefined
    }
    if (values === undefined) {
      values = new Map()
      scopes.set(scope, values)
    }
    values.set(value, result)
    memo.entries++
  }
  return result
}
