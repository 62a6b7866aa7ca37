/**
 * The skeleton of a JSON text: where each member of an object or array starts and ends, found without
 * building the values. Canonical JSON writes equal values as equal text, so comparing two members'
 * text finds the differing subtrees of a 10 MB value for the cost of one scan, and only those are parsed.
 * The scanner checks structure only (brackets, strings, separators) and throws a SyntaxError, as
 * `JSON.parse` does, where that is broken; the pieces that are parsed get checked by `JSON.parse`.
 */

/** A value inside a JSON text, `text.slice(start, end)`, with its members once scanned. */
export interface JsonSpan {
  start: number
  end: number
  /** Set once the value (an object or array) is scanned: its members in text order. */
  members?: JsonMember[]
}

/** A member of an object (with its key) or an item of an array (no key). */
export interface JsonMember {
  key?: string
  value: JsonSpan
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

/**
 * True when the value at `start` is an object or an array.
 * @example isContainerAt('{"a":1}', 0) // true
 */
export function isContainerAt(text: string, start: number): boolean {
  const code = text.charCodeAt(start)
  return code === OPEN_OBJECT || code === OPEN_ARRAY
}

/**
 * Scans the object or array at `start`: its members, and the members of those that are themselves
 * objects or arrays when `levels` is 2 or more (deeper values are skipped over, not recorded).
 * @example scanContainer('{"items":[1,2]}', 0, 2).members?.[0]?.value.members?.length // 2
 */
export function scanContainer(text: string, start: number, levels = 1): JsonSpan {
  const open = text.charCodeAt(start)
  if (open !== OPEN_OBJECT && open !== OPEN_ARRAY) fail(text, start, 'an object or array')
  const isObject = open === OPEN_OBJECT
  const close = isObject ? CLOSE_OBJECT : CLOSE_ARRAY
  const members: JsonMember[] = []
  let index = skipSpace(text, start + 1)
  if (text.charCodeAt(index) === close) return { start, end: index + 1, members }
  for (;;) {
    let key: string | undefined
    if (isObject) {
      if (text.charCodeAt(index) !== QUOTE) fail(text, index, 'a key')
      const keyEnd = skipString(text, index)
      key = readKey(text, index, keyEnd)
      index = skipSpace(text, keyEnd)
      if (text.charCodeAt(index) !== COLON) fail(text, index, "':'")
      index = skipSpace(text, index + 1)
    }
    const value: JsonSpan =
      levels > 1 && isContainerAt(text, index)
        ? scanContainer(text, index, levels - 1)
        : { start: index, end: skipValue(text, index) }
    members.push(key === undefined ? { value } : { key, value })
    index = skipSpace(text, value.end)
    const next = text.charCodeAt(index)
    if (next === COMMA) {
      index = skipSpace(text, index + 1)
      continue
    }
    if (next === close) return { start, end: index + 1, members }
    fail(text, index, isObject ? "',' or '}'" : "',' or ']'")
  }
}

/**
 * The end of the value starting at `start` (after skipping nested values and strings).
 * @example skipValue('[1,[2,"]"]] tail', 0) // 11
 */
export function skipValue(text: string, start: number): number {
  const code = text.charCodeAt(start)
  if (code === QUOTE) return skipString(text, start)
  if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
    let depth = 0
    let index = start
    const length = text.length
    while (index < length) {
      const current = text.charCodeAt(index)
      if (current === QUOTE) {
        index = skipString(text, index)
        continue
      }
      if (current === OPEN_OBJECT || current === OPEN_ARRAY) depth++
      else if (current === CLOSE_OBJECT || current === CLOSE_ARRAY) {
        depth--
        if (depth === 0) return index + 1
      }
      index++
    }
    return fail(text, length, 'a closing bracket')
  }
  let index = start
  while (index < text.length && !isDelimiter(text.charCodeAt(index))) index++
  if (index === start) fail(text, start, 'a value')
  return index
}

/** The end of the string starting at `start` (which is a quote), jumping from quote to quote. */
function skipString(text: string, start: number): number {
  let from = start + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return fail(text, text.length, 'the end of a string')
    let backslash = quote - 1
    while (text.charCodeAt(backslash) === BACKSLASH) backslash--
    if ((quote - 1 - backslash) % 2 === 0) return quote + 1
    from = quote + 1
  }
}

function readKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1)
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw
}

function skipSpace(text: string, index: number): number {
  let cursor = index
  for (;;) {
    const code = text.charCodeAt(cursor)
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return cursor
    cursor++
  }
}

function isDelimiter(code: number): boolean {
  return (
    code === COMMA ||
    code === CLOSE_ARRAY ||
    code === CLOSE_OBJECT ||
    code === 0x20 ||
    code === 0x0a ||
    code === 0x0d ||
    code === 0x09
  )
}

function fail(text: string, index: number, expected: string): never {
  const near = JSON.stringify(text.slice(Math.max(0, index - 20), index + 20))
  throw new SyntaxError(`Expected ${expected} at position ${index} near ${near}`)
}
