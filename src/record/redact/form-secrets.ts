/**
 * `application/x-www-form-urlencoded` bodies (and query strings): secret-named fields get a
 * percent-encoded placeholder; every other value is decoded, redacted as text (JSON in a field, a token
 * in a comment, a URL in a `next=` parameter…), and what changed in it is encoded again.
 */

import type { InnerRedaction } from './json-secrets.ts'
import { percentDecode, reencodeChanged } from './percent-codec.ts'
import { isPlaceholder } from './placeholder.ts'
import { type RedactContext, replacementFor } from './redact-context.ts'
import type { NameMatcher } from './secret-names.ts'
import type { TextEdit } from './text-edits.ts'
import { urlParams } from './url-params.ts'

/**
 * The edits that redact the `name=value` pairs of `text` between `start` and `end`.
 * @example formSecretEdits('user=ada&password=hunter2', 0, 25, ctx, ctx.names.field, inner, 'form-field')
 */
export function formSecretEdits(
  text: string,
  start: number,
  end: number,
  ctx: RedactContext,
  isSecret: NameMatcher,
  inner: InnerRedaction,
  rule: string,
): TextEdit[] {
  const edits: TextEdit[] = []
  for (const param of urlParams(text, start, end)) {
    if (param.valueEnd === param.valueStart) continue
    const raw = text.slice(param.valueStart, param.valueEnd)
    const value = percentDecode(raw, true)
    if (isPlaceholder(value) || isPlaceholder(raw)) continue
    if (isSecret(param.name)) {
      edits.push({
        start: param.valueStart,
        end: param.valueEnd,
        text: replacementFor(ctx, rule, value, true),
      })
      continue
    }
    if (!raw.includes('%') && !raw.includes('+')) continue // plain values: the text rules see them as they are
    const redacted = inner(value)
    if (redacted !== undefined) {
      edits.push({ start: param.valueStart, end: param.valueEnd, text: reencodeChanged(raw, redacted, true) })
    }
  }
  return edits
}
