/**
 * The structure of a URL, redacted: secret-named query and fragment parameters get a percent-encoded
 * placeholder, and every percent-encoded piece (a path segment, a parameter value) is decoded and
 * redacted as text of its own — a redirect URL carrying a token, a URL inside a query value, once or
 * several times encoded — with only the bytes that changed encoded again. `redactUrl` applies it to a
 * URL; the body pipeline to every percent-encoded URL it finds inside text.
 */
import { formSecretEdits } from './form-secrets.ts'
import type { InnerRedaction } from './json-secrets.ts'
import { escapedByte, percentDecode, reencodeChanged } from './percent-codec.ts'
import type { RedactContext } from './redact-context.ts'
import type { TextEdit } from './text-edits.ts'

const AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/

/**
 * The edits that redact the path, query and fragment of a URL, absolute or relative (the host is never
 * touched; the text rules then see what is left).
 * @example applyEdits(url, urlEdits('/cb?next=%2Fa%3Ftoken%3Dx1', ctx, inner)) // '/cb?next=%2Fa%3Ftoken%3D%255Bredacted%253A…%255D'
 */
export function urlEdits(text: string, ctx: RedactContext, inner: InnerRedaction): TextEdit[] {
  const hash = text.indexOf('#')
  const end = hash === -1 ? text.length : hash
  const question = text.indexOf('?')
  const query = question !== -1 && question < end ? question : -1
  const authority = AUTHORITY.exec(text)
  const pathStart = authority === null ? 0 : authority[0].length
  const pathEnd = query === -1 ? end : query
  const edits: TextEdit[] = []
  for (let at = pathStart; at < pathEnd; ) {
    let stop = text.indexOf('/', at)
    if (stop === -1 || stop > pathEnd) stop = pathEnd
    const segment = text.slice(at, stop)
    if (segment.includes('%')) {
      const redacted = inner(percentDecode(segment, false))
      if (redacted !== undefined)
        edits.push({ start: at, end: stop, text: reencodeChanged(segment, redacted, false) })
    }
    at = stop + 1
  }
  if (query !== -1) {
    edits.push(...formSecretEdits(text, query + 1, end, ctx, ctx.names.query, inner, 'url-query-secret'))
  }
  if (hash !== -1 && text.includes('=', hash)) {
    edits.push(
      ...formSecretEdits(text, hash + 1, text.length, ctx, ctx.names.query, inner, 'url-query-secret'),
    )
  }
  return edits
}

/**
 * The bytes a URL found in text is made of: RFC 3986's characters, less `'` (it quotes HTML attributes
 * and code) and `[`, `]` (placeholders, arrays). Quotes, spaces, `\`, `<>`, `{}` and every byte outside
 * printable ASCII end it.
 */
const URL_BYTE = new Uint8Array(256)
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&()*+,;=%') {
  URL_BYTE[char.charCodeAt(0)] = 1
}

/**
 * The edits that redact, as URLs (see {@link urlEdits}), the runs of URL characters in `text` (a byte
 * string) that hold a percent escape: `/d?q=%2Fsearch%3Fapi_key%3D…` in a log line, an encoded URL as a
 * JSON string value, a relative URL echoed in a response. A run without an escape is left to the text
 * rules, which read it as it is.
 * @example encodedUrlEdits('see /d?q=%2Fs%3Fapi_key%3Dk1', ctx, inner) // [{ start: 9, end: 28, text: '%2Fs%3Fapi_key%3D%255Bredacted%253A…%255D' }]
 */
export function encodedUrlEdits(text: string, ctx: RedactContext, inner: InnerRedaction): TextEdit[] {
  const edits: TextEdit[] = []
  // Runs never overlap: the next one starts at or after `floor`, the end of the last one.
  let floor = 0
  for (let percent = text.indexOf('%'); percent !== -1; percent = text.indexOf('%', percent + 1)) {
    if (percent < floor || escapedByte(text, percent) === -1) continue
    let start = percent
    while (start > floor && URL_BYTE[text.charCodeAt(start - 1)] === 1) start--
    let end = percent + 3
    while (end < text.length && URL_BYTE[text.charCodeAt(end)] === 1) end++
    const run = text.slice(start, end)
    floor = end
    // Every piece urlEdits decodes is a piece of the run decoded (`+` read as a space in a query or
    // not in a path): when the run decoded holds no rule literal and no secret name (the one-pass
    // test), neither does any piece.
    if (ctx.quiet?.(percentDecode(run, false)) && (!run.includes('+') || ctx.quiet(percentDecode(run, true))))
      continue
    for (const edit of urlEdits(run, ctx, inner)) {
      edits.push({ start: start + edit.start, end: start + edit.end, text: edit.text })
    }
  }
  return edits
}
