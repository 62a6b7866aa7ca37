/**
 * Short, safe before/after texts of one changed path, for a terminal line. Values keep their full size in
 * the comparison; here they are clipped, and two long strings that differ in a few characters are shown
 * around their first difference, where the reader needs to look.
 */
import { clipValue } from '../diff/index.ts'
import type { ChangedPath } from '../diff/types.ts'
import { quoteText, sanitizeText } from './sanitize-text.ts'

/**
 * The display form of one change; `before` is absent for an `add`, `after` for a `remove`. A `move` has
 * the moved item as `before` and where it went as `move` (`[2] → [0]`), no `after`.
 */
export interface ChangeText {
  op: ChangedPath['op']
  path: string
  before?: string
  after?: string
  move?: string
}

/**
 * Formats a changed path with each value clipped to about `budget` characters (before escaping).
 * @example formatChange({ op: 'replace', path: '$.n', before: 1, after: 2 }) // { op: 'replace', path: '$.n', before: '1', after: '2' }
 */
export function formatChange(change: ChangedPath, budget = 40): ChangeText {
  const out: ChangeText = { op: change.op, path: sanitizeText(change.path) }
  const { before, after } = change
  if (change.op === 'move') {
    out.before = valueText(before, budget)
    out.move = moveIndexes(change)
    return out
  }
  const hasBefore = change.op !== 'add' && 'before' in change
  const hasAfter = change.op !== 'remove' && 'after' in change
  if (hasBefore && hasAfter && typeof before === 'string' && typeof after === 'string') {
    const start = windowStart(before, after, budget)
    out.before = windowText(before, start, budget)
    out.after = windowText(after, start, budget)
    return out
  }
  if (hasBefore) out.before = valueText(before, budget)
  if (hasAfter) out.after = valueText(after, budget)
  return out
}

/**
 * Where a moved item was and where it is, by index in its array: `[2] → [0]` (the path when a side is
 * not an array item).
 * @example moveIndexes({ op: 'move', path: '$.tags[2]', to: '$.tags[0]' }) // '[2] → [0]'
 */
export function moveIndexes(change: ChangedPath): string {
  const index = (path: string | undefined) =>
    path === undefined ? '?' : (/\[\d+\]$/.exec(path)?.[0] ?? sanitizeText(path))
  return `${index(change.path)} → ${index(change.to)}`
}

/** Where to start showing two strings: a little before their first difference when it lies past the budget. */
function windowStart(before: string, after: string, budget: number): number {
  if (before.length <= budget && after.length <= budget) return 0
  let index = 0
  const shortest = Math.min(before.length, after.length)
  while (index < shortest && before.charCodeAt(index) === after.charCodeAt(index)) index++
  const context = Math.max(4, Math.floor(budget / 3))
  if (index < budget - context) return 0
  let start = index - context
  // Never start on the low half of a surrogate pair.
  const code = before.charCodeAt(start)
  if (code >= 0xdc00 && code <= 0xdfff) start--
  return Math.max(0, start)
}

function windowText(text: string, start: number, budget: number): string {
  let end = Math.min(text.length, start + budget)
  const last = text.charCodeAt(end - 1)
  if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
  const quoted = quoteText(text.slice(start, end))
  const head = start > 0 ? '…' : ''
  const tail = end < text.length ? '…' : ''
  return `"${head}${quoted.slice(1, -1)}${tail}"`
}

function valueText(value: unknown, budget: number): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return windowText(value, 0, budget)
  const clipped = clipValue(value, budget)
  // clipValue turns a large object into a string preview: print it as is, not as a quoted string.
  if (typeof clipped === 'string') return sanitizeText(clipped)
  return sanitizeText(JSON.stringify(clipped) ?? String(clipped))
}
