/**
 * Remembering redactions of values that repeat: the same headers (host, user agent, a client's token)
 * and often the same URLs come back request after request, and redacting one costs microseconds where a
 * lookup costs nanoseconds. Bounded in entries and in value length; only for redaction without an audit
 * (an audit reports each finding, so it always redacts afresh). Values are looked up in one map per
 * scope (a header name, or the URLs), so no lookup builds a key string. A scope whose values rarely
 * come back (a request id, a `traceparent`) stops being remembered after a trial: storing its values
 * would cost more than it saves and push out the ones that do repeat.
 */
import type { RedactContext } from './redact-context.ts'

/** Entries per context, over all scopes; cleared whole when full. */
const MAX_ENTRIES = 4096
/** Longer values are redacted afresh every time (and not kept in memory). */
const MAX_VALUE_LENGTH = 2048
/** Lookups in a scope before deciding whether its values repeat enough to remember. */
const TRIAL_LOOKUPS = 256
/** The share of a scope's trial lookups that must hit for it to stay remembered. */
const MIN_HIT_RATE = 0.25

/** What a remembered value was: a header's (scoped by its name) or a URL (one scope). */
export type MemoKind = 'header' | 'url'

interface Scope {
  values: Map<string, string>
  lookups: number
  hits: number
  /** Its values did not repeat during the trial: redacted afresh from then on. */
  off: boolean
}

interface Memo {
  scopes: Record<MemoKind, Map<string, Scope>>
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
  let entry = scopes.get(scope)
  if (entry === undefined) {
    entry = { values: new Map(), lookups: 0, hits: 0, off: false }
    scopes.set(scope, entry)
  }
  if (entry.off) return redact()
  let result = entry.values.get(value)
  entry.lookups++
  if (result !== undefined) entry.hits++
  if (entry.lookups === TRIAL_LOOKUPS && entry.hits < TRIAL_LOOKUPS * MIN_HIT_RATE) {
    memo.entries -= entry.values.size
    entry.values.clear()
    entry.off = true
  }
  if (result !== undefined) return result
  result = redact()
  if (entry.off) return result
  if (memo.entries >= MAX_ENTRIES) {
    // Full: start over, keeping what each scope's trial found.
    for (const kept of [...memo.scopes.header.values(), ...memo.scopes.url.values()]) kept.values.clear()
    memo.entries = 0
  }
  entry.values.set(value, result)
  memo.entries++
  return result
}
