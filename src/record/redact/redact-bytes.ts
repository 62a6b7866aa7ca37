/**
 * The body pipeline, over a byte string (one char per byte, so positions are byte offsets and binary
 * bodies go through the same ASCII rules): first the structure the content type names (form fields,
 * multipart parts, or JSON-shaped text and the percent-encoded URLs in it), then the text rules over
 * the result, then, for a truncated body, the token the cut went through. Each pass is kept as its
 * edits, so chunk boundaries can follow them.
 */
import { isUtf8 } from 'node:buffer'
import { findSecretSpans, spansToEdits } from './find-secrets.ts'
import { formSecretEdits } from './form-secrets.ts'
import { type InnerRedaction, jsonSecretEdits } from './json-secrets.ts'
import { multipartBoundary, multipartSecretEdits } from './multipart-secrets.ts'
import { placeholderSpans } from './placeholder.ts'
import { type RedactContext, replacementFor } from './redact-context.ts'
import { applyEdits, type TextEdit } from './text-edits.ts'
import { encodedUrlEdits } from './url-edits.ts'

/**
 * What the pipeline did: the redacted byte string and its passes (empty when nothing changed).
 * @example const { text, passes } = redactByteString(body, ctx, { textual: true })
 */
export interface ByteStringRedaction {
  text: string
  passes: TextEdit[][]
}

/**
 * How to read a byte string.
 * @example const options: ByteStringOptions = { contentType: 'application/json', textual: true, truncated: body.truncated }
 */
export interface ByteStringOptions {
  /** The Content-Type of the body, choosing the structured pass. */
  contentType?: string | undefined
  /** The bytes are valid UTF-8 (JSON-shaped text is looked for only then). */
  textual: boolean
  /** Only the beginning of the body was kept: the token cut at the end is redacted too. */
  truncated?: boolean | undefined
}

/**
 * Redacts a byte string (a body, a header value, a decoded field).
 * @example redactByteString('{"token":"abc"}', ctx, { contentType: 'application/json', textual: true }).text
 */
export function redactByteString(
  text: string,
  ctx: RedactContext,
  options: ByteStringOptions,
): ByteStringRedaction {
  const passes: TextEdit[][] = []
  // A cut text body always runs: the token at the cut is redacted whatever the rules find.
  if (!(options.truncated && options.textual) && ctx.quiet?.(text)) return { text, passes }
  let current = untilStable(text, ctx, options, passes)
  // Only text has tokens to cut: in binary bytes the "token" before the cut is noise.
  if (options.truncated && options.textual) {
    const tail = truncatedTailEdit(current, ctx)
    if (tail !== undefined) {
      passes.push([tail])
      current = untilStable(applyEdits(current, [tail]), ctx, options, passes)
    }
  }
  return { text: current, passes }
}

/**
 * The structured passes and the text rules, again and again until neither finds anything: a replacement
 * can complete a match beside it (`Basic <base64>password=…` once `password=…` is a placeholder), or
 * change what the structure reads, and redacting the result again must change nothing. Each round turns
 * text into placeholders, which nothing matches, so the rounds end; a clean text costs one round.
 */
function untilStable(
  text: string,
  ctx: RedactContext,
  options: ByteStringOptions,
  passes: TextEdit[][],
): string {
  let current = text
  for (let round = 0; round < 16; round++) {
    const start = passes.length
    current = applyStructure(current, ctx, options, passes)
    if (round > 0 && passes.length === start) break
    const before = passes.length
    current = applyRulesUntilStable(current, ctx, passes)
    // The structured passes find nothing new in their own output: only a rule edit makes another round
    // worth it.
    if (passes.length === before) break
  }
  return current
}

/** Runs the text rules while they find something. */
function applyRulesUntilStable(text: string, ctx: RedactContext, passes: TextEdit[][]): string {
  let current = text
  for (let round = 0; round < 16; round++) {
    const spans = findSecretSpans(current, ctx)
    if (spans.length === 0) break
    const edits = spansToEdits(current, spans, ctx)
    passes.push(edits)
    current = applyEdits(current, edits)
  }
  return current
}

/**
 * Redacts decoded text inside a structure (a JSON string with escapes, a form value); undefined when unchanged.
 * @example redactInner(ctx)('Bearer abc123def456') // 'Bearer [redacted:…]'
 */
export function redactInner(ctx: RedactContext): InnerRedaction {
  return (bytes) => {
    const result = redactByteString(bytes, ctx, { textual: true })
    return result.passes.length > 0 ? result.text : undefined
  }
}

/**
 * The media type of a Content-Type value, lower case, without parameters.
 * @example mediaType('Application/JSON; charset=utf-8') // 'application/json'
 */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}

/**
 * The structured passes, each over the previous one's result (their edits could overlap): form fields or
 * multipart parts by the content type; otherwise JSON-shaped text, then the percent-encoded URLs in what
 * is left (a URL inside a query value, echoed in a body or a log line, once or several times encoded).
 */
function applyStructure(
  text: string,
  ctx: RedactContext,
  options: ByteStringOptions,
  passes: TextEdit[][],
): string {
  const media = mediaType(options.contentType)
  if (media === 'application/x-www-form-urlencoded') {
    return applyPass(
      text,
      formSecretEdits(text, 0, text.length, ctx, ctx.names.field, redactInner(ctx), 'form-field'),
      passes,
    )
  }
  if (media.startsWith('multipart/')) {
    const boundary = multipartBoundary(options.contentType ?? '')
    if (boundary !== undefined) {
      const edits = multipartSecretEdits(text, boundary, ctx, (content, partType) => {
        const textual = isUtf8(Buffer.from(content, 'latin1'))
        const result = redactByteString(content, ctx, { contentType: partType, textual })
        return result.passes.length > 0 ? result.text : undefined
      })
      return applyPass(text, edits, passes)
    }
  }
  let current = text
  if (options.textual && current.includes('"')) {
    current = applyPass(current, jsonSecretEdits(current, ctx, redactInner(ctx)), passes)
  }
  const depth = ctx.encodedDepth ?? 0
  if (depth < MAX_ENCODED_DEPTH && current.includes('%')) {
    const deeper: RedactContext = { ...ctx, encodedDepth: depth + 1 }
    current = applyPass(current, encodedUrlEdits(current, deeper, redactInner(deeper)), passes)
  }
  return current
}

/**
 * How many times text is percent-decoded inside itself (a URL in a query value in a URL…): far more than
 * real nesting needs, and a bound on the work a hostile `%25252525…` can cause.
 */
const MAX_ENCODED_DEPTH = 8

/** Applies one pass's edits, kept in `passes` when there are any. */
function applyPass(text: string, edits: TextEdit[], passes: TextEdit[][]): string {
  if (edits.length === 0) return text
  passes.push(edits)
  return applyEdits(text, edits)
}

const DELIMITER = /[ \t\r\n"'<>(){}[\],;&=|`]/

/**
 * Whether the piece of a token a truncation left could be the start of a secret: 6 characters or more
 * mixing at least two of lower case, upper case and digits (a plain word or a run of one letter is not).
 */
function mayBeSecret(token: string): boolean {
  if (token.length < 6) return false
  const classes = Number(/[a-z]/.test(token)) + Number(/[A-Z]/.test(token)) + Number(/[0-9]/.test(token))
  return classes >= 2
}

/**
 * The edit replacing the token a truncation cut through (everything after the last delimiter), so no
 * prefix of a secret cut in half is left behind.
 */
function truncatedTailEdit(text: string, ctx: RedactContext): TextEdit | undefined {
  let start = text.length
  while (start > 0 && !DELIMITER.test(text[start - 1]!)) start--
  const lastPlaceholder = placeholderSpans(text.slice(start)).at(-1)
  if (lastPlaceholder !== undefined) start += lastPlaceholder[1]
  if (start >= text.length || !mayBeSecret(text.slice(start))) return undefined
  return {
    start,
    end: text.length,
    text: replacementFor(ctx, 'truncated-tail', text.slice(start), false),
  }
}
