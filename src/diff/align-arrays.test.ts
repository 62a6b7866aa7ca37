import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { propertySeed } from '../../test/support/property-seed.ts'
import { type ArrayAlignment, alignArrays } from './align-arrays.ts'
import { createItemIdentity } from './item-identity.ts'
import { createJsonDiffPatcher } from './json-diffpatcher.ts'

const identity = createItemIdentity()
const patcher = createJsonDiffPatcher()
const item = fc.oneof(fc.record({ id: fc.nat(9) }), fc.record({ v: fc.nat(2) }), fc.nat(4))

/** Every pair the alignment makes, with where it came from. */
function pairsOf(
  alignment: ArrayAlignment,
  leftLength: number,
  rightLength: number,
): Array<readonly [number, number]> {
  const pairs: Array<readonly [number, number]> = []
  for (let index = 0; index < alignment.head; index++) pairs.push([index, index])
  pairs.push(...alignment.matched)
  for (let offset = alignment.tail; offset > 0; offset--)
    pairs.push([leftLength - offset, rightLength - offset])
  return pairs
}

describe('alignArrays', () => {
  it('alignArrays: peels a common head and tail and adds the inserted block', () => {
    const left = [{ id: 1 }, { id: 2 }, { id: 3 }]
    const right = [{ id: 1 }, { id: 9 }, { id: 8 }, { id: 2 }, { id: 3 }]
    expect(alignArrays(left, right, identity, patcher)).toEqual({
      head: 1,
      tail: 2,
      matched: [],
      moved: [],
      removed: [],
      added: [1, 2],
    })
  })

  it('alignArrays: uses the patience alignment above the LCS cell budget and still finds moves', () => {
    const left = [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]
    const right = [{ id: 4 }, { id: 2 }, { id: 3 }, { id: 5 }]
    expect(alignArrays(left, right, identity, patcher, 0)).toEqual({
      head: 0,
      tail: 0,
      matched: [
        [1, 1],
        [2, 2],
      ],
      moved: [[3, 0]],
      removed: [0],
      added: [3],
    })
  })

  it('alignArrays: pairs every item at most once, in order, with items of the same identity (LCS and patience)', () => {
    const seed = propertySeed('alignArrays')
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 12 }),
        fc.array(item, { maxLength: 12 }),
        fc.boolean(),
        (left, right, patience) => {
          const alignment = alignArrays(left, right, identity, patcher, patience ? 0 : undefined)
          const pairs = pairsOf(alignment, left.length, right.length)
          for (let index = 1; index < pairs.length; index++) {
            expect(pairs[index]![0]).toBeGreaterThan(pairs[index - 1]![0])
            expect(pairs[index]![1]).toBeGreaterThan(pairs[index - 1]![1])
          }
          const all = [...pairs, ...alignment.moved]
          for (const [from, to] of all) expect(identity.same(left[from], right[to], from, to)).toBe(true)
          const lefts = [...all.map(([from]) => from), ...alignment.removed].sort((a, b) => a - b)
          const rights = [...all.map(([, to]) => to), ...alignment.added].sort((a, b) => a - b)
          expect(lefts).toEqual(left.map((_, index) => index))
          expect(rights).toEqual(right.map((_, index) => index))
        },
      ),
      { seed },
    )
  })
})
