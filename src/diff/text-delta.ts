/**
 * The delta between two JSON texts, parsing only the subtrees whose text differs. For canonical JSON
 * (equal values ⇔ equal text) this is what makes localizing a few changes in a 10 MB stage output cost
 * about one scan of each text instead of two full parses and a walk of both trees. The result is the
 * delta `computeDelta` gives for the parsed values (a property test holds it to that): wherever the
 * text-level shortcut cannot decide (array items that no longer line up, mismatched kinds), the
 * subtrees are parsed and handed to `computeDelta`.
 */
import type { ArrayDelta, Delta, ObjectDelta } from 'jsondiffpatch'
import { computeDelta, type DiffJsonOptions, withObjectEntry } from './compute-delta.ts'
import { type ItemIdentity, identityFor } from './item-identity.ts'
import { isContainerAt, type JsonMember, type JsonSpan, scanContainer } from './scan-json.ts'

/** Below this many characters a text is simply parsed: scanning would not pay for itself. */
export const SCAN_MIN_CHARS = 16_384

interface Side {
  text: string
}

/**
 * Computes the jsondiffpatch delta between the values two JSON texts hold (undefined when equal).
 * Throws a SyntaxError when a text is not JSON.
 * @example computeTextDelta('{"a":[1,{"id":2,"v":3}]}', '{"a":[1,{"id":2,"v":4}]}') // { a: { 1: { v: [3, 4] }, _t: 'a' } }
 */
export function computeTextDelta(
  leftText: string,
  rightText: string,
  options: DiffJsonOptions = {},
  scanMinChars = SCAN_MIN_CHARS,
): Delta {
  if (leftText === rightText) return undefined
  const leftStart = firstNonSpace(leftText)
  const rightStart = firstNonSpace(rightText)
  if (
    Math.max(leftText.length, rightText.length) < scanMinChars ||
    !isContainerAt(leftText, leftStart) ||
    !isContainerAt(rightText, rightStart)
  ) {
    return computeDelta(JSON.parse(leftText), JSON.parse(rightText), options)
  }
  const walker = createWalker(
    { text: leftText },
    { text: rightText },
    identityFor(options.identityKeys),
    options,
  )
  // Large texts: two levels in one pass, the root's members and theirs (`{ items: [ …28k items ] }`);
  // small ones: the root's members, deeper ones only where they differ.
  const levels = Math.max(leftText.length, rightText.length) < SCAN_MIN_CHARS ? 1 : 2
  return walker.diff(scanRoot(leftText, leftStart, levels), scanRoot(rightText, rightStart, levels))
}

function scanRoot(text: string, start: number, levels: number): JsonSpan {
  const root = scanContainer(text, start, levels)
  const rest = root.end + firstNonSpace(text.slice(root.end))
  if (rest !== text.length)
    throw new SyntaxError(`Unexpected non-whitespace character after JSON at position ${rest}`)
  return root
}

function createWalker(left: Side, right: Side, identity: ItemIdentity, options: DiffJsonOptions) {
  const parse = (side: Side, span: JsonSpan): unknown => JSON.parse(side.text.slice(span.start, span.end))
  const sameText = (l: JsonSpan, r: JsonSpan): boolean =>
    l.end - l.start === r.end - r.start &&
    left.text.slice(l.start, l.end) === right.text.slice(r.start, r.end)
  const parsedDelta = (l: JsonSpan, r: JsonSpan): Delta =>
    computeDelta(parse(left, l), parse(right, r), options)
  const membersOf = (side: Side, span: JsonSpan): JsonMember[] => {
    span.members ??= scanContainer(side.text, span.start, 1).members
    return span.members!
  }

  /** The delta of two spans whose text differs. */
  const diff = (l: JsonSpan, r: JsonSpan): Delta => {
    const kind = left.text.charCodeAt(l.start)
    if (!isContainerAt(left.text, l.start) || kind !== right.text.charCodeAt(r.start))
      return parsedDelta(l, r)
    return kind === 0x7b ? objectDelta(l, r) : arrayDelta(l, r)
  }

  const objectDelta = (l: JsonSpan, r: JsonSpan): Delta => {
    const leftMembers = membersOf(left, l)
    const rightMembers = membersOf(right, r)
    const rightByKey = new Map<string, JsonSpan>()
    for (const member of rightMembers) rightByKey.set(member.key!, member.value)
    const leftKeys = new Set(leftMembers.map((member) => member.key!))
    // Duplicate keys (never in canonical JSON): JSON.parse keeps the last one; let it decide.
    if (leftKeys.size !== leftMembers.length || rightByKey.size !== rightMembers.length)
      return parsedDelta(l, r)
    let result: ObjectDelta | undefined
    const set = (key: string, delta: Delta) => {
      if (delta !== undefined) result = withObjectEntry(result, key, delta)
    }
    for (const { key, value } of leftMembers) {
      const other = rightByKey.get(key!)
      if (!other) set(key!, [parse(left, value), 0, 0])
      else if (!sameText(value, other)) set(key!, diff(value, other))
    }
    for (const { key, value } of rightMembers) if (!leftKeys.has(key!)) set(key!, [parse(right, value)])
    return result
  }

  const arrayDelta = (l: JsonSpan, r: JsonSpan): Delta => {
    const leftItems = membersOf(left, l)
    const rightItems = membersOf(right, r)
    if (leftItems.length !== rightItems.length) return parsedDelta(l, r)
    // Chunks of a stream: computeDelta decides whether they hold the same content cut differently.
    if (options.chunks !== false && allChunks(left, leftItems) && allChunks(right, rightItems))
      return parsedDelta(l, r)
    // Items line up position by position unless a differing pair turns out to be two different items.
    const entries: Record<string, unknown> = { _t: 'a' }
    let changed = false
    for (let index = 0; index < leftItems.length; index++) {
      const leftSpan = leftItems[index]!.value
      const rightSpan = rightItems[index]!.value
      if (sameText(leftSpan, rightSpan)) continue
      const before = parse(left, leftSpan)
      const after = parse(right, rightSpan)
      if (!identity.same(before, after, index, index)) return parsedDelta(l, r)
      const delta = computeDelta(before, after, options)
      if (delta !== undefined) {
        entries[index] = delta
        changed = true
      }
    }
    return changed ? (entries as unknown as ArrayDelta) : undefined
  }

  return { diff }
}

const BYTES_START = '{"$parallax":"bytes"'

/** Whether every item is a string or canonical bytes (what chunked-content.ts looks at). */
function allChunks(side: Side, items: readonly JsonMember[]): boolean {
  return (
    items.length > 0 &&
    items.every(
      ({ value }) => side.text[value.start] === '"' || side.text.startsWith(BYTES_START, value.start),
    )
  )
}

function firstNonSpace(text: string): number {
  let index = 0
  while (index < text.length && ' \n\r\t'.includes(text[index]!)) index++
  return index
}
