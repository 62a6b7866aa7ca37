/**
 * A tolerant JSON scanner over a byte string: it finds `"key": value` pairs wherever they are (a JSON
 * document, NDJSON lines, server-sent `data:` events, JSON inside HTML or logs, a document cut short)
 * and returns edits that replace, in place, the values of secret-named keys. A value that is an object or
 * array under a secret key has every string inside it replaced. A string holding escapes (`\n`, `\/`,
 * `\"` of JSON inside JSON) is decoded and redacted as text of its own, then re-encoded.
 */
import { isPlaceholder } from './placeholder.ts'
import { type RedactContext, replacementFor } from './redact-context.ts'
import type { TextEdit } from './text-edits.ts'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a

/**
 * Redacts a decoded string as text; undefined when nothing in it changed.
 * @example const inner: InnerRedaction = (bytes) => (bytes.includes('sk_live_') ? '[redacted:…]' : undefined)
 */
export type InnerRedaction = (bytes: string) => string | undefined

/**
 * The edits that redact the JSON-shaped parts of `text` (a latin1 byte string).
 * @example applyEdits(text, jsonSecretEdits('{"password":"hunter2"}', ctx, inner)) // '{"password":"[redacted:…]"}'
 */
export function jsonSecretEdits(text: string, ctx: RedactContext, inner: InnerRedaction): TextEdit[] {
  const edits: TextEdit[] = []
  const outer: boolean[] = []
  let inSecret = false
  let pending = false
  const n = text.length
  // The next newline and backslash (the text's length when there is none), kept up to date as the scan
  // moves: no search runs twice over the text. A length, not -1, keeps the hot comparisons simple and fast.
  let newline = indexOrEnd(text, '\n', 0)
  let backslash = indexOrEnd(text, '\\', 0)
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      if (newline < i) newline = indexOrEnd(text, '\n', i)
      if (backslash < i) backslash = indexOrEnd(text, '\\', i)
      const end = backslash === n ? plainStringEnd(text, i, newline) : stringEnd(text, i, newline)
      if (end === BROKEN) {
        pending = false
        i++
        continue
      }
      const closed = end !== OPEN
      const stop = closed ? end : n
      const escaped = backslash < stop
      if (closed) {
        let j = stop
        while (j < n && isSpace(text.charCodeAt(j))) j++
        if (text.charCodeAt(j) === COLON) {
          const name = escaped ? stringValue(text.slice(i, stop), true) : text.slice(i + 1, stop - 1)
          pending = ctx.names.bodyKey(name)
          i = j + 1
          continue
        }
      }
      if (pending || inSecret) {
        const raw = text.slice(i, stop)
        const value = stringValue(raw, closed)
        if (value !== '' && !isPlaceholder(value)) {
          const placeholder = replacementFor(ctx, 'json-key', value, false)
          edits.push({ start: i, end: stop, text: closed ? `"${placeholder}"` : `"${placeholder}` })
        }
      } else if (closed && escaped) {
        const replaced = redactEscaped(text.slice(i, stop), inner)
        if (replaced !== undefined) edits.push({ start: i, end: stop, text: replaced })
      }
      pending = false
      i = stop
      continue
    }
    if (c === 0x7b || c === 0x5b) {
      outer.push(inSecret)
      inSecret ||= pending
      pending = false
    } else if (c === 0x7d || c === 0x5d) {
      inSecret = outer.pop() ?? false
      pending = false
    } else if (pending && (c === 0x2d || (c >= 0x30 && c <= 0x39))) {
      let j = i + 1
      while (j < n && isNumberChar(text.charCodeAt(j))) j++
      edits.push({ start: i, end: j, text: `"${replacementFor(ctx, 'json-key', text.slice(i, j), false)}"` })
      pending = false
      i = j
      continue
    } else if (!isSpace(c)) {
      pending = false
    }
    i++
  }
  return edits
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45
}

/** Where `char` next occurs from `from`, or the text's length. */
function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from)
  return at === -1 ? text.length : at
}

/** {@link stringEnd} for a text without backslashes: the next quote closes the string. */
function plainStringEnd(text: string, start: number, newline: number): number {
  const quote = text.indexOf('"', start + 1)
  if (quote === -1) return newline === text.length ? OPEN : BROKEN
  return newline < quote ? BROKEN : quote + 1
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}

/** {@link stringEnd}: the text ends inside the string (a truncated body). */
const OPEN = -1
/** {@link stringEnd}: a line ends first (a stray quote in prose, not a JSON string). */
const BROKEN = -2

/**
 * The index after the closing quote of the string starting at `start`, or {@link OPEN} or {@link BROKEN};
 * `newline` is the next newline at or after `start`, or the text's length.
 */
function stringEnd(text: string, start: number, newline: number): number {
  let from = start + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote === -1) return newline === text.length ? OPEN : BROKEN
    if (newline < quote) return BROKEN
    let backslashes = 0
    for (let b = quote - 1; b > start && text.charCodeAt(b) === BACKSLASH; b--) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

/** The decoded bytes of a string token (its raw content when it does not decode, e.g. cut in an escape). */
function stringValue(raw: string, closed: boolean): string {
  const content = raw.slice(1, closed ? -1 : undefined)
  if (!content.includes('\\')) return content
  try {
    const decoded = JSON.parse(`"${Buffer.from(content, 'latin1').toString('utf8')}"`) as string
    return Buffer.from(decoded, 'utf8').toString('latin1')
  } catch {
    return content
  }
}

function redactEscaped(raw: string, inner: InnerRedaction): string | undefined {
  let decoded: string
  try {
    decoded = JSON.parse(Buffer.from(raw, 'latin1').toString('utf8')) as string
  } catch {
    return undefined
  }
  if (typeof decoded !== 'string') return undefined
  const redacted = inner(Buffer.from(decoded, 'utf8').toString('latin1'))
  if (redacted === undefined) return undefined
  return Buffer.from(JSON.stringify(Buffer.from(redacted, 'latin1').toString('utf8')), 'utf8').toString(
    'latin1',
  )
}
