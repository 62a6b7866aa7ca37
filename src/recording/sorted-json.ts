/**
 * Plain JSON text with object keys sorted at every level: how recordings are written, so a recording
 * diff in review shows only real change. Unlike canonical.ts it adds no tags: a recording is plain data.
 */
import { formatPath, type PathStep } from './canonical-kind.ts'

/** Why a value cannot be written as plain JSON, and where. */
export interface NotJsonProblem {
  path: string
  problem: string
}

/**
 * JSON text with sorted keys and no whitespace; keys whose value is undefined are left out, as JSON does.
 * Returns a problem instead of text for anything JSON would silently change (NaN, a Date, a Map, a bigint,
 * a hole) or nesting past `maxDepth`, so what is written always reads back equal.
 * @example sortedJson({ b: 1, a: [true] }, 10) // { text: '{"a":[true],"b":1}' }
 */
export function sortedJson(value: unknown, maxDepth: number): { text: string } | NotJsonProblem {
  // Data built in sorted key order (what the recorder builds) is written natively, twice as fast.
  if (inSortedOrder(value, maxDepth)) return { text: JSON.stringify(value) }
  const steps: PathStep[] = []
  const problem = (depth: number, what: string): NotJsonProblem => ({
    path: formatPath(steps.slice(0, depth)),
    problem: what,
  })
  const write = (item: unknown, depth: number): string | NotJsonProblem => {
    if (typeof item === 'string' || typeof item === 'boolean') return JSON.stringify(item)
    if (typeof item === 'number')
      return Number.isFinite(item) ? JSON.stringify(item) : problem(depth, `is ${item}`)
    if (item === null) return 'null'
    if (typeof item !== 'object') return problem(depth, `is a ${typeof item}`)
    if (depth >= maxDepth) return problem(depth, `nests deeper than ${maxDepth} levels`)
    if (Array.isArray(item)) {
      // An array whose objects already have their keys in order (header pairs, chunk lists, clock reads
      // hold none): JSON.stringify writes it as this would, natively. (An array inherits a toJSON put on
      // Object.prototype, so the check refuses it then.)
      if (sortedFrom(item, depth, maxDepth)) return JSON.stringify(item)
      let out = '['
      for (let i = 0; i < item.length; i++) {
        steps[depth] = i
        if (!(i in item) || item[i] === undefined) return problem(depth + 1, 'is a hole or undefined')
        const text = write(item[i], depth + 1)
        if (typeof text !== 'string') return text
        out += (i > 0 ? ',' : '') + text
      }
      return out + ']'
    }
    const proto = Object.getPrototypeOf(item)
    if (proto !== Object.prototype && proto !== null) {
      return problem(depth, `is a ${proto?.constructor?.name ?? 'class instance'}, not plain data`)
    }
    const source = item as Record<string, unknown>
    let out = '{'
    for (const key of Object.keys(source).sort()) {
      if (source[key] === undefined) continue
      steps[depth] = key
      const text = write(source[key], depth + 1)
      if (typeof text !== 'string') return text
      out += (out.length > 1 ? ',' : '') + quotedKey(key) + ':' + text
    }
    return out + '}'
  }
  const text = write(value, 0)
  return typeof text === 'string' ? { text } : text
}

/**
 * Whether `JSON.stringify(value)` writes exactly what the sorted writer would: plain data within
 * `maxDepth` levels whose every object already has its keys in sorted order, with nothing JSON would
 * change or the writer would refuse (no hole, no undefined in an array, no `toJSON`, no class instance).
 * @example inSortedOrder({ a: 1, b: [true] }, 10) // true; inSortedOrder({ b: 1, a: 2 }, 10) // false
 */
export function inSortedOrder(value: unknown, maxDepth: number): boolean {
  // A toJSON on Object.prototype would be called by JSON.stringify and ignored by the writer.
  return (Object.prototype as { toJSON?: unknown }).toJSON === undefined && sortedFrom(value, 0, maxDepth)
}

function sortedFrom(item: unknown, depth: number, maxDepth: number): boolean {
  switch (typeof item) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(item)
    case 'object':
      break
    default:
      return false
  }
  if (item === null) return true
  if (depth >= maxDepth) return false
  if (Array.isArray(item)) {
    if ((item as { toJSON?: unknown }).toJSON !== undefined) return false
    for (let i = 0; i < item.length; i++) {
      // A hole reads as undefined too.
      const element: unknown = item[i]
      if (element === undefined || !sortedFrom(element, depth + 1, maxDepth)) return false
    }
    return true
  }
  const proto = Object.getPrototypeOf(item)
  if (proto !== Object.prototype && proto !== null) return false
  // for…in lists own keys as Object.keys does (inherited enumerable ones after them, which fail the
  // check or are written by neither).
  let previous: string | undefined
  for (const key in item) {
    if (previous !== undefined && !(previous < key)) return false
    previous = key
    const member = (item as Record<string, unknown>)[key]
    if (member !== undefined && !sortedFrom(member, depth + 1, maxDepth)) return false
  }
  return true
}

/** Keys as JSON strings, remembered: recordings repeat a few dozen keys over and over. */
const quotedKeys = new Map<string, string>()
const MAX_QUOTED_KEYS = 1024

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key)
  if (quoted === undefined) {
    quoted = JSON.stringify(key)
    if (quotedKeys.size >= MAX_QUOTED_KEYS) quotedKeys.clear()
    quotedKeys.set(key, quoted)
  }
  return quoted
}
