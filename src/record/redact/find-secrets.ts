/**
 * Finding secrets in a text with every rule, and turning what was found into placeholder edits.
 * Spans that touch a placeholder are dropped (so redacting twice changes nothing); spans that overlap
 * are merged, so no piece of either secret survives beside the placeholder.
 */
import { placeholderSpans } from './placeholder.ts'
import { type RedactContext, replacementFor } from './redact-context.ts'
import type { TextEdit } from './text-edits.ts'
import type { SecretSpan } from './text-rule.ts'

/**
 * The secrets in `text`, sorted, merged where they overlap, none touching a placeholder nor the range
 * `keep` (a URL's host: a span reaching into it is cut short).
 * @example findSecretSpans('key sk_live_abc…', ctx) // [{ start: 4, end: 40, rule: 'stripe-key', urlSafe: false }]
 */
export function findSecretSpans(
  text: string,
  ctx: RedactContext,
  keep?: readonly [number, number],
): SecretSpan[] {
  let found: SecretSpan[] = []
  const present = ctx.gate?.present(text)
  for (const rule of ctx.rules) {
    if (present !== undefined && rule.literals !== undefined && !rule.literals.some((l) => present.has(l)))
      continue
    for (const span of rule.find(text, ctx.names)) found.push(span)
  }
  if (keep !== undefined && keep[1] > keep[0]) found = found.flatMap((span) => outside(span, keep))
  if (found.length === 0) return found
  const placeholders = placeholderSpans(text)
  const kept =
    placeholders.length === 0 ? found : found.filter((span) => !touchesPlaceholder(span, placeholders))
  return mergeSpans(kept)
}

/**
 * Whether a span overlaps one of `placeholders` (sorted, apart): a binary search, since a text redacted
 * before holds as many placeholders as the rules find spans.
 */
function touchesPlaceholder(span: SecretSpan, placeholders: ReadonlyArray<[number, number]>): boolean {
  // The first placeholder ending after the span starts is the only one that can overlap it first.
  let low = 0
  let high = placeholders.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (placeholders[middle]![1] <= span.start) low = middle + 1
    else high = middle
  }
  return low < placeholders.length && placeholders[low]![0] < span.end
}

/** The part of a span before (or else after) a range that must not change. */
function outside(span: SecretSpan, [start, end]: readonly [number, number]): SecretSpan[] {
  if (span.end <= start || span.start >= end) return [span]
  if (span.start < start) return [{ ...span, end: start }]
  return span.end > end ? [{ ...span, start: end }] : []
}

/**
 * Sorts spans and merges the overlapping ones (the earlier rule keeps the name; URL-safe if either is).
 * @example mergeSpans([{ start: 0, end: 5, … }, { start: 3, end: 9, … }]) // [{ start: 0, end: 9, … }]
 */
export function mergeSpans(spans: SecretSpan[]): SecretSpan[] {
  if (spans.length < 2) return spans
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: SecretSpan[] = [{ ...sorted[0]! }]
  for (const span of sorted.slice(1)) {
    const last = merged[merged.length - 1]!
    if (span.start < last.end) {
      last.end = Math.max(last.end, span.end)
      last.urlSafe ||= span.urlSafe
    } else {
      merged.push({ ...span })
    }
  }
  return merged
}

/**
 * Edits replacing each span of `text` (a latin1 byte string) by its placeholder.
 * @example applyEdits(text, spansToEdits(text, findSecretSpans(text, ctx), ctx))
 */
export function spansToEdits(text: string, spans: readonly SecretSpan[], ctx: RedactContext): TextEdit[] {
  return spans.map((span) => ({
    start: span.start,
    end: span.end,
    text: replacementFor(ctx, span.rule, text.slice(span.start, span.end), span.urlSafe),
  }))
}

const PUBLIC_PREFIXES = [
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'rk_test_',
  'whsec_',
  'github_pat_',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'glpat-',
  'xoxb-',
  'xoxa-',
  'xoxp-',
  'xoxr-',
  'xoxs-',
  'xoxe-',
  'xoxo-',
  'npm_',
  'sk-proj-',
  'sk-ant-',
  'sk-',
  'ya29.',
  'AKIA',
  'ASIA',
  'AIza',
  'eyJ',
  'SG.',
  '-----BEGIN',
]

/**
 * A hint that names a secret without showing it: only a well-known public prefix (`sk_live_`, `AKIA`,
 * `eyJ`…) and the length.
 * @example maskSecret('sk_live_4eC39HqLyjWDarjtT1zdp7dc') // 'sk_live_… (32 chars)'
 */
export function maskSecret(secret: string): string {
  const prefix = PUBLIC_PREFIXES.find((p) => secret.startsWith(p) && secret.length > p.length + 8) ?? ''
  return `${prefix}… (${secret.length} chars)`
}
