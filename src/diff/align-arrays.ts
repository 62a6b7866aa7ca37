/**
 * Pairing the items of two arrays before their contents are diffed. Common head and tail are peeled off
 * by identity (cheap, no allocation); the middle is aligned by jsondiffpatch's LCS with move detection
 * over item keys when it is small, and by a patience alignment on unique keys (O(n log n)) when an LCS
 * matrix would be too big — a front removal plus an append on 28k items must not build a 784M-cell matrix.
 */
import type { DiffPatcher } from 'jsondiffpatch'
import type { ItemIdentity } from './item-identity.ts'

/** How the items of a left and a right array pair up. Indices are left indices for removals, right for additions. */
export interface ArrayAlignment {
  /** Items `0 … head-1` pair with the same index on the other side. */
  head: number
  /** The last `tail` items pair with the last `tail` items on the other side. */
  tail: number
  /** Further pairs `[leftIndex, rightIndex]`, in order, between head and tail. */
  matched: Array<readonly [number, number]>
  /** Pairs whose item changed position relative to the others: `[leftIndex, rightIndex]`. */
  moved: Array<readonly [number, number]>
  /** Left items with no partner, ascending. */
  removed: number[]
  /** Right items with no partner, ascending. */
  added: number[]
}

/** Above this many LCS cells (middle length × middle length) the patience alignment is used instead. */
export const MAX_LCS_CELLS = 250_000

/**
 * Aligns two arrays under an item identity, using `keyPatcher` (a jsondiffpatch instance) for small LCS problems.
 * @example
 * alignArrays([{ id: 'b' }], [{ id: 'a' }, { id: 'b' }], identity, patcher) // { head: 0, tail: 1, added: [0], … }
 */
export function alignArrays(
  left: readonly unknown[],
  right: readonly unknown[],
  identity: ItemIdentity,
  keyPatcher: DiffPatcher,
  maxLcsCells = MAX_LCS_CELLS,
): ArrayAlignment {
  const leftLength = left.length
  const rightLength = right.length
  let head = 0
  while (head < leftLength && head < rightLength && identity.same(left[head], right[head], head, head)) head++
  let tail = 0
  while (
    head + tail < leftLength &&
    head + tail < rightLength &&
    identity.same(
      left[leftLength - 1 - tail],
      right[rightLength - 1 - tail],
      leftLength - 1 - tail,
      rightLength - 1 - tail,
    )
  ) {
    tail++
  }
  const alignment: ArrayAlignment = { head, tail, matched: [], moved: [], removed: [], added: [] }
  const leftEnd = leftLength - tail
  const rightEnd = rightLength - tail
  if (head === leftEnd || head === rightEnd) {
    for (let index = head; index < leftEnd; index++) alignment.removed.push(index)
    for (let index = head; index < rightEnd; index++) alignment.added.push(index)
    return alignment
  }
  const leftKeys: string[] = []
  for (let index = head; index < leftEnd; index++) leftKeys.push(identity.key(left[index], index))
  const rightKeys: string[] = []
  for (let index = head; index < rightEnd; index++) rightKeys.push(identity.key(right[index], index))
  const middle =
    leftKeys.length * rightKeys.length <= maxLcsCells
      ? lcsMiddle(leftKeys, rightKeys, keyPatcher)
      : patienceMiddle(leftKeys, rightKeys)
  for (const [from, to] of middle.pairs) alignment.matched.push([from + head, to + head])
  for (const [from, to] of middle.moves) alignment.moved.push([from + head, to + head])
  alignment.moved.sort((a, b) => a[0] - b[0])
  for (let index = 0; index < leftKeys.length; index++) {
    if (!middle.leftUsed[index]) alignment.removed.push(index + head)
  }
  for (let index = 0; index < rightKeys.length; index++) {
    if (!middle.rightUsed[index]) alignment.added.push(index + head)
  }
  return alignment
}

/** The alignment of a middle section, in indices relative to it. */
interface MiddleAlignment {
  pairs: Array<readonly [number, number]>
  moves: Array<readonly [number, number]>
  leftUsed: boolean[]
  rightUsed: boolean[]
}

/** jsondiffpatch's LCS with move detection, run over item keys (so equal keys match, nothing is recursed into). */
function lcsMiddle(leftKeys: string[], rightKeys: string[], keyPatcher: DiffPatcher): MiddleAlignment {
  const delta = (keyPatcher.diff(leftKeys, rightKeys) ?? { _t: 'a' }) as Record<string, unknown>
  const leftGone = new Array<boolean>(leftKeys.length).fill(false)
  const rightNew = new Array<boolean>(rightKeys.length).fill(false)
  const leftUsed = new Array<boolean>(leftKeys.length).fill(false)
  const rightUsed = new Array<boolean>(rightKeys.length).fill(false)
  const moves: Array<readonly [number, number]> = []
  for (const name of Object.keys(delta)) {
    if (name === '_t') continue
    const entry = delta[name] as unknown[]
    if (name.startsWith('_')) {
      const from = Number(name.slice(1))
      leftGone[from] = true
      if (entry[2] === 3) {
        const to = entry[1] as number
        rightNew[to] = true
        leftUsed[from] = true
        rightUsed[to] = true
        moves.push([from, to])
      }
    } else {
      rightNew[Number(name)] = true
    }
  }
  const pairs: Array<readonly [number, number]> = []
  let to = 0
  for (let from = 0; from < leftKeys.length; from++) {
    if (leftGone[from]) continue
    while (rightNew[to]) to++
    pairs.push([from, to])
    leftUsed[from] = true
    rightUsed[to] = true
    to++
  }
  return { pairs, moves, leftUsed, rightUsed }
}

/**
 * Patience alignment: keys that occur once on each side anchor a pair; the longest run of anchors in
 * the same order stays matched, the other anchors moved; everything else is removed or added.
 */
function patienceMiddle(leftKeys: string[], rightKeys: string[]): MiddleAlignment {
  const rightIndex = new Map<string, number>()
  for (let index = 0; index < rightKeys.length; index++) {
    const key = rightKeys[index]!
    rightIndex.set(key, rightIndex.has(key) ? -1 : index)
  }
  const leftCount = new Map<string, number>()
  for (const key of leftKeys) leftCount.set(key, (leftCount.get(key) ?? 0) + 1)
  const anchors: Array<readonly [number, number]> = []
  for (let index = 0; index < leftKeys.length; index++) {
    const key = leftKeys[index]!
    const to = rightIndex.get(key)
    if (to !== undefined && to >= 0 && leftCount.get(key) === 1) anchors.push([index, to])
  }
  const inOrder = longestIncreasingRun(anchors)
  const leftUsed = new Array<boolean>(leftKeys.length).fill(false)
  const rightUsed = new Array<boolean>(rightKeys.length).fill(false)
  const pairs: Array<readonly [number, number]> = []
  const moves: Array<readonly [number, number]> = []
  for (let index = 0; index < anchors.length; index++) {
    const anchor = anchors[index]!
    leftUsed[anchor[0]] = true
    rightUsed[anchor[1]] = true
    if (inOrder[index]) pairs.push(anchor)
    else moves.push(anchor)
  }
  return { pairs, moves, leftUsed, rightUsed }
}

/** Marks the anchors (sorted by left index) forming a longest run increasing in right index. */
function longestIncreasingRun(anchors: ReadonlyArray<readonly [number, number]>): boolean[] {
  const tails: number[] = []
  const previous = new Array<number>(anchors.length).fill(-1)
  for (let index = 0; index < anchors.length; index++) {
    const value = anchors[index]![1]
    let low = 0
    let high = tails.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (anchors[tails[mid]!]![1] < value) low = mid + 1
      else high = mid
    }
    if (low > 0) previous[index] = tails[low - 1]!
    tails[low] = index
  }
  const keep = new Array<boolean>(anchors.length).fill(false)
  let cursor = tails.length > 0 ? tails[tails.length - 1]! : -1
  while (cursor >= 0) {
    keep[cursor] = true
    cursor = previous[cursor]!
  }
  return keep
}
