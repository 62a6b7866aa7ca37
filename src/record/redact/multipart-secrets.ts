/**
 * `multipart/form-data` bodies: a part whose field name is secret has its content replaced; every other
 * part's content is redacted by its own content type (a JSON part, a text file…).
 */
import { isPlaceholder } from './placeholder.ts'
import { type RedactContext, replacementFor } from './redact-context.ts'
import type { TextEdit } from './text-edits.ts'

/**
 * Redacts one part's content by its content type; undefined when nothing changed.
 * @example multipartSecretEdits(body, boundary, ctx, (content, type) => redactByteString(content, ctx, { contentType: type, textual: true }).text)
 */
export type PartRedaction = (content: string, contentType: string | undefined) => string | undefined

/**
 * The boundary named by a multipart Content-Type, or undefined.
 * @example multipartBoundary('multipart/form-data; boundary="x-1"') // 'x-1'
 */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

/**
 * The edits that redact the parts of a multipart body (a latin1 byte string).
 * @example multipartSecretEdits(body, 'x-1', ctx, redactPart)
 */
export function multipartSecretEdits(
  text: string,
  boundary: string,
  ctx: RedactContext,
  redactPart: PartRedaction,
): TextEdit[] {
  const edits: TextEdit[] = []
  const delimiter = `--${boundary}`
  let at = text.indexOf(delimiter)
  while (at !== -1) {
    const headersStart = text.indexOf('\n', at + delimiter.length)
    if (headersStart === -1) break
    const blank = /\r?\n\r?\n/g
    blank.lastIndex = headersStart
    const separator = blank.exec(text)
    const next = text.indexOf(delimiter, headersStart)
    // A part cut short (a truncated body) runs to the end of the text.
    const partEnd = next === -1 ? text.length : next
    if (separator === null || separator.index >= partEnd) break
    const headers = text.slice(headersStart, separator.index)
    const contentStart = separator.index + separator[0].length
    let contentEnd = partEnd
    if (next !== -1) {
      if (text[contentEnd - 1] === '\n') contentEnd--
      if (text[contentEnd - 1] === '\r') contentEnd--
    }
    const content = text.slice(contentStart, contentEnd)
    const name = /\bname="([^"]*)"|\bname=([^;\s]+)/i.exec(headers)
    const fieldName = name?.[1] ?? name?.[2]
    if (contentEnd > contentStart && !isPlaceholder(content)) {
      if (fieldName !== undefined && ctx.names.field(fieldName)) {
        edits.push({
          start: contentStart,
          end: contentEnd,
          text: replacementFor(ctx, 'multipart-field', content, false),
        })
      } else {
        const partType = /^content-type:[ \t]*(.+?)[ \t]*$/im.exec(headers)?.[1]
        const redacted = redactPart(content, partType)
        if (redacted !== undefined) edits.push({ start: contentStart, end: contentEnd, text: redacted })
      }
    }
    at = next
  }
  return edits
}
