/**
 * jsondiffpatch's compact delta tuples turned into named operations at readable paths (STYLE.md:
 * "Public outputs use named operations, not jsondiffpatch's compact tuples").
 */
import { type Delta, patch } from 'jsondiffpatch'
import { childPath, indexPath } from './json-path.ts'
import type { ChangedPath } from './types.ts'

const ARRAY_MOVE = 3
const TEXT_DIFF = 2

/** One entry of an array delta, placed for sorting in document order. */
interface ArrayEntry {
  index: number
  /** At one index: a removal first, then a move, then what the right array holds there. */
  rank: number
  change?: ChangedPath
  nested?: Delta
}

/**
 * Flattens a jsondiffpatch delta into changed paths in document order (object keys in canonical, code-unit
 * order; array items by index). A removed item and an added item at the same index read as one `replace`;
 * a move is `{ op: 'move', path: <where it was>, to: <where it is>, before: <the item>, after: <the item
 * where it is> }` (jsondiffpatch's move gives the index in the right array), and changes inside a moved
 * item are also reported at its new index. A text diff (from `jsondiffpatch/with-text-diffs`) reads as a
 * `replace` whose `after` is the unidiff patch text.
 * @example
 * flattenDelta({ context: { _t: 'a', 3: { text: ['a', 'b'] } } })
 * // [{ op: 'replace', path: '$.context[3].text', before: 'a', after: 'b' }]
 */
export function flattenDelta(delta: Delta, root = '$'): ChangedPath[] {
  const out: ChangedPath[] = []
  visit(delta, root, out)
  return out
}

function visit(delta: Delta, path: string, out: ChangedPath[]): void {
  if (delta === undefined) return
  if (Array.isArray(delta)) {
    out.push(leaf(delta, path))
    return
  }
  const record = delta as Record<string, Delta>
  if ((record as { _t?: unknown })['_t'] === 'a') {
    visitArray(record, path, out)
    return
  }
  for (const key of Object.keys(record).sort()) visit(record[key], childPath(path, key), out)
}

function leaf(tuple: readonly unknown[], path: string): ChangedPath {
  if (tuple.length === 1) return { op: 'add', path, after: tuple[0] }
  if (tuple.length === 2) return { op: 'replace', path, before: tuple[0], after: tuple[1] }
  if (tuple[2] === 0) return { op: 'remove', path, before: tuple[0] }
  if (tuple[2] === TEXT_DIFF) return { op: 'replace', path, after: tuple[0] }
  if (tuple[2] === ARRAY_MOVE) return { op: 'move', path, before: tuple[0], after: tuple[0] }
  return { op: 'replace', path, after: tuple }
}

function visitArray(delta: Record<string, Delta>, path: string, out: ChangedPath[]): void {
  const entries: ArrayEntry[] = []
  const removed = new Map<number, readonly unknown[]>()
  const added = new Map<number, readonly unknown[]>()
  for (const name of Object.keys(delta)) {
    if (name === '_t') continue
    const value = delta[name]
    if (name.startsWith('_')) {
      const from = Number(name.slice(1))
      const tuple = value as readonly unknown[]
      if (tuple[2] === ARRAY_MOVE) {
        const to = tuple[1] as number
        const change: ChangedPath = {
          op: 'move',
          path: indexPath(path, from),
          to: indexPath(path, to),
          before: tuple[0],
          after: movedItem(tuple[0], delta[String(to)]),
        }
        entries.push({ index: from, rank: 1, change })
      } else {
        removed.set(from, tuple)
      }
      continue
    }
    const to = Number(name)
    if (Array.isArray(value) && value.length === 1) added.set(to, value)
    else entries.push({ index: to, rank: 2, nested: value })
  }
  for (const [from, tuple] of removed) {
    const replacement = added.get(from)
    const itemPath = indexPath(path, from)
    if (replacement) {
      added.delete(from)
      entries.push({
        index: from,
        rank: 2,
        change: { op: 'replace', path: itemPath, before: tuple[0], after: replacement[0] },
      })
    } else {
      entries.push({ index: from, rank: 0, change: { op: 'remove', path: itemPath, before: tuple[0] } })
    }
  }
  for (const [to, tuple] of added) {
    entries.push({ index: to, rank: 2, change: { op: 'add', path: indexPath(path, to), after: tuple[0] } })
  }
  entries.sort((a, b) => a.index - b.index || a.rank - b.rank)
  for (const entry of entries) {
    if (entry.change) out.push(entry.change)
    else visit(entry.nested, indexPath(path, entry.index), out)
  }
}

/** A moved item as it is at its new place: the item, with the changes inside it (nested at that index) applied. */
function movedItem(item: unknown, nested: Delta): unknown {
  if (nested === undefined) return item
  return patch(structuredClone(item), nested)
}
