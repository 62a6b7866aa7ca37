/**
 * URLs: secret-named query and fragment parameters get a percent-encoded placeholder, encoded values
 * and path segments are decoded and redacted as text (a redirect URL carrying a token, a JWT in a
 * path; see `urlEdits`), and the text rules then run over the whole URL (userinfo passwords, tokens in
 * the path). Only the changed pieces are rewritten, so the URL stays valid and byte-identical elsewhere.
 */
import { findSecretSpans, spansToEdits } from './find-secrets.ts'
import { memoized } from './memo.ts'
import { redactInner } from './redact-bytes.ts'
import type { RedactContext } from './redact-context.ts'
import { applyEdits } from './text-edits.ts'
import { urlEdits } from './url-edits.ts'

/**
 * Redacts a URL, absolute (`https://u:p@host/p?q#f`) or relative (`/p?q`).
 * @example redactUrl('https://api.test/v1?access_token=abc', ctx) // 'https://api.test/v1?access_token=%5Bredacted%3A…%5D'
 */
export function redactUrl(url: string, ctx: RedactContext): string {
  let current = url
  for (let round = 0; round < 8; round++) {
    const next = redactOnce(current, ctx)
    if (next === current) break
    current = next
  }
  return current
}

function redactOnce(url: string, ctx: RedactContext): string {
  const wide = /[^\x00-\xff]/.test(url)
  const text = wide ? Buffer.from(url, 'utf8').toString('latin1') : url
  let out = applyEdits(text, urlEdits(text, ctx, redactInner(ctx)))
  // Rules run until they find nothing more (see redactByteString). Every placeholder in a URL is
  // percent-encoded; the host is left alone, since a percent sign would make the URL invalid.
  for (let round = 0; round < 16; round++) {
    const host = hostSpan(out)
    const keep = host[1] > 0 ? ([host[0] - 1, host[1]] as const) : undefined
    const spans = findSecretSpans(out, ctx, keep).map((span) => ({ ...span, urlSafe: true }))
    if (spans.length === 0) break
    out = applyEdits(out, spansToEdits(out, spans, ctx))
  }
  if (out === text) return url
  return wide ? Buffer.from(out, 'latin1').toString('utf8') : out
}

/**
 * Where the host (and port) of an absolute URL sits, after any userinfo; [0, 0] for a relative URL. The
 * range kept from the rules starts one before, at the `@` (or the last `/` of `//`), which stays too.
 */
function hostSpan(url: string): [number, number] {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url)
  if (authority === null) return [0, 0]
  const start = authority[0].length - authority[1]!.length
  return [start + authority[1]!.lastIndexOf('@') + 1, authority[0].length]
}

/**
 * {@link redactUrl}, remembered: the same URLs come back request after request.
 * @example memoizedUrl('https://api.test/v1?access_token=abc', ctx)
 */
export function memoizedUrl(url: string, ctx: RedactContext): string {
  return memoized(ctx, 'url', '', url, () => redactUrl(url, ctx))
}
