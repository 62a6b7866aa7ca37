/**
 * JSON text as a tree of spans, for shrinking a body by cutting its text: an array element, an object
 * member or part of a string is removed where it stands, and every other byte stays as it was (the
 * layout, the escapes, the number spellings), so a bug that depends on byte offsets survives the cut.
 */

/** Deeper JSON is left as it is (the scanner recurses). */
const MAX_DEPTH = 256

/** A JSON value's place in the text, `[start, end)` in UTF-16 code units. */
export type JsonNode =
  | { kind: 'array'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'string'; start: number; end: number }
  | { kind: 'scalar'; start: number; end: number }

/** An array element or an object member (from its key to the end of its value). */
export interface JsonEntry {
  start: number
  end: number
  value: JsonNode
}

/** Where a value sits: the entry index taken at each level from the root. */
export type JsonPath = readonly number[]

/**
 * The span tree of a JSON text; undefined when the text is not JSON or nests deeper than 256 levels.
 * @example parseJsonText('[1, "a"]')?.kind // 'array'
 */
export function parseJsonText(text: string): JsonNode | undefined {
  try {
    JSON.parse(text)
  } catch {
    return undefined
  }
  let i = 0
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
      i++
  }
  const skipString = () => {
    i++
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
  }
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) throw new RangeError('too deep')
    skipSpace()
    const start = i
    const open = text[i]
    if (open === '[' || open === '{') {
      const close = open === '[' ? ']' : '}'
      const entries: JsonEntry[] = []
      i++
      skipSpace()
      while (text[i] !== close) {
        skipSpace()
        const entryStart = i
        if (open === '{') {
          skipString()
          skipSpace()
          i++ // the colon
        }
        const child = value(depth + 1)
        entries.push({ start: entryStart, end: child.end, value: child })
        skipSpace()
        if (text[i] === ',') i++
        skipSpace()
      }
      i++
      return { kind: open === '[' ? 'array' : 'object', start, end: i, entries }
    }
    if (open === '"') {
      skipString()
      return { kind: 'string', start, end: i }
    }
    while (i < text.length && !',]} \n\r\t'.includes(text[i]!)) i++
    return { kind: 'scalar', start, end: i }
  }
  try {
    return value(0)
  } catch (error) {
    if (error instanceof RangeError) return undefined
    throw error
  }
}

/**
 * The node at `path`, or undefined when the tree has no such place (any more).
 * @example nodeAt(parseJsonText('[[1]]')!, [0, 0])?.kind // 'scalar'
 */
export function nodeAt(root: JsonNode, path: JsonPath): JsonNode | undefined {
  let node: JsonNode | undefined = root
  for (const index of path) {
    if (node?.kind !== 'array' && node?.kind !== 'object') return undefined
    node = node.entries[index]?.value
  }
  return node
}

/**
 * The paths of every array and object (outermost first) and of every string value (keys are not
 * values), in document order.
 * @example jsonPaths(parseJsonText('{"a":["x"]}')!) // { containers: [[], [0]], strings: [[0, 0]] }
 */
export function jsonPaths(root: JsonNode): { containers: JsonPath[]; strings: JsonPath[] } {
  const containers: JsonPath[] = []
  const strings: JsonPath[] = []
  const walk = (node: JsonNode, path: number[]) => {
    if (node.kind === 'string') strings.push(path)
    if (node.kind !== 'array' && node.kind !== 'object') return
    containers.push(path)
    for (const [index, entry] of node.entries.entries()) walk(entry.value, [...path, index])
  }
  walk(root, [])
  return { containers, strings }
}

/**
 * The text with `count` entries of a container removed from `from` on, with the separators that
 * went with them, so the rest keeps its layout.
 * @example withoutEntries('[1, 2, 3]', parseJsonText('[1, 2, 3]')!, 1, 1) // '[1, 3]'
 */
export function withoutEntries(text: string, node: JsonNode, from: number, count: number): string {
  if (node.kind !== 'array' && node.kind !== 'object') return text
  const { entries } = node
  const to = Math.min(entries.length, from + count)
  if (to <= from) return text
  // Up to the next entry when one follows (the trailing comma goes), else from the previous one's end.
  if (to < entries.length) return text.slice(0, entries[from]!.start) + text.slice(entries[to]!.start)
  if (from > 0) return text.slice(0, entries[from - 1]!.end) + text.slice(entries[to - 1]!.end)
  return text.slice(0, entries[0]!.start) + text.slice(entries[to - 1]!.end)
}

/**
 * The characters of a string literal as spans: one per code point or escape sequence (an escaped
 * surrogate pair is one), so removing spans never splits a character.
 * @example stringPieces('"a\\né"', { kind: 'string', start: 0, end: 7 }).length // 3
 */
export function stringPieces(text: string, node: JsonNode): Array<[start: number, end: number]> {
  const pieces: Array<[number, number]> = []
  let i = node.start + 1
  const last = node.end - 1
  while (i < last) {
    let end: number
    if (text[i] === '\\') {
      end = text[i + 1] === 'u' ? i + 6 : i + 2
      if (text[i + 1] === 'u' && isHighSurrogate(text, i + 2) && text.startsWith('\\u', end)) {
        if (isLowSurrogate(text, end + 2)) end += 6
      }
    } else {
      end = i + ((text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1)
    }
    pieces.push([i, end])
    i = end
  }
  return pieces
}

/**
 * The text with `count` characters of a string literal removed from the `from`-th on.
 * @example withoutPieces('"abc"', node, 1, 1) // '"ac"'
 */
export function withoutPieces(text: string, node: JsonNode, from: number, count: number): string {
  const pieces = stringPieces(text, node)
  const to = Math.min(pieces.length, from + count)
  if (to <= from) return text
  return text.slice(0, pieces[from]![0]) + text.slice(pieces[to - 1]![1])
}

function isHighSurrogate(text: string, hexAt: number): boolean {
  const unit = Number.parseInt(text.slice(hexAt, hexAt + 4), 16)
  return unit >= 0xd800 && unit <= 0xdbff
}

function isLowSurrogate(text: string, hexAt: number): boolean {
  const unit = Number.parseInt(text.slice(hexAt, hexAt + 4), 16)
  return unit >= 0xdc00 && unit <= 0xdfff
}
