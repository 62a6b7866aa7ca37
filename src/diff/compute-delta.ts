/**
 * The delta between two JSON values, in jsondiffpatch's delta format, computed by a walker that skips
 * equal subtrees without allocating. jsondiffpatch's own pipeline builds a context object per node and
 * took 5–20 times a `JSON.parse` of the same 6 MB value when we measured it; this walker visits each node once with plain
 * comparisons and hands jsondiffpatch only what needs its algorithms: aligning the items of arrays whose
 * items no longer line up (see align-arrays.ts). For any two values it returns the delta jsondiffpatch
 * returns with `createJsonDiffPatcher()` (a property test holds it to that), except that keys named like
 * Object.prototype members (`__proto__`, `toString`, which jsondiffpatch drops or misses) are diffed like
 * any other key, very large shuffled arrays are aligned by patience instead of an LCS, and two arrays of
 * chunks with the same content cut differently are one replace of the whole array (option `chunks`).
 */
import type { ArrayDelta, Delta, ObjectDelta } from 'jsondiffpatch'
import { alignArrays } from './align-arrays.ts'
import { sameChunkedContent } from './chunked-content.ts'
import { type ItemIdentity, identityFor } from './item-identity.ts'
import { createJsonDiffPatcher } from './json-diffpatcher.ts'

export interface DiffJsonOptions {
  /** Fields that identify an object inside an array, tried in order. Default `id`, `key`, `name`, `uuid`. */
  identityKeys?: readonly string[]
  /**
   * Arrays of chunks (all strings, or all byte strings) that hold the same content cut differently are
   * one change of the whole array (see chunked-content.ts), not a change of every chunk. Default true.
   */
  chunks?: boolean
}

/** jsondiffpatch's marker of a moved array item, `[value, newIndex, ARRAY_MOVE]` (newIndex: in the right array). */
const ARRAY_MOVE = 3

// Stateless once built: it only ever diffs arrays of item keys (strings).
const keyPatcher = createJsonDiffPatcher()

/**
 * Computes the jsondiffpatch delta from `left` to `right` (undefined when they are equal).
 * @example computeDelta({ a: 1, b: [1] }, { a: 2, b: [1] }) // { a: [1, 2] }
 */
export function computeDelta(left: unknown, right: unknown, options: DiffJsonOptions = {}): Delta {
  return deltaOf(left, right, {
    identity: identityFor(options.identityKeys),
    chunks: options.chunks !== false,
  })
}

interface Walk {
  identity: ItemIdentity
  chunks: boolean
}

function deltaOf(left: unknown, right: unknown, walk: Walk): Delta {
  if (left === right) return undefined
  if (typeof left === 'object' && left !== null && typeof right === 'object' && right !== null) {
    const leftIsArray = Array.isArray(left)
    if (leftIsArray === Array.isArray(right)) {
      return leftIsArray
        ? arrayDelta(left as unknown[], right as unknown[], walk)
        : objectDelta(left as Record<string, unknown>, right as Record<string, unknown>, walk)
    }
  }
  if (left === undefined) return [right]
  if (right === undefined) return [left, 0, 0]
  return [left, right]
}

function objectDelta(
  left: Record<string, unknown>,
  right: Record<string, unknown>,
  walk: Walk,
): ObjectDelta | undefined {
  let result: ObjectDelta | undefined
  let shared = 0
  for (const key of Object.keys(left)) {
    let child: Delta
    if (Object.hasOwn(right, key)) {
      shared++
      child = deltaOf(left[key], right[key], walk)
    } else {
      child = [left[key], 0, 0]
    }
    if (child !== undefined) result = withObjectEntry(result, key, child)
  }
  const rightKeys = Object.keys(right)
  if (shared !== rightKeys.length) {
    for (const key of rightKeys) {
      if (!Object.hasOwn(left, key)) result = withObjectEntry(result, key, [right[key]])
    }
  }
  return result
}

/**
 * Adds `key: delta` to an object delta, creating it on the first entry with a null prototype, so that a
 * `__proto__` key is an ordinary own property.
 * @example withObjectEntry(undefined, '__proto__', [1, 2]) // { ['__proto__']: [1, 2] }, no prototype
 */
export function withObjectEntry(result: ObjectDelta | undefined, key: string, delta: Delta): ObjectDelta {
  const target = result ?? (Object.create(null) as ObjectDelta)
  target[key] = delta
  return target
}

function arrayDelta(left: unknown[], right: unknown[], walk: Walk): Delta {
  if (walk.chunks && sameChunkedContent(left, right)) return [left, right]
  const alignment = alignArrays(left, right, walk.identity, keyPatcher)
  const entries: Record<string, unknown> = { _t: 'a' }
  let changed = false
  const nested = (from: number, to: number) => {
    const child = deltaOf(left[from], right[to], walk)
    if (child !== undefined) {
      entries[to] = child
      changed = true
    }
  }
  for (let index = 0; index < alignment.head; index++) nested(index, index)
  for (const [from, to] of alignment.matched) nested(from, to)
  for (let offset = alignment.tail; offset > 0; offset--) nested(left.length - offset, right.length - offset)
  for (const [from, to] of alignment.moved) {
    entries[`_${from}`] = [left[from], to, ARRAY_MOVE]
    changed = true
    nested(from, to)
  }
  for (const from of alignment.removed) {
    entries[`_${from}`] = [left[from], 0, 0]
    changed = true
  }
  for (const to of alignment.added) {
    entries[to] = [right[to]]
    changed = true
  }
  return changed ? (entries as unknown as ArrayDelta) : undefined
}
